#!/usr/bin/env bash
# A long maintenance run uses the memory of one batch, not of all of them:
# CALL cowork.run_maintenance(now(), 10) over N due ends (N / 10 committed
# batches), its backend's memory sampled by pg_log_backend_memory_contexts()
# from another session early in the run and late in it (the server log
# gives the grand total of each dump).  A run that kept something per batch
# grows by its batch count times that (before the fix: 8 KB a batch, a
# result table left in the SPI context: 8 MB over the sampled stretch;
# this test allows 2 MB, a batch's own memory and the noise).  test/bench/
# sweep-memory.sh is the long measurement (docs/performance.md).
set -euo pipefail
db=cowork_sweep_memory
N=${COWORK_MEMORY_ENDS:-20000}
LOG=$PGHOST/server.log
psql() { command psql -X -q -v ON_ERROR_STOP=1 -d $db "$@"; }
dropdb --if-exists $db 2>/dev/null
createdb $db
trap 'dropdb --if-exists $db 2>/dev/null || true' EXIT
psql -v members="$N" -v expired="$N" -f test/bench/sweep-setup.sql >/dev/null
[ -r "$LOG" ] || { echo "FAIL: no server log at $LOG"; exit 1; }
start=$(wc -l <"$LOG")

stmt="CALL cowork.run_maintenance(now(), 10)"
command psql -X -q -d $db -c "$stmt" >/dev/null 2>&1 &
runner=$!
pid=""
for _ in $(seq 1 200); do
    pid=$(psql -A -t -c "SELECT pid FROM pg_stat_activity WHERE query = '$stmt' AND pid <> pg_backend_pid()")
    [ -n "$pid" ] && break
    sleep 0.05
done
[ -n "$pid" ] || { echo "FAIL: the maintenance run was not seen running"; exit 1; }

# Three dumps once a fifth of the ends are handled, up to three once two
# thirds are (a dump asked for as the run ends is not made: not counted).
early=0 late=0
while kill -0 "$runner" 2>/dev/null; do
    handled=$(psql -A -t -c "SELECT $N - count(*) FROM cowork.subscription_end_due")
    if { [ "$early" -lt 3 ] && [ "$handled" -ge $((N / 5)) ]; } ||
       { [ "$early" -eq 3 ] && [ "$late" -lt 3 ] && [ "$handled" -ge $((2 * N / 3)) ]; }; then
        [ "$(psql -A -t -c "SELECT pg_log_backend_memory_contexts($pid)" 2>/dev/null)" = t ] || break
        if [ "$early" -lt 3 ]; then early=$((early + 1)); else late=$((late + 1)); fi
    fi
    sleep 0.05
done
wait "$runner"
sleep 0.5
[ "$early" -eq 3 ] && [ "$late" -ge 1 ] ||
    { echo "FAIL: the run ended before it could be sampled ($early early, $late late samples)"; exit 1; }

totals=$(tail -n +"$((start + 1))" "$LOG" | grep -F "[$pid]" | sed -n 's/.*Grand total: \([0-9]*\) bytes.*/\1/p')
[ "$(echo "$totals" | wc -l)" -eq $((early + late)) ] ||
    { echo "FAIL: expected $((early + late)) memory dumps of $pid, got: $totals"; exit 1; }
echo "backend total, early in the run: $(echo "$totals" | head -3 | tr '\n' ' ')bytes"
echo "backend total, late in the run: $(echo "$totals" | tail -n +4 | tr '\n' ' ')bytes"
# The smallest of each (a dump lands anywhere in a batch).
min_early=$(echo "$totals" | head -3 | sort -n | head -1)
min_late=$(echo "$totals" | tail -n +4 | sort -n | head -1)
growth=$((min_late - min_early))
echo "growth over at least $((N / 20)) batches: $growth bytes"
[ "$growth" -lt 2097152 ] || { echo "FAIL: the run's memory grows with its batches"; exit 1; }
moved=$(psql -A -t -c "SELECT count(*) FROM cowork.customer WHERE status = 'nonmember'")
[ "$moved" = "$N" ] || { echo "FAIL: $moved of $N members removed"; exit 1; }
