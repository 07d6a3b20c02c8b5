-- What the upgrade from 0.1.0 moves, and where (test/shell/upgrade.sh):
-- the rows of tbl matching NOT filter are expected to leave tbl, and
-- moved-0.1.0.sql must print the same for them before the upgrade as for
-- where they went after it.
CREATE TEMP TABLE kept (tbl text, filter text);
-- Suspensions were member -> member events; they go to cowork.customer_audit.
INSERT INTO kept VALUES ('cowork.customer_event',
    'NOT (from_status = to_status AND reason IN (''suspend'', ''unsuspend''))');
