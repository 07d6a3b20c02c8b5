-- A year of an operator's customers, made through the functions of cowork
-- 0.1.0 (run by test/shell/upgrade.sh with the 0.1.0 library and scripts):
-- three locations in two networks, members, nonmembers and removed
-- customers, companies with managers, admins and a primary contact,
-- plans and subscriptions (running, ended, future, company), auto-removals,
-- suspensions, invitations (pending, approved, rejected), credits and day
-- passes, actions in every state, an application table tracked by
-- track_actions, and the operator's own view over a cowork view.
\set ON_ERROR_STOP on
SET client_min_messages = warning;

SELECT cowork.create_location('Riverside Hub', 'Northwind Spaces') AS riverside \gset
SELECT cowork.create_location('Old Town Loft', 'Northwind Spaces') AS oldtown \gset
SELECT cowork.create_location('Airport Desk') AS airport \gset
UPDATE cowork.location SET auto_remove_grace = interval '3 days' WHERE location_id = :oldtown;
UPDATE cowork.location SET auto_remove_members = false WHERE location_id = :airport;

-- 300 invited members and 300 nonmembers at Riverside; some of the same
-- people at Old Town (by email, so the same persons).
SELECT count(cowork.invite_member(:riverside, 'Member ' || i, 'member' || i || '@example.com',
                                  CASE WHEN i % 3 = 0 THEN '+44 20 7946 ' || lpad(i::text, 4, '0') END))
  FROM generate_series(1, 300) AS i;
SELECT count(cowork.add_nonmember(:riverside, 'Guest ' || i, ' Guest' || i || '@Example.com '))
  FROM generate_series(1, 300) AS i;
SELECT count(cowork.add_nonmember(:oldtown, 'Member ' || i, 'member' || i || '@example.com'))
  FROM generate_series(1, 300, 7) AS i;
SELECT count(cowork.invite_member(:oldtown, 'Loft ' || i, 'loft' || i || '@example.org'))
  FROM generate_series(1, 120) AS i;

-- Leavers, returners, deletions; a direct UPDATE checked by the same rules.
SELECT count(cowork.remove_member(:riverside, p.person_id))
  FROM cowork.person p WHERE p.email LIKE 'member%@example.com' AND p.person_id % 10 = 0;
SELECT count(cowork.restore_member(:riverside, p.person_id))
  FROM cowork.person p WHERE p.email LIKE 'member%@example.com' AND p.person_id % 30 = 0;
SELECT count(cowork.delete_nonmember(:riverside, p.person_id))
  FROM cowork.person p WHERE p.email LIKE 'guest%@example.com' AND p.person_id % 11 = 0;
UPDATE cowork.customer SET status = 'member'
 WHERE location_id = :oldtown AND person_id IN (SELECT person_id FROM cowork.person
                                                WHERE email LIKE 'member%' AND person_id % 2 = 0);

-- Companies, their managers, admins, a primary contact.
SELECT cowork.create_company(:riverside, 'Acme Robotics') AS acme \gset
SELECT cowork.create_company(:riverside, 'Initech') AS initech \gset
SELECT cowork.create_company(:oldtown, 'Globex') AS globex \gset
UPDATE cowork.company SET auto_approve_members = true WHERE company_id = :initech;
UPDATE cowork.company SET members_use_company_credits = false WHERE company_id = :globex;
UPDATE cowork.customer SET company_id = :acme
 WHERE location_id = :riverside AND status = 'member' AND person_id % 4 = 1;
UPDATE cowork.customer SET company_id = :initech
 WHERE location_id = :riverside AND status = 'member' AND person_id % 4 = 2;
UPDATE cowork.customer SET company_id = :globex
 WHERE location_id = :oldtown AND status = 'member' AND person_id % 3 = 0;
SELECT min(person_id) AS acme_boss FROM cowork.customer WHERE company_id = :acme \gset
SELECT min(person_id) AS initech_boss FROM cowork.customer WHERE company_id = :initech \gset
SELECT cowork.set_company_manager(:riverside, :acme_boss);
SELECT cowork.set_company_manager(:riverside, :initech_boss);
SELECT cowork.set_primary_contact(:riverside, :acme, :acme_boss);
SELECT cowork.set_admin(:riverside, person_id) FROM cowork.person WHERE email = 'member3@example.com';

-- Invitations: pending, approved, rejected, auto-approved.
SELECT cowork.invite_to_company(:riverside, :acme_boss, 'New Hire ' || i, 'hire' || i || '@acme.example')
  FROM generate_series(1, 6) AS i;
SELECT cowork.approve_invitation(min(invitation_id)) FROM cowork.invitation WHERE status = 'pending';
SELECT cowork.reject_invitation(max(invitation_id)) FROM cowork.invitation WHERE status = 'pending';
SELECT cowork.invite_to_company(:riverside, :initech_boss, 'Peter Gibbons', 'peter@initech.example');

-- Plans and subscriptions: running, ended (auto-removed by the sweep),
-- future, open-ended, a company plan, a plan that grants no membership.
SELECT cowork.create_plan(:riverside, 'Hot desk') AS hotdesk \gset
SELECT cowork.create_plan(:riverside, 'Locker', false) AS locker \gset
SELECT cowork.create_plan(:oldtown, 'Fixed desk') AS fixeddesk \gset
SELECT count(cowork.subscribe(:riverside, c.person_id, :hotdesk,
                              timestamptz '2026-01-01 09:00+00' + (c.person_id % 50) * interval '1 day',
                              CASE WHEN c.person_id % 5 = 0 THEN NULL
                                   ELSE timestamptz '2026-01-01 09:00+00' + (c.person_id % 50 + 30) * interval '1 day' END))
  FROM cowork.customer c WHERE c.location_id = :riverside AND c.status = 'nonmember' AND c.person_id % 3 = 0;
SELECT count(cowork.subscribe(:riverside, c.person_id, :locker))
  FROM cowork.customer c WHERE c.location_id = :riverside AND c.status = 'member' AND c.person_id % 7 = 0;
SELECT count(cowork.subscribe(:oldtown, c.person_id, :fixeddesk, now() + interval '10 days'))
  FROM cowork.customer c WHERE c.location_id = :oldtown AND c.status = 'nonmember';
SELECT cowork.subscribe_company(:riverside, :acme, :hotdesk, timestamptz '2026-02-01 00:00+00') AS acme_sub \gset
SELECT cowork.subscribe_company(:oldtown, :globex, :fixeddesk, timestamptz '2026-03-01 00:00+00',
                                timestamptz '2026-06-30 00:00+00');
SELECT cowork.end_subscription(min(subscription_id), now() - interval '1 hour')
  FROM cowork.subscription WHERE person_id IS NOT NULL AND ends_at IS NULL;
CALL cowork.run_maintenance(now(), 50);
SELECT cowork.run_auto_remove();

-- Suspensions.
SELECT cowork.suspend(:riverside, person_id)
  FROM cowork.customer WHERE location_id = :riverside AND status = 'member' AND person_id % 13 = 0;
SELECT cowork.unsuspend(:riverside, min(person_id))
  FROM cowork.customer WHERE location_id = :riverside AND suspended;

-- Credits and day passes, personal and company.
SELECT cowork.grant_company_credits(:riverside, :acme, 100);
SELECT cowork.grant_company_credits(:riverside, :acme, 20, 'day_passes');
SELECT cowork.grant_credits(:riverside, person_id, 10)
  FROM cowork.customer WHERE location_id = :riverside AND status = 'member' AND NOT suspended
   AND person_id % 9 = 0;
SELECT cowork.buy_credits(:riverside, :acme_boss, 5);
SELECT cowork.use_credits(:riverside, :acme_boss, 12);
SELECT cowork.use_credits(:riverside, :acme_boss, 1, 'day_passes');

-- Actions: completed ones make newcomers nonmembers; started, cancelled.
SELECT count(cowork.record_action(:airport, p.person_id, 'desk_booking', amount => 15))
  FROM cowork.person p WHERE p.person_id % 17 = 0;
SELECT count(cowork.record_action(:airport, p.person_id, 'payment', 'started', 40))
  FROM cowork.person p WHERE p.person_id % 19 = 0;
SELECT count(cowork.complete_action(a.action_id))
  FROM cowork.action a WHERE a.state = 'started' AND a.person_id % 2 = 0;
INSERT INTO cowork.action (location_id, person_id, kind, state, amount, reference)
SELECT :riverside, p.person_id, 'event_ticket', 'cancelled', 8, 'TICKET-' || p.person_id
  FROM cowork.person p WHERE p.person_id % 23 = 0;

-- The operator's own booking table, tracked (text state column), and its
-- rows; plus the operator's view over a cowork view.
CREATE TABLE public.room_booking (
    booking_id  bigserial PRIMARY KEY,
    location_id bigint NOT NULL,
    person_id   bigint NOT NULL,
    status      text NOT NULL DEFAULT 'pending'
);
SELECT cowork.track_actions('public.room_booking', 'room_booking', 'location_id', 'person_id',
                            'status', 'paid');
INSERT INTO public.room_booking (location_id, person_id, status)
SELECT :oldtown, p.person_id, CASE WHEN p.person_id % 2 = 0 THEN 'paid' ELSE 'pending' END
  FROM cowork.person p WHERE p.person_id % 29 = 0;
UPDATE public.room_booking SET status = 'paid' WHERE booking_id % 3 = 0;
CREATE VIEW public.member_directory AS
SELECT location_id, full_name, email FROM cowork.members;
