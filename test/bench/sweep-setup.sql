-- Data for test/bench/sweep.sh: one location, :members members, each with a
-- membership subscription: :expired of them ended yesterday, the others
-- running (open-ended, or ending in a month for one in ten).  Loaded with
-- the extension's triggers off (a bulk load), consistent as if they had run.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cowork;
SELECT cowork.create_location('Bench Hub');
SELECT cowork.create_plan(1, 'Hot desk');
ALTER TABLE cowork.person DISABLE TRIGGER USER;
ALTER TABLE cowork.customer DISABLE TRIGGER USER;
ALTER TABLE cowork.subscription DISABLE TRIGGER USER;
INSERT INTO cowork.person (person_id, email, full_name)
SELECT i, 'm' || i || '@bench.example', 'Member ' || i FROM generate_series(1, :members) i;
SELECT setval('cowork.person_person_id_seq', :members);
INSERT INTO cowork.customer (location_id, person_id, status, since)
SELECT 1, i, 'member', now() - interval '90 days' FROM generate_series(1, :members) i;
INSERT INTO cowork.subscription (location_id, plan_id, person_id, starts_at, ends_at, start_processed_at)
SELECT 1, 1, i, now() - interval '90 days',
       CASE WHEN i <= :expired THEN now() - interval '1 day'
            WHEN i % 10 = 0 THEN now() + interval '30 days' END,
       now() - interval '90 days'
  FROM generate_series(1, :members) i;
-- The subscription trigger would queue each end date for the sweep.
INSERT INTO cowork.subscription_end_due (location_id, subscription_id, person_id, company_id, ends_at)
SELECT location_id, subscription_id, person_id, company_id, ends_at
  FROM cowork.subscription WHERE ends_at IS NOT NULL;
ALTER TABLE cowork.person ENABLE TRIGGER USER;
ALTER TABLE cowork.customer ENABLE TRIGGER USER;
ALTER TABLE cowork.subscription ENABLE TRIGGER USER;
VACUUM ANALYZE;
