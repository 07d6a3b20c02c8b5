\echo Use "ALTER EXTENSION cowork UPDATE TO '0.2.0'" to load this file. \quit

-- cowork 0.1.0 -> 0.2.0.
--
-- Everything this release changes in the schema, for databases made with
-- 0.1.0; sql/src/ holds the same changes for a fresh install, and
-- test/shell/upgrade.sh checks that both give the same catalog.
--
-- Re-runnable: Citus runs an upgrade script on the coordinator and again on
-- every worker, so each statement must be harmless when its object is
-- already there (CREATE ... IF NOT EXISTS, CREATE OR REPLACE, ADD COLUMN IF
-- NOT EXISTS, DO blocks that look before they change; data migrations that
-- find nothing left to move).  test/shell/upgrade.sh runs it twice.

-- ---------------------------------------------------------------------------
-- Sweep hardening: one lock order, fixed subscriber and plan, per-batch memory
-- ---------------------------------------------------------------------------
-- The lock order and the memory are C code only.  A subscription keeps its
-- location, subscriber and plan now (the queue of pending ends copies the
-- subscriber, and a changed one left the sweep judging the old): the
-- trigger refuses such an UPDATE (C code), and its comments say so.  Queue
-- rows that such an UPDATE left stale under 0.1.0 are brought back in step
-- with their subscription (a second run finds nothing to change).
COMMENT ON FUNCTION @extschema@.subscription_check_trigger() IS
'BEFORE INSERT OR UPDATE on cowork.subscription: a subscription keeps its location, subscriber and plan (55000); one ended before its start never starts';
COMMENT ON TRIGGER subscription_rules ON @extschema@.subscription IS
'A subscription''s location, subscriber and plan are fixed (end it and subscribe again); a subscription ended before its start never starts';
UPDATE @extschema@.subscription_end_due q
   SET person_id = s.person_id, company_id = s.company_id
  FROM @extschema@.subscription s
 WHERE s.location_id = q.location_id AND s.subscription_id = q.subscription_id
   AND (q.person_id IS DISTINCT FROM s.person_id OR q.company_id IS DISTINCT FROM s.company_id);
