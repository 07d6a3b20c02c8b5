-- The Citus test's event check: one scenario of status changes, run on a
-- fresh cowork in the distributed database and in a single-server one; its
-- output (the event log with ids left out, since, the audit) must be the
-- same in both (test/citus/run.sh compares them).  Errors do not stop it:
-- they are part of the output.
\set ON_ERROR_STOP 0
\set VERBOSITY default
\set SHOW_CONTEXT never
SET client_min_messages = warning;
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'regress_citus_app') THEN
        CREATE ROLE regress_citus_app;
    END IF;
END $$;
RESET client_min_messages;
-- (A GRANT on several distributed tables at once needs Citus's sequential
-- mode; the setting exists wherever Citus is loaded.)
SET citus.multi_shard_modify_mode = sequential;
GRANT USAGE ON SCHEMA cowork TO regress_citus_app;
GRANT SELECT, INSERT, UPDATE ON cowork.location, cowork.person, cowork.customer,
      cowork.company, cowork.plan, cowork.subscription, cowork.action, cowork.invitation
   TO regress_citus_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA cowork TO regress_citus_app;
GRANT SELECT ON ALL TABLES IN SCHEMA cowork TO regress_citus_app;
RESET citus.multi_shard_modify_mode;
-- (Citus opens its connections to the workers as the current role.)
ALTER ROLE regress_citus_app LOGIN;

SET ROLE regress_citus_app;
SELECT cowork.create_location('North') AS l1 \gset
SELECT cowork.create_location('South') AS l2 \gset
SELECT cowork.create_plan(:l1, 'Desk') AS p1 \gset
SELECT cowork.add_nonmember(:l1, 'Ann Able', 'ann@example.com') AS ann \gset
SELECT cowork.invite_member(:l1, 'Bob Baker', 'bob@example.com') AS bob \gset
SELECT cowork.add_nonmember(:l2, 'Ann Able', 'ann@example.com') AS ann2 \gset
SELECT cowork.remove_member(:l1, :bob);
SELECT cowork.restore_member(:l1, :bob);
SELECT cowork.add_nonmember(:l1, 'Cy Cole', 'cy@example.com') AS cy \gset
SELECT cowork.delete_nonmember(:l1, :cy);
SELECT cowork.record_action(:l2, :ann2, 'payment') IS NOT NULL AS action_recorded;
SELECT cowork.subscribe(:l1, :ann, :p1, '2020-01-01 10:00+00', '2020-02-01 10:00+00') IS NOT NULL AS subscribed;
SELECT status, since FROM cowork.customer WHERE location_id = :l1 AND person_id = :ann;
UPDATE cowork.customer SET status = 'member' WHERE location_id = :l2 AND person_id = :ann2;
RESET ROLE;
SELECT cowork.run_auto_remove('2020-03-01 00:00+00') AS removed;

SET TIME ZONE 'UTC';
-- The log: reasons with their ids replaced by the name of what they name.
SELECT l.name AS location, p.email, e.from_status, e.to_status,
       pg_catalog.regexp_replace(e.reason, ':[0-9]+$', ':<id>') AS reason,
       e.actor, e.source,
       e.at = c.since AS at_is_since
  FROM cowork.customer_event e
  JOIN cowork.location l USING (location_id)
  JOIN cowork.person p USING (person_id)
  JOIN cowork.customer c USING (location_id, person_id)
 ORDER BY l.name, e.event_id;
-- Reasons that name a row name one of the person's, at the location.
SELECT count(*) AS reasons_naming_another_row
  FROM cowork.customer_event e
 WHERE (e.reason LIKE 'subscription:%' OR e.reason LIKE 'auto_remove:%')
   AND NOT EXISTS (SELECT FROM cowork.subscription s
                    WHERE s.location_id = e.location_id AND s.person_id = e.person_id
                      AND s.subscription_id = pg_catalog.split_part(e.reason, ':', 2)::bigint);
-- since: the subscription's start for Ann; the transaction time otherwise.
SELECT l.name AS location, p.email, c.status,
       CASE WHEN c.since = '2020-01-01 10:00+00' THEN 'subscription start'
            WHEN c.since > now() - interval '1 hour' THEN 'transaction time'
            ELSE c.since::text END AS since
  FROM cowork.customer c
  JOIN cowork.location l USING (location_id)
  JOIN cowork.person p USING (person_id)
 ORDER BY 1, 2;
-- Every change's at is its transaction's time, the same for the audit.
SELECT l.name AS location, p.email, a.field, a.old_value, a.new_value,
       pg_catalog.regexp_replace(a.reason, ':[0-9]+$', ':<id>') AS reason, a.actor
  FROM cowork.customer_audit a
  JOIN cowork.location l USING (location_id)
  JOIN cowork.person p USING (person_id)
 ORDER BY l.name, a.audit_id;
