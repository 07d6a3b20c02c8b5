-- The history behind docs/members-per-month.png (scripts/chart.sh): two
-- locations of one network over 2024 and 2025, written as a restore writes
-- rows (as the owner, session_replication_role = replica: the rows keep the
-- times given here), with a fixed random seed so the chart is the same
-- every time.  Per location: people arrive as nonmembers (a booking) or as
-- members (an invitation), more in autumn and after New Year, fewer in
-- summer; a third of the nonmembers convert within three months; members
-- stay a year on average.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cowork;
RESET client_min_messages;
SET TimeZone = 'Europe/London';
SELECT setseed(0.42);
INSERT INTO cowork.location (location_id, name, network)
VALUES (1, 'Riverside Hub', 'Northwind Spaces'), (2, 'Old Town Loft', 'Northwind Spaces');
SET session_replication_role = replica;
CREATE TEMP TABLE arrival AS
SELECT row_number() OVER () AS person_id, l AS location_id, t0,
       random() < 0.45 AS invited, random() < 0.35 AS converts,
       t0 + (10 + random() * 80) * interval '1 day' AS converted_at,
       (60 + random() * 600) * interval '1 day' AS stay
  FROM generate_series(1, 2) AS l,
       generate_series(timestamptz '2024-01-01', '2025-12-31', '1 day') AS d,
       LATERAL (SELECT d + random() * interval '10 hours' + interval '8 hours' AS t0
                  FROM generate_series(1, 3)
                 WHERE random() < (CASE l WHEN 1 THEN 0.16 ELSE 0.09 END)
                       * (1.0 + 0.5 * cos(2 * pi() * (extract(doy FROM d) - 20) / 365))) AS a;
CREATE TEMP TABLE ev AS
SELECT person_id, location_id, NULL::cowork.customer_status AS f,
       (CASE WHEN invited THEN 'member' ELSE 'nonmember' END)::cowork.customer_status AS t,
       CASE WHEN invited THEN 'invite_member' ELSE 'action:room_booking' END AS r, t0 AS at, 1 AS k
  FROM arrival
UNION ALL
SELECT person_id, location_id, 'nonmember', 'member', 'restore_member', converted_at, 2
  FROM arrival WHERE NOT invited AND converts
UNION ALL
SELECT person_id, location_id, 'member', 'nonmember', 'remove_member',
       CASE WHEN invited THEN t0 ELSE converted_at END + stay, 3
  FROM arrival WHERE invited OR converts;
DELETE FROM ev WHERE at > '2025-12-31 23:59';
INSERT INTO cowork.person (person_id, email, full_name)
SELECT person_id, 'person' || person_id || '@example.com', 'Person ' || person_id FROM arrival;
INSERT INTO cowork.customer_event (location_id, person_id, from_status, to_status, reason, at, actor)
SELECT location_id, person_id, f, t, r, at, 'chart' FROM ev ORDER BY person_id, k;
INSERT INTO cowork.customer (location_id, person_id, status, since)
SELECT DISTINCT ON (person_id) location_id, person_id, t, at FROM ev ORDER BY person_id, k DESC;
RESET session_replication_role;
