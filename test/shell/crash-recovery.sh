#!/usr/bin/env bash
# A maintenance run killed half-way (SIGKILL: the server restarts and
# recovers) leaves every customer consistent, and the next run finishes the
# job (SPEC section 4).  Checked before and after the rerun:
#   - every customer's status is the to_status of its last event;
#   - every auto-removed member has exactly one auto_remove event;
#   - no member remains whose only subscription's end was handled.
set -euo pipefail
db=cowork_crash
N=${COWORK_CRASH_MEMBERS:-30000}
psql() { command psql -X -q -v ON_ERROR_STOP=1 -d $db "$@"; }
dropdb --if-exists $db 2>/dev/null
createdb $db
trap 'dropdb --if-exists $db 2>/dev/null || true' EXIT
# Commits must survive the crash (the throwaway cluster commits
# asynchronously elsewhere, which a crash may lose, as PostgreSQL says).
command psql -X -q -d postgres -c "ALTER DATABASE $db SET synchronous_commit = on"
psql >/dev/null <<SQL
CREATE EXTENSION cowork;
SELECT cowork.create_location('Downtown');
SELECT cowork.create_plan(1, 'Hot desk');
INSERT INTO cowork.person (email, full_name)
SELECT format('m%s@example.com', i), format('Member %s', i) FROM generate_series(1, $N) i;
INSERT INTO cowork.customer (location_id, person_id, status)
SELECT 1, person_id, 'member' FROM cowork.person;
-- Members for 60 days: since is the rules' own, so backdated as a restore would.
SET session_replication_role = replica;
UPDATE cowork.customer SET since = now() - interval '60 days';
RESET session_replication_role;
INSERT INTO cowork.subscription (location_id, plan_id, person_id, starts_at, ends_at)
SELECT 1, 1, person_id, now() - interval '60 days', now() - interval '1 day' FROM cowork.person;
SQL

check() {
    psql -A -t <<'SQL'
SELECT 'status differs from last event: ' || count(*)
  FROM cowork.customer c
 WHERE c.status IS DISTINCT FROM (SELECT e.to_status FROM cowork.customer_event e
                                   WHERE e.location_id = c.location_id AND e.person_id = c.person_id
                                   ORDER BY e.event_id DESC LIMIT 1);
SELECT 'removals not logged exactly once: ' || count(*)
  FROM cowork.customer c
 WHERE c.status = 'nonmember'
   AND (SELECT count(*) FROM cowork.customer_event e
         WHERE e.location_id = c.location_id AND e.person_id = c.person_id
           AND e.reason LIKE 'auto_remove:%') <> 1;
SELECT 'members whose handled end should have removed them: ' || count(*)
  FROM cowork.customer c JOIN cowork.subscription s USING (location_id, person_id)
 WHERE c.status = 'member' AND s.ends_at <= now()
   AND NOT EXISTS (SELECT 1 FROM cowork.subscription_end_due q
                    WHERE q.location_id = s.location_id AND q.subscription_id = s.subscription_id);
SQL
}
expect_clean() {
    local out
    out=$(check)
    echo "$out" | sed 's/^/  /'
    if echo "$out" | grep -qv ': 0$'; then echo "FAIL: inconsistent $1"; exit 1; fi
}

# Start a large run and kill its backend once some batches are committed.
command psql -X -q -d $db -c "CALL cowork.run_maintenance(now(), 200)" >/dev/null 2>&1 &
runner=$!
pid=""
for _ in $(seq 1 300); do
    pid=$(psql -A -t -c "SELECT pid FROM pg_stat_activity WHERE query LIKE 'CALL cowork.run_maintenance%' AND pid <> pg_backend_pid()")
    done_count=$(psql -A -t -c "SELECT $N - count(*) FROM cowork.subscription_end_due")
    if [ -n "$pid" ] && [ "$done_count" -gt 0 ]; then break; fi
    sleep 0.05
done
[ -n "$pid" ] || { echo "FAIL: the maintenance run was not seen running"; exit 1; }
kill -9 "$pid"
wait "$runner" || true
# The postmaster restarts the server after the crash; wait for it.
for _ in $(seq 1 120); do
    psql -A -t -c "SELECT 1" >/dev/null 2>&1 && break
    sleep 0.5
done
handled=$(psql -A -t -c "SELECT $N - count(*) FROM cowork.subscription_end_due")
removed=$(psql -A -t -c "SELECT count(*) FROM cowork.customer WHERE status = 'nonmember'")
echo "killed backend $pid: $handled of $N ends handled, $removed members removed, when it died"
[ "$handled" -gt 0 ] && [ "$handled" -lt "$N" ] ||
    { echo "FAIL: the run was not killed half-way ($handled of $N); nothing tested"; exit 1; }
[ "$handled" = "$removed" ] || { echo "FAIL: handled ends and removals differ"; exit 1; }
expect_clean "after the crash"

psql -c "CALL cowork.run_maintenance(now(), 200)" >/dev/null 2>&1
removed=$(psql -A -t -c "SELECT count(*) FROM cowork.customer WHERE status = 'nonmember'")
echo "rerun: $removed of $N members removed"
[ "$removed" = "$N" ] || { echo "FAIL: the rerun did not finish the job"; exit 1; }
expect_clean "after the rerun"
