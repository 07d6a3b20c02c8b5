-- Plans, subscriptions and auto-removal (SPEC section 4): every rule, with
-- run_auto_remove and run_maintenance moving the clock by as_of.
\i test/sql/create-extension.sql
\set SHOW_CONTEXT never

SELECT cowork.create_location('Downtown') AS loc \gset
SELECT cowork.create_plan(:loc, 'Hot desk') AS desk \gset
SELECT cowork.create_plan(:loc, 'Coffee club', grants_membership => false) AS coffee \gset
SELECT name, grants_membership FROM cowork.plan ORDER BY plan_id;

CREATE VIEW pg_temp.board AS
SELECT p.full_name, c.status, c.is_admin, c.company_id IS NOT NULL AS in_company
  FROM cowork.customer c JOIN cowork.person p USING (person_id)
 ORDER BY p.full_name;

-- A membership subscription that has started makes its person a member at
-- once; the membership dates from the subscription's start.
SELECT cowork.add_nonmember(:loc, 'Ana Started', 'ana@example.com') AS ana \gset
SELECT cowork.subscribe(:loc, :ana, :desk, now() - interval '10 days') AS ana_sub \gset
SELECT c.status, c.since = s.starts_at AS since_start
  FROM cowork.customer c JOIN cowork.subscription s USING (location_id, person_id)
 WHERE s.subscription_id = :ana_sub;
-- A person with no customer row becomes a member directly.
INSERT INTO cowork.person (email, full_name) VALUES ('bo@example.com', 'Bo New');
SELECT person_id AS bo FROM cowork.person WHERE email = 'bo@example.com' \gset
SELECT cowork.subscribe(:loc, :bo, :desk) AS bo_sub \gset
SELECT cowork.status_of(:loc, :bo) AS bo;

-- A recurring product never makes anyone a member.
SELECT cowork.add_nonmember(:loc, 'Cy Coffee', 'cy@example.com') AS cy \gset
SELECT cowork.subscribe(:loc, :cy, :coffee, now() - interval '1 day') AS cy_sub \gset
SELECT cowork.status_of(:loc, :cy) AS cy;

-- A future subscription: nothing now; a member when a run passes its start.
SELECT cowork.add_nonmember(:loc, 'Di Future', 'di@example.com') AS di \gset
SELECT cowork.subscribe(:loc, :di, :desk, now() + interval '5 days', now() + interval '35 days') AS di_sub \gset
SELECT cowork.status_of(:loc, :di) AS di_now;
CALL cowork.run_maintenance(now() + interval '4 days');
SELECT cowork.status_of(:loc, :di) AS di_day_4;
CALL cowork.run_maintenance(now() + interval '5 days');
SELECT c.status AS di_day_5, c.since = s.starts_at AS since_start
  FROM cowork.customer c JOIN cowork.subscription s USING (location_id, person_id)
 WHERE s.subscription_id = :di_sub;

-- Auto-removal: when the last membership subscription has ended.
SELECT cowork.end_subscription(:ana_sub, now() + interval '3 days');
SELECT cowork.run_auto_remove(now() + interval '2 days') AS removed_day_2;
SELECT cowork.run_auto_remove(now() + interval '3 days') AS removed_day_3;
SELECT cowork.status_of(:loc, :ana) AS ana;
SELECT cowork.run_auto_remove(now() + interval '3 days') AS again;
CALL cowork.run_maintenance(now() + interval '40 days');
SELECT cowork.status_of(:loc, :di) AS di_after_end;

-- A subscription entered today that started 30 days ago and ended
-- yesterday makes a member now, and the next sweep ends that membership.
SELECT cowork.add_nonmember(:loc, 'Ed Late', 'ed@example.com') AS ed \gset
SELECT cowork.subscribe(:loc, :ed, :desk, now() - interval '30 days', now() - interval '1 day') AS ed_sub \gset
SELECT cowork.status_of(:loc, :ed) AS ed_entered;
SELECT cowork.run_auto_remove() AS removed;
SELECT cowork.status_of(:loc, :ed) AS ed_swept;

-- Members invited by hand, and administrators, are never auto-removed.
SELECT cowork.invite_member(:loc, 'Flo Invited', 'flo@example.com') AS flo \gset
SELECT cowork.invite_member(:loc, 'Gus Admin', 'gus@example.com') AS gus \gset
UPDATE cowork.customer SET is_admin = true WHERE person_id = :gus;
SELECT cowork.subscribe(:loc, :gus, :desk, now() - interval '9 days', now() - interval '2 days') AS gus_sub \gset
SELECT cowork.run_auto_remove(now() + interval '100 days') AS removed;
SELECT cowork.status_of(:loc, :flo) AS flo, cowork.status_of(:loc, :gus) AS gus;

-- A member restored by hand after their subscriptions ended stays a member.
SELECT cowork.restore_member(:loc, :ed);
SELECT cowork.run_auto_remove(now() + interval '100 days') AS removed;
SELECT cowork.status_of(:loc, :ed) AS ed_restored;
-- So is one invited again (a reinvite): the membership dates from the
-- invitation, and only a subscription ending after it can end it.
SELECT cowork.remove_member(:loc, :ed);
SELECT cowork.invite_member(:loc, 'Ed', 'ed@example.com') = :ed AS ed_reinvited;
SELECT cowork.run_auto_remove(now() + interval '100 days') AS removed;
SELECT cowork.status_of(:loc, :ed) AS ed_after_reinvite;
SELECT cowork.subscribe(:loc, :ed, :desk, now() - interval '1 day', now() + interval '5 days') AS ed_new_sub \gset
SELECT cowork.run_auto_remove(now() + interval '4 days') AS removed_while_running;
SELECT cowork.run_auto_remove(now() + interval '6 days') AS removed_after_it_ended;
SELECT cowork.status_of(:loc, :ed) AS ed_after_new_end;

-- A subscription that has not ended yet (running or starting later) keeps
-- its member; a recurring product does not.
SELECT cowork.invite_member(:loc, 'Hal Two', 'hal@example.com') AS hal \gset
-- (Backdated as a restore would: since is the rules' own, direct DML cannot set it.)
SET session_replication_role = replica;
UPDATE cowork.customer SET since = now() - interval '60 days' WHERE person_id = :hal;
RESET session_replication_role;
SELECT cowork.subscribe(:loc, :hal, :desk, now() - interval '50 days', now() - interval '20 days') AS hal_old \gset
SELECT cowork.subscribe(:loc, :hal, :desk, now() + interval '10 days') AS hal_next \gset
SELECT cowork.subscribe(:loc, :hal, :coffee, now() - interval '50 days') AS hal_coffee \gset
SELECT cowork.run_auto_remove() AS removed;
SELECT cowork.status_of(:loc, :hal) AS hal_with_next;
-- Cancelled before it starts: it never runs, and it has ended (at its start):
-- one rule, so its end ends the membership like any other.
SELECT cowork.end_subscription(:hal_next, now() + interval '5 days');
SELECT start_processed_at IS NOT NULL AS never_starts, ends_at = starts_at AS ends_at_start
  FROM cowork.subscription WHERE subscription_id = :hal_next;
CALL cowork.run_maintenance(now() + interval '9 days');
SELECT cowork.status_of(:loc, :hal) AS hal_day_9;
CALL cowork.run_maintenance(now() + interval '11 days');
SELECT cowork.status_of(:loc, :hal) AS hal_day_11;

-- The grace interval and the location's switch.
UPDATE cowork.location SET auto_remove_grace = '7 days' WHERE location_id = :loc;
SELECT cowork.add_nonmember(:loc, 'Ivy Grace', 'ivy@example.com') AS ivy \gset
SELECT cowork.subscribe(:loc, :ivy, :desk, now() - interval '10 days', now() - interval '1 day') AS ivy_sub \gset
SELECT cowork.run_auto_remove() AS within_grace;
SELECT cowork.run_auto_remove(now() + interval '5 days') AS still_within;
SELECT cowork.run_auto_remove(now() + interval '6 days 1 minute') AS after_grace;
UPDATE cowork.location SET auto_remove_grace = '0', auto_remove_members = false WHERE location_id = :loc;
SELECT cowork.add_nonmember(:loc, 'Jo Kept', 'jo@example.com') AS jo \gset
SELECT cowork.subscribe(:loc, :jo, :desk, now() - interval '10 days', now() - interval '1 day') AS jo_sub \gset
SELECT cowork.run_auto_remove() AS switched_off;
SELECT cowork.status_of(:loc, :jo) AS jo;
-- The switch only held the removal back: switched on again, the next sweep
-- removes Jo, whose subscription ended while it was off.
UPDATE cowork.location SET auto_remove_members = true WHERE location_id = :loc;
SELECT cowork.run_auto_remove() AS switched_on;
SELECT cowork.status_of(:loc, :jo) AS jo;

-- Companies: a company subscription covers its members.
SELECT cowork.create_company(:loc, 'Acme') AS acme \gset
SELECT cowork.invite_member(:loc, 'Kim Acme', 'kim@example.com', company_id => :acme) AS kim \gset
SELECT cowork.add_nonmember(:loc, 'Lee Acme', 'lee@example.com') AS lee \gset
SELECT cowork.add_nonmember(:loc, 'Max Acme', 'max@example.com') AS max \gset
UPDATE cowork.customer SET company_id = :acme WHERE person_id IN (:lee, :max);
-- (Backdated as a restore would: since is the rules' own, direct DML cannot set it.)
SET session_replication_role = replica;
UPDATE cowork.customer SET since = now() - interval '1 hour' WHERE person_id = :kim;
RESET session_replication_role;
SELECT cowork.subscribe(:loc, :max, :desk, now() - interval '1 day') AS max_own \gset
SELECT cowork.subscribe_company(:loc, :acme, :desk, now() - interval '1 minute', now() + interval '30 days') AS acme_sub \gset
SELECT full_name, status FROM pg_temp.board WHERE in_company;
-- A company member removed by hand is not made a member again by the
-- company subscription that was running; their own later one does.
SELECT cowork.remove_member(:loc, :lee);
CALL cowork.run_maintenance(now() + interval '1 day');
SELECT cowork.status_of(:loc, :lee) AS lee_removed;
SELECT cowork.subscribe(:loc, :lee, :desk, now() + interval '2 days', now() + interval '3 days') AS lee_own \gset
CALL cowork.run_maintenance(now() + interval '2 days');
SELECT cowork.status_of(:loc, :lee) AS lee_own_start;
-- When the company's subscription ends, its members without one of their
-- own become nonmembers in the same sweep.
SELECT cowork.run_auto_remove(now() + interval '31 days') AS removed;
SELECT full_name, status FROM pg_temp.board WHERE in_company;

-- remove_member ends the person's running subscriptions there.
SELECT ends_at IS NULL AS open_ended, ended_by, ended_at IS NULL AS not_ended
  FROM cowork.subscription WHERE subscription_id = :max_own;
SELECT cowork.remove_member(:loc, :max);
SELECT ends_at <= now() AS ended, ended_by = current_user AS by_me, ended_at = ends_at AS ended_at_set
  FROM cowork.subscription WHERE subscription_id = :max_own;
SELECT cowork.run_auto_remove(now() + interval '1 day') AS nothing_more;
SELECT cowork.status_of(:loc, :max) AS max;

-- Every change is in the log with the subscription that caused it.  (The
-- changes of one sweep share a time; their order among them is the plan's.)
SELECT p.full_name, e.from_status, e.to_status,
       regexp_replace(e.reason, '[0-9]+$', '<id>') AS reason
  FROM cowork.customer_events e JOIN cowork.person p USING (person_id)
 WHERE e.reason ~ '^(subscription|auto_remove)'
 ORDER BY e.at, p.full_name, e.event_id;
SELECT count(*) AS reasons_naming_a_subscription
  FROM cowork.customer_event e
 WHERE e.reason ~ '^(subscription|auto_remove):'
   AND split_part(e.reason, ':', 2)::bigint IN (SELECT subscription_id FROM cowork.subscription);

-- run_maintenance works in batches and is idempotent.
INSERT INTO cowork.person (email, full_name)
SELECT format('batch%s@example.com', i), format('Batch %s', i) FROM generate_series(1, 7) i;
SELECT count(*) FROM (
    SELECT cowork.subscribe(:loc, person_id, :desk, now() + interval '1 day', now() + interval '2 days')
      FROM cowork.person WHERE email LIKE 'batch%') s;
CALL cowork.run_maintenance(now() + interval '1 day', batch_size => 2);
SELECT status, count(*) FROM cowork.customer c JOIN cowork.person p USING (person_id)
 WHERE p.email LIKE 'batch%' GROUP BY status;
CALL cowork.run_maintenance(now() + interval '3 days', batch_size => 3);
CALL cowork.run_maintenance(now() + interval '3 days', batch_size => 3);
SELECT status, count(*) FROM cowork.customer c JOIN cowork.person p USING (person_id)
 WHERE p.email LIKE 'batch%' GROUP BY status;
SELECT count(*) AS batch_events FROM cowork.customer_event e JOIN cowork.person p USING (person_id)
 WHERE p.email LIKE 'batch%';

-- remove_member of a member whose subscription's start has come but is not
-- handled yet (no maintenance run since): the subscription ends, its start
-- is handled, and the member is removed, not made a member again by it.
-- (The row is written with the triggers off, as if its start had come since
-- the last run.)
SELECT cowork.invite_member(:loc, 'Pia Pending', 'pia@example.com') AS pia \gset
SET session_replication_role = replica;
INSERT INTO cowork.subscription (location_id, plan_id, person_id, starts_at)
VALUES (:loc, :desk, :pia, now() - interval '1 hour') RETURNING subscription_id AS pia_sub \gset
RESET session_replication_role;
SELECT cowork.remove_member(:loc, :pia);
SELECT cowork.status_of(:loc, :pia) AS pia,
       (SELECT start_processed_at IS NOT NULL AND ends_at <= now()
          FROM cowork.subscription WHERE subscription_id = :pia_sub) AS started_and_ended,
       (SELECT string_agg(split_part(reason, ':', 1), ',' ORDER BY event_id)
          FROM cowork.customer_event WHERE person_id = :pia) AS log;
CALL cowork.run_maintenance(now() + interval '1 day');
SELECT cowork.status_of(:loc, :pia) AS pia_next_day;

-- A subscription's location, subscriber and plan are fixed: an UPDATE that
-- changes one is refused (55000); the way to move a subscription to someone
-- else, or to another plan, is to end it and subscribe again.
SELECT cowork.invite_member(:loc, 'Quin Old', 'quin@example.com') AS quin \gset
SELECT cowork.invite_member(:loc, 'Ray New', 'ray@example.com') AS ray \gset
-- (Backdated as a restore would: since is the rules' own, direct DML cannot set it.)
SET session_replication_role = replica;
UPDATE cowork.customer SET since = now() - interval '20 days' WHERE person_id IN (:quin, :ray);
RESET session_replication_role;
SELECT cowork.subscribe(:loc, :quin, :desk, now() - interval '10 days', now() + interval '10 days') AS quin_sub \gset
SELECT cowork.subscribe_company(:loc, :acme, :coffee, now() - interval '1 day') AS acme_coffee \gset
SELECT cowork.create_location('Uptown') AS uptown \gset
SELECT cowork.create_plan(:uptown, 'Hot desk') AS up_desk \gset
\set VERBOSITY sqlstate
UPDATE cowork.subscription SET person_id = :ray WHERE subscription_id = :quin_sub;
\set VERBOSITY default
UPDATE cowork.subscription SET person_id = :ray WHERE subscription_id = :quin_sub;
UPDATE cowork.subscription SET plan_id = :coffee WHERE subscription_id = :quin_sub;
UPDATE cowork.subscription SET person_id = NULL, company_id = :acme WHERE subscription_id = :quin_sub;
UPDATE cowork.subscription SET company_id = NULL, person_id = :ray WHERE subscription_id = :acme_coffee;
UPDATE cowork.subscription SET location_id = :uptown, plan_id = :up_desk WHERE subscription_id = :quin_sub;
UPDATE cowork.subscription SET subscription_id = subscription_id + 1000 WHERE subscription_id = :quin_sub;
-- Writing the same values, or any other column, is allowed.
UPDATE cowork.subscription SET person_id = :quin, plan_id = :desk, ends_at = now() + interval '12 days'
 WHERE subscription_id = :quin_sub;
SELECT s.person_id = :quin AS still_quin, s.plan_id = :desk AS still_desk,
       q.person_id = :quin AS queued_for_quin, q.ends_at = s.ends_at AS queued_end
  FROM cowork.subscription s JOIN cowork.subscription_end_due q USING (location_id, subscription_id)
 WHERE subscription_id = :quin_sub;
-- Moved the right way: the sweep judges each person by their own
-- subscription.  Quin's ends now; Ray's runs to the end date Quin's had.
SELECT cowork.end_subscription(:quin_sub);
SELECT cowork.subscribe(:loc, :ray, :desk, now(), now() + interval '12 days') AS ray_sub \gset
SELECT cowork.run_auto_remove(now() + interval '1 day') AS removed;
SELECT cowork.status_of(:loc, :quin) AS quin, cowork.status_of(:loc, :ray) AS ray;
SELECT cowork.run_auto_remove(now() + interval '12 days') AS removed;
SELECT cowork.status_of(:loc, :ray) AS ray_after_end,
       (SELECT reason = 'auto_remove:' || :ray_sub FROM cowork.customer_event
         WHERE person_id = :ray ORDER BY event_id DESC LIMIT 1) AS by_own_subscription;

-- Bad input.
\set VERBOSITY terse
SELECT cowork.end_subscription(999999);
SELECT cowork.end_subscription(:ed_sub);
SELECT cowork.end_subscription(NULL);
SELECT cowork.end_subscription(:bo_sub, NULL);
SELECT cowork.subscribe(:loc, :bo, :desk, now(), now() - interval '1 day');
SELECT cowork.subscribe(:loc, :bo, 999999);
SELECT cowork.subscribe_company(:loc, 999999, :desk);
INSERT INTO cowork.subscription (location_id, plan_id, person_id, company_id) VALUES (:loc, :desk, :bo, :acme);
INSERT INTO cowork.subscription (location_id, plan_id) VALUES (:loc, :desk);
SELECT cowork.create_plan(:loc, '  ');
SELECT cowork.create_company(:loc, NULL);
SELECT cowork.invite_member(:loc, 'Zed', 'zed@example.com', company_id => 999999);
SELECT cowork.run_auto_remove(NULL);
CALL cowork.run_maintenance(now(), 0);
CALL cowork.run_maintenance(NULL);
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT cowork.run_auto_remove();
ROLLBACK;
\set VERBOSITY default
SELECT count(*) AS zed_rows FROM cowork.person WHERE email = 'zed@example.com';
