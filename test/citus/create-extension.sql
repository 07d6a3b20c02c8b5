\set ECHO none
-- Used instead of test/sql/create-extension.sql by the Citus test: a new
-- cowork, distributed (test/citus/distribute.sql).  Quiet, so that the
-- scripts' expected output only loses the lines of the one it replaces.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS cowork CASCADE;
CREATE EXTENSION cowork;
RESET client_min_messages;
\o /dev/null
SELECT public.cowork_citus_distribute();
\o
\set ECHO all
