-- Data set of the reporting benchmark (test/bench/reporting.sh), loaded as a
-- restore loads rows: as the owner, in session_replication_role = replica,
-- so the extension's triggers (and the foreign-key checks) stand aside and
-- INSERT ... SELECT generate_series writes millions of rows in minutes.
--
--   psql -v total_events=N -f test/bench/reporting-setup.sql
--
-- Location 1, the one the benchmark reads, is the same in every data set:
-- 6,000 customers (18,000 events over two years, about 750 a month), 6,000
-- actions, 600 subscriptions (some of a company), 60 suspensions.  The
-- other locations (1,000 of them) hold the rest of total_events, in
-- proportion: per customer three events, one action, a subscription for
-- every tenth, a suspension for every hundredth.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cowork;
RESET client_min_messages;
SET session_replication_role = replica;
SET maintenance_work_mem = '256MB';
SET synchronous_commit = off;
SET work_mem = '256MB';

\set target 6000
SELECT (:total_events / 3)::bigint AS customers \gset
SELECT greatest((:customers - :target) / 1000, 1)::bigint AS per_location \gset

-- The customer number g: 1..target at location 1, then blocks of
-- per_location at locations 2, 3, ...: rows go in in key order.
CREATE TEMP VIEW g AS
SELECT g, CASE WHEN g <= :target THEN 1 ELSE 2 + (g - :target - 1) / :per_location END AS location_id,
       timestamptz '2023-01-01 00:00+00' + (g % 730) * interval '1 day' + (g % 86400) * interval '1 second' AS t0
  FROM generate_series(1, :customers) AS g;

INSERT INTO cowork.location (location_id, name)
SELECT l, 'Location ' || l FROM generate_series(1, 2 + (:customers - :target) / :per_location) AS l;
INSERT INTO cowork.company (location_id, company_id, name)
SELECT location_id, location_id, 'Company ' || location_id FROM cowork.location;
INSERT INTO cowork.plan (location_id, plan_id, name)
SELECT location_id, location_id, 'Plan ' || location_id FROM cowork.location;

-- Customers: nonmember, member 40 days later, nonmember again 200 days
-- after that (most of them by now); every tenth in its location's company.
INSERT INTO cowork.customer (location_id, person_id, status, company_id, suspended, since)
SELECT location_id, g, 'nonmember', CASE WHEN g % 10 = 0 THEN location_id END, g % 100 = 0,
       t0 + interval '240 days'
  FROM g;
INSERT INTO cowork.customer_event (location_id, person_id, from_status, to_status, reason, at, actor)
SELECT location_id, g, f::cowork.customer_status, t::cowork.customer_status, r,
       t0 + d * interval '1 day', 'bench'
  FROM g, (VALUES (1, NULL, 'nonmember', 'add_nonmember', 0),
                  (2, 'nonmember', 'member', 'restore_member', 40),
                  (3, 'member', 'nonmember', 'remove_member', 240)) AS e (k, f, t, r, d)
 ORDER BY g, k;
INSERT INTO cowork.action (location_id, person_id, kind, state, created_at, completed_at)
SELECT location_id, g,
       (ARRAY['room_booking', 'desk_booking', 'payment', 'shop_order']::cowork.action_kind[])[1 + g % 4],
       'completed', t0 + interval '10 days', t0 + interval '10 days'
  FROM g;
INSERT INTO cowork.subscription (location_id, plan_id, person_id, company_id, starts_at, ends_at,
                                 start_processed_at)
SELECT location_id, location_id, CASE WHEN g % 20 <> 0 THEN g END, CASE WHEN g % 20 = 0 THEN location_id END,
       t0 + interval '40 days', t0 + interval '240 days', t0 + interval '40 days'
  FROM g WHERE g % 10 = 0 AND (g % 20 <> 0 OR g % 200 = 0);
INSERT INTO cowork.customer_audit (location_id, person_id, field, old_value, new_value, reason, at, actor)
SELECT location_id, g, f, o, CASE f WHEN 'company_id' THEN location_id::text ELSE n END,
       'bench', t0 + d * interval '1 day', 'bench'
  FROM g, (VALUES ('company_id', NULL, NULL, 0), ('suspended', 'false', 'true', 100)) AS a (f, o, n, d)
 WHERE (f = 'company_id' AND g % 10 = 0) OR (f = 'suspended' AND g % 100 = 0);
RESET session_replication_role;
VACUUM ANALYZE;
SELECT (SELECT count(*) FROM cowork.customer_event) AS events,
       (SELECT count(*) FROM cowork.customer_event WHERE location_id = 1) AS events_at_1,
       (SELECT count(*) FROM cowork.action) AS actions,
       (SELECT count(*) FROM cowork.subscription) AS subscriptions;
