-- The small realistic data set the SQL fuzz runs on (test/shell/fuzz-sql.sh):
-- two locations of one network, members, a nonmember, a removed customer, a
-- suspended member, an admin, a company with its contact, manager and
-- employee, plans, running, ended, future and company subscriptions,
-- invitations in each state, credits, actions in each state, and
-- application tables for track_actions.  Every id the fuzz uses as a sane
-- argument is kept in fuzz.ids by name.
SET client_min_messages = warning;
CREATE SCHEMA fuzz;
CREATE TABLE fuzz.ids (name text PRIMARY KEY, value bigint NOT NULL);

-- fuzz.keep(name, value): remember an id; returns it.
CREATE FUNCTION fuzz.keep(name text, value bigint) RETURNS bigint
LANGUAGE sql AS $$ INSERT INTO fuzz.ids VALUES (name, value) RETURNING value $$;
CREATE FUNCTION fuzz.id(name text) RETURNS bigint
LANGUAGE sql STABLE STRICT AS $$ SELECT value FROM fuzz.ids WHERE ids.name = id.name $$;

SELECT fuzz.keep('loc', cowork.create_location('Fuzz Downtown', 'north'));
SELECT fuzz.keep('loc2', cowork.create_location('Fuzz Harbour', 'north'));
SELECT fuzz.keep('loc_solo', cowork.create_location('Fuzz Island'));
UPDATE cowork.location SET auto_remove_grace = '7 days' WHERE location_id = fuzz.id('loc2');
UPDATE cowork.location SET auto_remove_members = false WHERE location_id = fuzz.id('loc_solo');

SELECT fuzz.keep('company', cowork.create_company(fuzz.id('loc'), 'Acme'));
SELECT fuzz.keep('company_auto', cowork.create_company(fuzz.id('loc'), 'Auto Approvers'));
UPDATE cowork.company SET auto_approve_members = true, members_use_company_credits = false
 WHERE company_id = fuzz.id('company_auto');
SELECT fuzz.keep('company2', cowork.create_company(fuzz.id('loc2'), 'Harbour Ltd'));

SELECT fuzz.keep('plan', cowork.create_plan(fuzz.id('loc'), 'Hot desk'));
SELECT fuzz.keep('plan_product', cowork.create_plan(fuzz.id('loc'), 'Coffee club', false));
SELECT fuzz.keep('plan2', cowork.create_plan(fuzz.id('loc2'), 'Harbour desk'));

SELECT fuzz.keep('member', cowork.invite_member(fuzz.id('loc'), 'Mia Member', 'mia@example.com', '+1 555 0100'));
SELECT cowork.invite_member(fuzz.id('loc2'), 'Mia Member', 'mia@example.com');
SELECT fuzz.keep('contact', cowork.invite_member(fuzz.id('loc'), 'Carl Contact', 'carl@example.com', NULL, fuzz.id('company')));
SELECT cowork.set_primary_contact(fuzz.id('loc'), fuzz.id('company'), fuzz.id('contact'));
SELECT fuzz.keep('manager', cowork.invite_member(fuzz.id('loc'), 'Mona Manager', 'mona@example.com', NULL, fuzz.id('company')));
SELECT cowork.set_company_manager(fuzz.id('loc'), fuzz.id('manager'));
SELECT fuzz.keep('employee', cowork.invite_member(fuzz.id('loc'), 'Emil Employee', 'emil@example.com', NULL, fuzz.id('company')));
SELECT fuzz.keep('auto_member', cowork.invite_member(fuzz.id('loc'), 'Otto Auto', 'otto@example.com', NULL, fuzz.id('company_auto')));
SELECT fuzz.keep('admin', cowork.invite_member(fuzz.id('loc'), 'Ada Admin', 'ada@example.com'));
SELECT cowork.set_admin(fuzz.id('loc'), fuzz.id('admin'));
SELECT fuzz.keep('suspended', cowork.invite_member(fuzz.id('loc'), 'Sam Suspended', 'sam@example.com'));
SELECT cowork.suspend(fuzz.id('loc'), fuzz.id('suspended'));
SELECT fuzz.keep('nonmember', cowork.add_nonmember(fuzz.id('loc'), 'Nora Nonmember', 'nora@example.com', '+1 555 0101'));
SELECT fuzz.keep('removed', cowork.add_nonmember(fuzz.id('loc'), 'Rex Removed', 'rex@example.com'));
SELECT cowork.delete_nonmember(fuzz.id('loc'), fuzz.id('removed'));
SELECT fuzz.keep('former', cowork.invite_member(fuzz.id('loc'), 'Fern Former', 'fern@example.com'));
SELECT cowork.remove_member(fuzz.id('loc'), fuzz.id('former'));
INSERT INTO cowork.person (email, full_name) VALUES ('nobody@example.com', 'Noah Nobody');
SELECT fuzz.keep('fresh', person_id) FROM cowork.person WHERE email = 'nobody@example.com';
INSERT INTO cowork.person (email, full_name) VALUES ('lead@example.com', 'Lea Lead');
SELECT fuzz.keep('lead', person_id) FROM cowork.person WHERE email = 'lead@example.com';
SELECT fuzz.keep('harbour_member', cowork.invite_member(fuzz.id('loc2'), 'Hal Harbour', 'hal@example.com', NULL, fuzz.id('company2')));

SELECT fuzz.keep('sub', cowork.subscribe(fuzz.id('loc'), fuzz.id('member'), fuzz.id('plan'),
                                         now() - interval '30 days', now() + interval '30 days'));
SELECT fuzz.keep('sub_open', cowork.subscribe(fuzz.id('loc'), fuzz.id('admin'), fuzz.id('plan'),
                                              now() - interval '90 days'));
SELECT fuzz.keep('sub_company', cowork.subscribe_company(fuzz.id('loc'), fuzz.id('company'), fuzz.id('plan'),
                                                         now() - interval '10 days'));
SELECT fuzz.keep('sub_product', cowork.subscribe(fuzz.id('loc'), fuzz.id('nonmember'), fuzz.id('plan_product'),
                                                 now() - interval '10 days', now() + interval '20 days'));
SELECT fuzz.keep('sub_future', cowork.subscribe(fuzz.id('loc'), fuzz.id('lead'), fuzz.id('plan'),
                                                now() + interval '10 days', now() + interval '40 days'));
SELECT fuzz.keep('sub_ending', cowork.subscribe(fuzz.id('loc'), fuzz.id('suspended'), fuzz.id('plan'),
                                                now() - interval '60 days', now() + interval '1 hour'));
SELECT fuzz.keep('sub_ended', cowork.subscribe(fuzz.id('loc'), fuzz.id('former'), fuzz.id('plan'),
                                               now() - interval '60 days', now() + interval '1 day'));
SELECT cowork.end_subscription(fuzz.id('sub_ended'), now() - interval '1 day');
SELECT fuzz.keep('sub_harbour', cowork.subscribe(fuzz.id('loc2'), fuzz.id('harbour_member'), fuzz.id('plan2'),
                                                 now() - interval '40 days', now() - interval '2 days'));

SELECT fuzz.keep('invitation', cowork.invite_to_company(fuzz.id('loc'), fuzz.id('manager'), 'Ivan Invitee', 'ivan@example.com'));
SELECT fuzz.keep('invitation_approved', cowork.invite_to_company(fuzz.id('loc'), fuzz.id('contact'), 'Abe Approved', 'abe@example.com'));
SELECT cowork.approve_invitation(fuzz.id('invitation_approved'));
SELECT fuzz.keep('invitation_rejected', cowork.invite_to_company(fuzz.id('loc'), fuzz.id('manager'), 'Rita Rejected', 'rita@example.com'));
SELECT cowork.reject_invitation(fuzz.id('invitation_rejected'));
SELECT fuzz.keep('invitation_auto', cowork.invite_to_company(fuzz.id('loc'), fuzz.id('auto_member'), 'Al Auto', 'al@example.com'));

SELECT cowork.grant_credits(fuzz.id('loc'), fuzz.id('member'), 10);
SELECT cowork.grant_credits(fuzz.id('loc'), fuzz.id('member'), 3, 'day_passes');
SELECT cowork.grant_company_credits(fuzz.id('loc'), fuzz.id('company'), 20);
SELECT cowork.grant_company_credits(fuzz.id('loc'), fuzz.id('company'), 2, 'day_passes');
SELECT cowork.buy_credits(fuzz.id('loc'), fuzz.id('contact'), 5);
SELECT cowork.use_credits(fuzz.id('loc'), fuzz.id('employee'), 1);

SELECT fuzz.keep('action_started', cowork.record_action(fuzz.id('loc'), fuzz.id('lead'), 'room_booking', 'started', 25));
SELECT fuzz.keep('action_completed', cowork.record_action(fuzz.id('loc'), fuzz.id('nonmember'), 'payment', 'completed', 10));
SELECT fuzz.keep('action_cancelled', cowork.record_action(fuzz.id('loc'), fuzz.id('member'), 'event_ticket', 'cancelled'));
SELECT fuzz.keep('action_removed', cowork.record_action(fuzz.id('loc'), fuzz.id('removed'), 'desk_booking', 'started'));

-- Application tables: one untracked, one tracked, a partitioned one, a view.
CREATE SCHEMA fuzz_app;
CREATE TABLE fuzz_app.booking (booking_id bigserial PRIMARY KEY, location_id bigint, person_id bigint,
                               state text, note text);
CREATE TABLE fuzz_app.tracked (order_id bigserial PRIMARY KEY, location_id bigint, person_id bigint,
                               state text);
SELECT cowork.track_actions('fuzz_app.tracked', 'shop_order', 'location_id', 'person_id', 'state', 'paid');
INSERT INTO fuzz_app.tracked (location_id, person_id, state)
VALUES (fuzz.id('loc'), fuzz.id('lead'), 'open'), (fuzz.id('loc'), fuzz.id('member'), 'paid');
-- Tracked tables of the other column types track_actions takes: smaller
-- integers, char(n), a domain, an enum, varchar; one partitioned.
CREATE TABLE fuzz_app.tracked_small (id serial PRIMARY KEY, location_id integer, person_id smallint,
                                     state character(8));
SELECT cowork.track_actions('fuzz_app.tracked_small', 'payment', 'location_id', 'person_id', 'state', 'paid');
CREATE DOMAIN fuzz_app.location_ref AS bigint CHECK (VALUE > 0);
CREATE TYPE fuzz_app.order_state AS ENUM ('open', 'paid', 'void');
CREATE TABLE fuzz_app.tracked_enum (location_id fuzz_app.location_ref, person_id integer,
                                    state fuzz_app.order_state);
SELECT cowork.track_actions('fuzz_app.tracked_enum', 'event_ticket', 'location_id', 'person_id', 'state', 'paid');
CREATE TABLE fuzz_app.tracked_part (location_id bigint, person_id bigint, state varchar(10))
    PARTITION BY LIST (location_id);
CREATE TABLE fuzz_app.tracked_part_default PARTITION OF fuzz_app.tracked_part DEFAULT;
SELECT cowork.track_actions('fuzz_app.tracked_part', 'desk_booking', 'location_id', 'person_id', 'state', 'paid');
INSERT INTO fuzz_app.tracked_small (location_id, person_id, state) VALUES (fuzz.id('loc'), fuzz.id('lead'), 'open');
INSERT INTO fuzz_app.tracked_enum VALUES (fuzz.id('loc'), fuzz.id('lead'), 'open');
INSERT INTO fuzz_app.tracked_part VALUES (fuzz.id('loc'), fuzz.id('lead'), 'open');
CREATE TABLE fuzz_app.part (location_id bigint, person_id bigint, state text) PARTITION BY LIST (location_id);
CREATE TABLE fuzz_app.part_1 PARTITION OF fuzz_app.part DEFAULT;
CREATE VIEW fuzz_app.booking_view AS SELECT * FROM fuzz_app.booking;
CREATE TABLE fuzz_app.typed (location_id text, person_id numeric, state int);

-- The application role of docs/reference.md, for the unprivileged pass.
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'regress_fuzz_app') THEN
        CREATE ROLE regress_fuzz_app;
    END IF;
END $$;
GRANT USAGE ON SCHEMA cowork TO regress_fuzz_app;
GRANT SELECT, INSERT, UPDATE ON cowork.location, cowork.person, cowork.customer,
      cowork.company, cowork.plan, cowork.subscription, cowork.action, cowork.invitation TO regress_fuzz_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA cowork TO regress_fuzz_app;
GRANT SELECT ON ALL TABLES IN SCHEMA cowork TO regress_fuzz_app;
-- Admin access to every location (the member portal's), so that the calls
-- get past the access check to the code under test.
SELECT cowork.grant_access('regress_fuzz_app', NULL, 'admin');
-- It attaches the tracking of its own tables (docs/reference.md, app_owner).
GRANT EXECUTE ON FUNCTION cowork.action_trigger() TO regress_fuzz_app;
GRANT USAGE ON SCHEMA fuzz_app TO regress_fuzz_app;
GRANT ALL ON ALL TABLES IN SCHEMA fuzz_app TO regress_fuzz_app;
ALTER TABLE fuzz_app.booking OWNER TO regress_fuzz_app;
ALTER TABLE fuzz_app.tracked OWNER TO regress_fuzz_app;
ALTER TABLE fuzz_app.part OWNER TO regress_fuzz_app;
ALTER TABLE fuzz_app.typed OWNER TO regress_fuzz_app;
ALTER TABLE fuzz_app.tracked_small OWNER TO regress_fuzz_app;
ALTER TABLE fuzz_app.tracked_enum OWNER TO regress_fuzz_app;
ALTER TABLE fuzz_app.tracked_part OWNER TO regress_fuzz_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA fuzz_app TO regress_fuzz_app;
ALTER VIEW fuzz_app.booking_view OWNER TO regress_fuzz_app;
