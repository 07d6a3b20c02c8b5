\echo Use "CREATE EXTENSION cowork" to load this file. \quit

-- cowork: the customers of coworking locations (members, nonmembers,
-- removed customers), people unique by email, and the append-only log of
-- every status change.  The rules live in C (src/): this script only
-- declares the schema, the views and the thin SQL wrappers.
--
-- This install script is built by make from sql/src/*.sql (concatenated in
-- name order): edit those files, never the built script.  Every change here
-- goes into the upgrade script from the previous release as well
-- (docs/operations.md, "Releases").

COMMENT ON SCHEMA @extschema@ IS
'cowork: members, nonmembers and companies of coworking locations, with their rules enforced in the database';
