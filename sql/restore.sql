-- Restores: rows that COPY ... FROM STDIN loads into one of cowork's tables
-- are taken as they are (no check, no event, no queue entry, no status
-- change) when the session's own role has the tables' owner's privileges,
-- as pg_restore and psql's reading of a dump do (docs/operations.md, "Dump
-- and restore").  Every other way in goes through every rule: another role's
-- COPY, INSERT, a server-side COPY from a program, and whatever the COPY sets
-- off in other tables or with switched rights.
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS app CASCADE;
DO $$BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'regress_restore_app') THEN
        DROP OWNED BY regress_restore_app;
        DROP ROLE regress_restore_app;
    END IF;
END$$;
RESET client_min_messages;
\i test/sql/create-extension.sql
\set VERBOSITY terse

SELECT cowork.create_location('Downtown') AS loc \gset
SELECT cowork.create_location('Harbour') AS harbour \gset
INSERT INTO cowork.person (person_id, email, full_name)
VALUES (101, 'ada@example.com', 'Ada'), (102, 'grace@example.com', 'Grace'),
       (103, 'linus@example.com', 'Linus'), (104, 'ken@example.com', 'Ken'),
       (105, 'barbara@example.com', 'Barbara');
CREATE VIEW events AS
SELECT location_id, person_id, from_status, to_status, reason, source, source_key
  FROM cowork.customer_event ORDER BY event_id;

-- 1. The owner (a superuser here) loads customers, their log, actions and
-- subscriptions as they are: a customer created as removed, since as given,
-- no new event and no audit row; a refunded action keeps its completion
-- time and makes no customer; a subscription is neither queued nor started.
COPY cowork.customer (location_id, person_id, status, is_admin, since) FROM stdin;
1	101	removed	f	2024-01-01 00:00:00+00
1	102	member	t	2024-02-01 00:00:00+00
\.
COPY cowork.customer_event (location_id, event_id, person_id, from_status, to_status, reason, at, actor) FROM stdin;
1	1	101	\N	nonmember	add_nonmember	2023-12-01 00:00:00+00	alice
1	2	101	nonmember	removed	delete_nonmember	2024-01-01 00:00:00+00	alice
1	3	102	\N	member	invite_member	2024-02-01 00:00:00+00	alice
\.
SELECT pg_catalog.setval('cowork.customer_event_event_id_seq', 3, true);
SELECT location_id, person_id, status, is_admin, since FROM cowork.customer ORDER BY 1, 2;
SELECT * FROM events;
SELECT count(*) AS audited FROM cowork.customer_audit;
COPY cowork.action (location_id, action_id, person_id, kind, state, created_at, completed_at) FROM stdin;
1	1	103	payment	cancelled	2024-03-01 00:00:00+00	2024-03-01 00:05:00+00
1	2	104	room_booking	completed	2024-03-02 00:00:00+00	2024-03-02 00:00:00+00
\.
SELECT pg_catalog.setval('cowork.action_action_id_seq', 2, true);
SELECT action_id, state, completed_at FROM cowork.action ORDER BY 1;
SELECT cowork.create_plan(:loc, 'Hot desk') AS plan \gset
COPY cowork.subscription (location_id, subscription_id, plan_id, person_id, starts_at, ends_at, start_processed_at) FROM stdin;
1	1	1	103	2024-01-01 00:00:00+00	2024-02-01 00:00:00+00	2024-01-01 00:00:00+00
1	2	1	104	2024-01-01 00:00:00+00	\N	\N
\.
SELECT count(*) AS queued FROM cowork.subscription_end_due;
SELECT count(*) AS customers FROM cowork.customer;
SELECT count(*) AS events FROM cowork.customer_event;

-- 2. Restored rows are rows like any other afterwards: the rules are in
-- force for them.
UPDATE cowork.customer SET status = 'removed' WHERE location_id = 1 AND person_id = 102;
SELECT cowork.add_nonmember(1, 'Ada', 'ada@example.com');
SELECT * FROM events WHERE reason = 'add_nonmember' AND person_id = 101;

-- 3. A server-side COPY (from a program here) is no restore, even by a
-- superuser: the rules apply.
COPY cowork.customer (location_id, person_id, status) FROM PROGRAM 'printf "2\t103\tremoved\n"';

-- 4. An application role with INSERT on the tables: its COPY goes through
-- every rule, like its INSERT.  Row-level security refuses COPY FROM to
-- every role it restricts (PostgreSQL's rule); a role that bypasses it
-- (BYPASSRLS) may COPY, and the rules still apply.
CREATE ROLE regress_restore_app;
GRANT USAGE ON SCHEMA cowork TO regress_restore_app;
GRANT SELECT, INSERT ON cowork.customer, cowork.action, cowork.person TO regress_restore_app;
GRANT SELECT ON cowork.location TO regress_restore_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA cowork TO regress_restore_app;
GRANT SELECT ON events TO regress_restore_app;
SELECT cowork.grant_access('regress_restore_app', NULL, 'admin');
SET ROLE regress_restore_app;
COPY cowork.customer (location_id, person_id, status) FROM stdin;
2	103	nonmember
\.
RESET ROLE;
ALTER ROLE regress_restore_app BYPASSRLS;
SET ROLE regress_restore_app;
COPY cowork.customer (location_id, person_id, status) FROM stdin;
2	103	removed
\.
COPY cowork.customer (location_id, person_id, status) FROM stdin;
2	103	nonmember
\.
COPY cowork.action (location_id, person_id, kind) FROM stdin;
2	104	desk_booking
\.
COPY cowork.person (email, full_name) FROM stdin;
  Mixed.Case@Example.COM 	  Untrimmed  
\.
SELECT * FROM events WHERE location_id = 2;
RESET ROLE;
SELECT email, full_name FROM cowork.person WHERE person_id < 101;

-- 5. What a COPY sets off in another table is no restore: here each loaded
-- location row records a completed action, which makes its person a
-- nonmember and logs it (the owner's COPY into cowork.location).
COPY cowork.location (location_id, name) FROM stdin WHERE cowork.record_action(1, 105, 'shop_order') IS NOT NULL;
3	Old Town
\.
SELECT * FROM events WHERE person_id = 105;

-- 6. Nor is a row written with switched rights into the very table the COPY
-- loads: the application role's COPY into cowork.customer records an action
-- for another person, whose status cowork then changes with the owner's
-- rights (checked and logged); the loaded row is checked and logged too.
SET ROLE regress_restore_app;
COPY cowork.customer (location_id, person_id, status) FROM stdin WHERE cowork.record_action(2, 105, 'shop_order') IS NOT NULL;
2	101	nonmember
\.
SELECT * FROM events WHERE location_id = 2 AND person_id IN (101, 105);
RESET ROLE;

-- 7. A tracked application table: the owner of cowork's tables who is also
-- its owner loads it as it is; its owner alone (an application role) does
-- not: its completed rows make customers as always.
CREATE SCHEMA app;
CREATE TABLE app.bookings (id bigint PRIMARY KEY, loc bigint, person bigint, state text);
SELECT cowork.track_actions('app.bookings', 'room_booking', 'loc', 'person', 'state', 'paid');
COPY app.bookings FROM stdin;
1	2	102	paid
\.
SELECT cowork.status_of(2, 102);
GRANT USAGE, CREATE ON SCHEMA app TO regress_restore_app;
SET ROLE regress_restore_app;
CREATE TABLE app.own_bookings (id bigint PRIMARY KEY, loc bigint, person bigint, state text);
RESET ROLE;
SELECT cowork.track_actions('app.own_bookings', 'room_booking', 'loc', 'person', 'state', 'paid');
SET ROLE regress_restore_app;
COPY app.own_bookings FROM stdin;
1	2	102	paid
\.
RESET ROLE;
SELECT * FROM events WHERE location_id = 2 AND person_id = 102;

-- A partitioned tracked table: the trigger fires on the partition the
-- COPY into the parent routes the row to; that is a restored row too.
CREATE TABLE app.tickets (id bigint, loc bigint, person bigint, state text)
    PARTITION BY LIST (loc);
CREATE TABLE app.tickets_3 PARTITION OF app.tickets FOR VALUES IN (3);
SELECT cowork.track_actions('app.tickets', 'event_ticket', 'loc', 'person', 'state', 'paid');
COPY app.tickets FROM stdin;
1	3	102	paid
\.
SELECT cowork.status_of(3, 102);

-- 8. A connection Citus opened to a worker (known by its application_name)
-- is no restore, whoever it runs as: the coordinator may send an INSERT ...
-- SELECT's rows to the shards with COPY.
SET application_name = 'citus_internal gpid=10000000001';
COPY cowork.customer (location_id, person_id, status) FROM stdin;
3	101	removed
\.
RESET application_name;

SET client_min_messages = warning;
DROP SCHEMA app CASCADE;
DROP VIEW events;
DROP OWNED BY regress_restore_app;
DROP ROLE regress_restore_app;
