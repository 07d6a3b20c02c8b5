-- A new cowork: fresh, or (upgrade pass: docs/operations.md) release + UPDATE.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS cowork CASCADE;
RESET client_min_messages;
SELECT coalesce(current_setting('cowork_test.install', true), '') AS cowork_from \gset
SELECT :'cowork_from' <> '' AS cowork_upgrade \gset
\if :cowork_upgrade
CREATE EXTENSION cowork VERSION :'cowork_from';
ALTER EXTENSION cowork UPDATE;
\else
CREATE EXTENSION cowork;
\endif
