-- The rows the upgrade from 0.1.0 moves (kept-0.1.0.sql), fingerprinted
-- where they are: run before the upgrade (:'side' = 'before') and after it
-- (:'side' = 'after'); test/shell/upgrade.sh compares the two outputs.
SELECT :'side' = 'before' AS before \gset
\if :before
SELECT 'suspensions', count(*),
       md5(coalesce(string_agg(concat_ws('|', location_id, person_id, reason, at, actor),
                               E'\n' ORDER BY event_id), ''))
  FROM cowork.customer_event
 WHERE from_status = to_status AND reason IN ('suspend', 'unsuspend');
\else
SELECT 'suspensions', count(*),
       md5(coalesce(string_agg(concat_ws('|', location_id, person_id, reason, at, actor),
                               E'\n' ORDER BY audit_id), ''))
  FROM cowork.customer_audit
 WHERE field = 'suspended' AND reason IN ('suspend', 'unsuspend');
\endif
