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
