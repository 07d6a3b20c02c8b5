-- Benchmark data for tenancy (test/bench/tenancy.sh): :locations
-- locations, :customers people, each a customer of one location (a third
-- members), loaded in replica mode (the rules' triggers off: this is data,
-- not traffic); a reader role of one location and an admin role of
-- location 1, with the documented grants.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cowork;
SELECT cowork.create_location(format('Location %s', i)) FROM generate_series(1, :locations) AS i;
SET session_replication_role = replica;
INSERT INTO cowork.person (email, full_name)
SELECT format('p%s@bench.example', i), format('Person %s', md5(i::text))
  FROM generate_series(1, :customers) AS i;
INSERT INTO cowork.customer (location_id, person_id, status, since)
SELECT person_id % :locations + 1, person_id,
       CASE WHEN person_id % 3 = 0 THEN 'member' ELSE 'nonmember' END::cowork.customer_status,
       now() - (person_id % 1000) * interval '1 hour'
  FROM cowork.person;
RESET session_replication_role;
DO $$BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_reader') THEN
        CREATE ROLE bench_reader LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_admin') THEN
        CREATE ROLE bench_admin LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_bypass') THEN
        CREATE ROLE bench_bypass LOGIN BYPASSRLS;
    END IF;
END$$;
GRANT USAGE ON SCHEMA cowork TO bench_reader, bench_admin, bench_bypass;
GRANT SELECT ON ALL TABLES IN SCHEMA cowork TO bench_reader, bench_admin, bench_bypass;
GRANT INSERT, UPDATE ON cowork.location, cowork.person, cowork.customer, cowork.company, cowork.plan,
      cowork.subscription, cowork.action, cowork.invitation TO bench_admin, bench_bypass;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA cowork TO bench_admin, bench_bypass;
SELECT cowork.grant_access('bench_reader', 42);
SELECT cowork.grant_access('bench_admin', 1, 'admin');
SELECT cowork.grant_access('bench_bypass', 1, 'admin');
VACUUM ANALYZE;
