-- track_actions(): the same C trigger on an application's own tables, with
-- text, varchar, char and enum state columns; checks of the table and the
-- columns; idempotence; untrack_actions(); the tracked_actions view.
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS app CASCADE;
RESET client_min_messages;
\i test/sql/create-extension.sql
\set SHOW_CONTEXT never

SELECT cowork.create_location('Downtown') AS loc \gset
INSERT INTO cowork.person (email, full_name)
SELECT format('p%s@example.com', i), format('Person %s', i) FROM generate_series(1, 9) AS i;

CREATE SCHEMA app;
-- The application's bookings: pending until confirmed (an enum).
CREATE TYPE app.booking_state AS ENUM ('pending', 'confirmed', 'cancelled');
CREATE TABLE app.bookings (
    booking_id serial PRIMARY KEY,
    space_id   bigint NOT NULL,
    member_ref integer,
    status     app.booking_state NOT NULL DEFAULT 'pending',
    note       text
);
-- Its payments (a text state), shop orders (varchar), tickets (char).
CREATE TABLE app.payments (id bigserial PRIMARY KEY, loc int, person bigint, state text);
CREATE TABLE app.orders (loc smallint, person bigint, state varchar(20));
CREATE DOMAIN app.person_ref AS bigint CHECK (VALUE > 0);
CREATE TABLE app.tickets (loc bigint, person app.person_ref, state char(10));

SELECT cowork.track_actions('app.bookings', 'room_booking', 'space_id', 'member_ref', 'status', 'confirmed');
SELECT cowork.track_actions('app.payments', 'payment', 'loc', 'person', 'state', 'paid');
SELECT cowork.track_actions('app.orders', 'shop_order', 'loc', 'person', 'state', 'delivered');
SELECT cowork.track_actions('app.tickets', 'event_ticket', 'loc', 'person', 'state', 'issued');
SELECT source, kind, location_column, person_column, state_column, completed_value,
       id_column, tracked_by = current_user AS by_me
  FROM cowork.tracked_actions ORDER BY source::text;

-- pending -> confirmed: the person becomes a nonmember when confirmed.
INSERT INTO app.bookings (space_id, member_ref) VALUES (:loc, 1) RETURNING booking_id AS b1 \gset
SELECT cowork.status_of(:loc, 1) AS while_pending;
UPDATE app.bookings SET note = 'window seat' WHERE booking_id = :b1;
SELECT cowork.status_of(:loc, 1) AS still_pending;
UPDATE app.bookings SET status = 'confirmed' WHERE booking_id = :b1;
SELECT cowork.status_of(:loc, 1) AS confirmed;
-- Inserted confirmed, cancelled, or confirmed again: as cowork.action.
INSERT INTO app.bookings (space_id, member_ref, status) VALUES (:loc, 2, 'confirmed');
INSERT INTO app.bookings (space_id, member_ref, status) VALUES (:loc, 3, 'cancelled');
UPDATE app.bookings SET status = 'confirmed' WHERE member_ref = 2;
SELECT person_id, status FROM cowork.customer ORDER BY person_id;

-- text, varchar and char(n) states.
INSERT INTO app.payments (loc, person, state) VALUES (:loc, 4, 'failed'), (:loc, 5, 'paid');
UPDATE app.payments SET state = 'paid' WHERE person = 4;
INSERT INTO app.orders VALUES (:loc, 6, 'placed'), (:loc, 7, 'delivered');
INSERT INTO app.tickets VALUES (:loc, 8, 'issued');
INSERT INTO app.tickets VALUES (:loc, 9, 'reserved');
SELECT person_id, status FROM cowork.customer WHERE person_id > 3 ORDER BY person_id;
-- A row without a person concerns no customer.
INSERT INTO app.payments (loc, person, state) VALUES (:loc, NULL, 'paid');
-- A row naming an unknown person is refused by the customer's foreign key.
\set VERBOSITY terse
INSERT INTO app.payments (loc, person, state) VALUES (:loc, 999999, 'paid');
\set VERBOSITY default

-- The log names the kind, and the table and the row in their own columns.
SELECT person_id, from_status, to_status, reason, source, source_key
  FROM cowork.customer_events ORDER BY event_id;

-- Members stay members; removed customers come back as nonmembers.
SELECT cowork.restore_member(:loc, 1);
SELECT cowork.delete_nonmember(:loc, 2);
INSERT INTO app.bookings (space_id, member_ref, status) VALUES (:loc, 1, 'confirmed'), (:loc, 2, 'confirmed');
SELECT person_id, status FROM cowork.customer WHERE person_id IN (1, 2) ORDER BY person_id;

-- Calling track_actions again is harmless: one trigger, the new settings.
SELECT cowork.track_actions('app.bookings', 'office_booking', 'space_id', 'member_ref', 'status', 'confirmed');
SELECT count(*) AS triggers FROM pg_trigger WHERE tgrelid = 'app.bookings'::regclass AND NOT tgisinternal;
SELECT source, kind FROM cowork.tracked_actions WHERE source = 'app.bookings'::regclass;

-- Bad tables and columns: clear errors, nothing attached.
CREATE VIEW app.booking_view AS SELECT * FROM app.bookings;
CREATE TABLE app.untracked (loc bigint, person bigint, state text, amount numeric, flag boolean, doc json);
SELECT cowork.track_actions('app.booking_view', 'room_booking', 'space_id', 'member_ref', 'status', 'confirmed');
SELECT cowork.track_actions('cowork.customer', 'room_booking', 'location_id', 'person_id', 'status', 'member');
SELECT cowork.track_actions('app.untracked', 'room_booking', 'location', 'person', 'state', 'done');
SELECT cowork.track_actions('app.untracked', 'room_booking', 'loc', 'person_id', 'state', 'done');
SELECT cowork.track_actions('app.untracked', 'room_booking', 'amount', 'person', 'state', 'done');
SELECT cowork.track_actions('app.untracked', 'room_booking', 'loc', 'state', 'state', 'done');
SELECT cowork.track_actions('app.untracked', 'room_booking', 'loc', 'person', 'doc', '{}');
SELECT cowork.track_actions('app.untracked', 'room_booking', 'loc', 'person', 'flag', 'maybe');
SELECT cowork.track_actions('app.bookings', 'room_booking', 'space_id', 'member_ref', 'status', 'done');
SELECT cowork.track_actions('app.untracked', 'room_booking', 'loc', 'person', 'state', '');
SELECT cowork.track_actions('app.untracked', NULL, 'loc', 'person', 'state', 'done');
SELECT cowork.track_actions('app.missing', 'room_booking', 'loc', 'person', 'state', 'done');
SELECT count(*) AS tracked FROM cowork.tracked_actions;
SELECT count(*) AS untracked_triggers FROM pg_trigger WHERE tgrelid = 'app.untracked'::regclass;

-- A tracked column renamed later: the trigger says what to do.
ALTER TABLE app.orders RENAME COLUMN state TO order_state;
INSERT INTO app.orders VALUES (:loc, 1, 'delivered');
ALTER TABLE app.orders RENAME COLUMN order_state TO state;

-- untrack_actions detaches; its rows then drive nothing.
SELECT cowork.untrack_actions('app.payments') AS detached;
SELECT cowork.untrack_actions('app.payments') AS detached_again;
INSERT INTO cowork.person (email, full_name) VALUES ('late@example.com', 'Late Payer');
INSERT INTO app.payments (loc, person, state)
SELECT :loc, person_id, 'paid' FROM cowork.person WHERE email = 'late@example.com';
SELECT count(*) AS late_customers FROM cowork.customer c JOIN cowork.person p USING (person_id)
 WHERE p.email = 'late@example.com';
SELECT source FROM cowork.tracked_actions ORDER BY source::text;

-- Dropping the application's table drops its attachment with it.
DROP TABLE app.tickets;
SELECT source FROM cowork.tracked_actions ORDER BY source::text;

-- A state column of any type with equality: a boolean "paid", an integer
-- status code, a domain over text; the completed value is read with the
-- column's type when the table is attached.
CREATE TABLE app.invoices (id bigserial PRIMARY KEY, loc bigint, person bigint, paid boolean NOT NULL DEFAULT false);
CREATE TABLE app.rentals (loc integer, person integer, code integer);
CREATE DOMAIN app.lower_state AS text CHECK (VALUE = lower(VALUE));
CREATE TABLE app.passes (loc bigint, person bigint, state app.lower_state);
SELECT cowork.track_actions('app.invoices', 'payment', 'loc', 'person', 'paid', 'true');
SELECT cowork.track_actions('app.rentals', 'parking_booking', 'loc', 'person', 'code', '3');
SELECT cowork.track_actions('app.rentals', 'parking_booking', 'loc', 'person', 'code', 'three');
SELECT cowork.track_actions('app.passes', 'benefit_application', 'loc', 'person', 'state', 'Granted');
SELECT cowork.track_actions('app.passes', 'benefit_application', 'loc', 'person', 'state', 'granted');
INSERT INTO cowork.person (email, full_name)
SELECT format('t%s@example.com', i), format('Typed %s', i) FROM generate_series(1, 4) AS i;
SELECT person_id AS t1 FROM cowork.person WHERE email = 't1@example.com' \gset
INSERT INTO app.invoices (loc, person) SELECT :loc, person_id FROM cowork.person WHERE email = 't1@example.com';
SELECT cowork.status_of(:loc, :t1) AS unpaid;
UPDATE app.invoices SET paid = true;
SELECT cowork.status_of(:loc, :t1) AS paid;
INSERT INTO app.rentals SELECT :loc, person_id, 2 FROM cowork.person WHERE email = 't2@example.com';
INSERT INTO app.rentals SELECT :loc, person_id, 3 FROM cowork.person WHERE email = 't3@example.com';
INSERT INTO app.passes SELECT :loc, person_id, 'granted' FROM cowork.person WHERE email = 't4@example.com';
SELECT p.email, c.status FROM cowork.person p LEFT JOIN cowork.customer c USING (person_id)
 WHERE p.email LIKE 't_@example.com' ORDER BY p.email;
SELECT source, state_column, completed_value FROM cowork.tracked_actions
 WHERE source::text IN ('app.invoices', 'app.rentals', 'app.passes') ORDER BY source::text;

-- A partitioned table, attached at its parent: its partitions' rows count,
-- and the events name the table that was attached.
CREATE TABLE app.visits (id bigint, loc bigint, person bigint, state text, PRIMARY KEY (id, loc))
    PARTITION BY LIST (loc);
CREATE TABLE app.visits_default PARTITION OF app.visits DEFAULT;
SELECT cowork.track_actions('app.visits', 'desk_booking', 'loc', 'person', 'state', 'checked_in');
INSERT INTO cowork.person (email, full_name) VALUES ('visit@example.com', 'Vic Visit');
INSERT INTO app.visits SELECT 1, :loc, person_id, 'checked_in' FROM cowork.person WHERE email = 'visit@example.com';
SELECT e.reason, e.source, e.source_key FROM cowork.customer_events e
  JOIN cowork.person p USING (person_id) WHERE p.email = 'visit@example.com';

-- Who may attach: EXECUTE on cowork.action_trigger(), granted by a DBA.
-- Who completes a booking needs no right on cowork's tables, and is the
-- event's actor.
CREATE ROLE regress_owner;
CREATE ROLE regress_booker;
GRANT USAGE ON SCHEMA cowork, app TO regress_owner, regress_booker;
-- (A tracked table's rows make customers at any location: attaching one
-- also needs admin access to every location.)
SELECT cowork.grant_access('regress_owner', NULL, 'admin');
CREATE TABLE app.desks (id serial PRIMARY KEY, loc bigint, person bigint, state text);
ALTER TABLE app.desks OWNER TO regress_owner;
GRANT INSERT, UPDATE, SELECT ON app.desks TO regress_booker;
GRANT USAGE ON SEQUENCE app.desks_id_seq TO regress_booker;
SET ROLE regress_owner;
SELECT cowork.track_actions('app.desks', 'desk_booking', 'loc', 'person', 'state', 'booked');
RESET ROLE;
GRANT EXECUTE ON FUNCTION cowork.action_trigger() TO regress_owner;
SET ROLE regress_owner;
SELECT cowork.track_actions('app.desks', 'desk_booking', 'loc', 'person', 'state', 'booked');
RESET ROLE;
INSERT INTO cowork.person (email, full_name) VALUES ('desk@example.com', 'Dee Desk');
SELECT person_id AS dee FROM cowork.person WHERE email = 'desk@example.com' \gset
SET ROLE regress_booker;
INSERT INTO app.desks (loc, person, state) VALUES (:loc, :dee, 'booked');
SELECT count(*) FROM cowork.customer;
RESET ROLE;
SELECT status, reason, actor, source, source_key
  FROM cowork.customer_events e JOIN cowork.customer c USING (location_id, person_id)
 WHERE person_id = :dee;
DROP TABLE app.desks;
REVOKE EXECUTE ON FUNCTION cowork.action_trigger() FROM regress_owner;
REVOKE USAGE ON SCHEMA cowork, app FROM regress_owner, regress_booker;
DROP ROLE regress_owner;
DROP ROLE regress_booker;
SET client_min_messages = warning;
DROP SCHEMA app CASCADE;
RESET client_min_messages;
