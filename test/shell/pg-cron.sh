#!/usr/bin/env bash
# pg_cron runs the maintenance procedure (SPEC section 4, docs/operations.md):
# one cron.schedule call in the throwaway cluster (pg_cron preloaded, its
# database "postgres"), and within the next minute a member whose
# subscription ended becomes a nonmember, the run logged as succeeded.
set -euo pipefail
db=postgres
psql() { command psql -X -q -v ON_ERROR_STOP=1 -d $db "$@"; }
cleanup() {
    psql -c "SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = 'cowork-maintenance'" >/dev/null 2>&1 || true
    psql -c "DROP EXTENSION IF EXISTS cowork CASCADE" -c "DROP EXTENSION IF EXISTS pg_cron" >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
psql >/dev/null <<'SQL'
CREATE EXTENSION pg_cron;
CREATE EXTENSION cowork;
SELECT cowork.create_location('Downtown');
SELECT cowork.create_plan(1, 'Hot desk');
SELECT cowork.add_nonmember(1, 'Ada Lovelace', 'ada@example.com');
SELECT cowork.subscribe(1, 1, 1, now() - interval '30 days', now() - interval '1 minute');
-- The schedule, as docs/operations.md gives it:
SELECT cron.schedule('cowork-maintenance', '* * * * *', 'CALL cowork.run_maintenance()');
SQL
[ "$(psql -A -t -c 'SELECT cowork.status_of(1, 1)')" = member ] || { echo "FAIL: not a member at the start"; exit 1; }

for _ in $(seq 1 45); do
    sleep 2
    status=$(psql -A -t -c 'SELECT cowork.status_of(1, 1)')
    [ "$status" = nonmember ] && break
done
if [ "$status" != nonmember ]; then
    echo "FAIL: after 90 s the member is still '$status'"
    psql -c 'SELECT status, return_message FROM cron.job_run_details ORDER BY runid'
    exit 1
fi
sleep 1
psql -A -t -c "SELECT status FROM cron.job_run_details d JOIN cron.job j USING (jobid)
               WHERE j.jobname = 'cowork-maintenance' ORDER BY runid LIMIT 1" | grep -qx succeeded ||
    { echo "FAIL: the cron run is not logged as succeeded"; psql -c 'SELECT * FROM cron.job_run_details'; exit 1; }
reason=$(psql -A -t -c "SELECT reason FROM cowork.customer_event ORDER BY event_id DESC LIMIT 1")
[ "$reason" = "auto_remove:1" ] || { echo "FAIL: last event reason is '$reason'"; exit 1; }
echo "pg_cron ran cowork.run_maintenance(): member -> nonmember ($reason)"
