#!/usr/bin/env bash
# Benchmark of auto-removal (issue 4):
#   1. MEMBERS members of whom EXPIRED have a subscription that ended: the
#      maintenance procedure (batches of 1000, committed) against a
#      hand-written set-based UPDATE of the same rows, the extension's
#      triggers on in both (so both write one event per member), each on a
#      fresh copy of the same database; target: at most 1.5 times its time.
#   2. A maintenance run with nothing due, at SMALL and at LARGE members
#      (pgbench, medians of 5 interleaved runs of 1000 calls); target: at
#      most 2 times apart.
# Not part of make test.
#
#   bash test/bench/sweep.sh [MEMBERS EXPIRED SMALL LARGE]
#   (default 1000000 100000 100000 10000000)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/cluster.sh

MEMBERS=${1:-1000000}
EXPIRED=${2:-100000}
SMALL=${3:-100000}
LARGE=${4:-10000000}
ROUNDS=3

bash scripts/setup.sh
cowork_build_install
COWORK_PG_CONF=$'autovacuum = off\nwal_init_zero = off\nmax_wal_size = 16GB\nshared_buffers = 2GB\nmaintenance_work_mem = 1GB'
export COWORK_PG_CONF
cowork_cluster_start

sql() { "$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
load() {   # DB MEMBERS EXPIRED
    "$PGBIN/createdb" "$1"
    local t0=$(date +%s)
    sql -d "$1" -v members="$2" -v expired="$3" -f test/bench/sweep-setup.sql >/dev/null
    echo "loaded $1: $2 members, $3 expired ($(( $(date +%s) - t0 )) s)"
}
ms() {     # DB SQL -> milliseconds of one run of SQL
    sql -d "$1" -c '\timing on' -c "$2" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1
}

# 1. The maintenance run against a set-based UPDATE, on copies of one base.
load sweep_base "$MEMBERS" "$EXPIRED"
declare -a run_ms update_ms
for round in $(seq 1 $ROUNDS); do
    sql -d postgres -c "CREATE DATABASE sweep_a TEMPLATE sweep_base" -c "CREATE DATABASE sweep_b TEMPLATE sweep_base"
    sql -d postgres -c "CHECKPOINT"
    run_ms+=("$(ms sweep_a "CALL cowork.run_maintenance(now(), 1000)")")
    moved_a=$(sql -d sweep_a -c "SELECT count(*) FROM cowork.customer_event WHERE reason LIKE 'auto_remove:%'")
    sql -d postgres -c "CHECKPOINT"
    update_ms+=("$(ms sweep_b "UPDATE cowork.customer c SET status = 'nonmember'
                               FROM cowork.subscription s
                               WHERE s.location_id = c.location_id AND s.person_id = c.person_id
                                 AND s.ends_at <= now() AND c.status = 'member'")")
    moved_b=$(sql -d sweep_b -c "SELECT count(*) FROM cowork.customer_event")
    [ "$moved_a" = "$EXPIRED" ] && [ "$moved_b" = "$EXPIRED" ] ||
        { echo "unexpected: maintenance moved $moved_a, the UPDATE $moved_b, of $EXPIRED"; exit 1; }
    sql -d postgres -c "DROP DATABASE sweep_a" -c "DROP DATABASE sweep_b"
    echo "round $round: maintenance ${run_ms[-1]} ms, set-based UPDATE ${update_ms[-1]} ms"
done
sql -d postgres -c "DROP DATABASE sweep_base"
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
run=$(median "${run_ms[@]}")
upd=$(median "${update_ms[@]}")

# 2. Nothing due, small and large: 5 interleaved rounds of 1000 calls each.
nothing_us() {   # DB -> microseconds per maintenance call with nothing due
    echo 'CALL cowork.run_maintenance();' >"$COWORK_PGDIR/nothing.sql"
    "$PGBIN/pgbench" -n -c 1 -t 1000 -f "$COWORK_PGDIR/nothing.sql" "$1" 2>&1 |
        sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | awk '{ printf "%.1f", 1e6 / $1 }'
}
load sweep_small "$SMALL" 0
load sweep_large "$LARGE" 0
sql -d sweep_small -c "CALL cowork.run_maintenance()"
sql -d sweep_large -c "CALL cowork.run_maintenance()"
declare -a small_runs large_runs
for round in 1 2 3 4 5; do
    small_runs+=("$(nothing_us sweep_small)")
    large_runs+=("$(nothing_us sweep_large)")
done
small_us=$(median "${small_runs[@]}")
large_us=$(median "${large_runs[@]}")
sizes=$(sql -d postgres -c "SELECT pg_size_pretty(pg_database_size('sweep_small')) || ' and ' || pg_size_pretty(pg_database_size('sweep_large'))")

echo
echo "cowork auto-removal benchmark; command: bash test/bench/sweep.sh $MEMBERS $EXPIRED $SMALL $LARGE"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }'), $(nproc) cores"
awk -v r="$run" -v u="$upd" -v m="$MEMBERS" -v e="$EXPIRED" 'BEGIN {
    printf "%d members, %d expired: maintenance run %.0f ms, set-based UPDATE %.0f ms (medians of 3): %.2fx  target <= 1.5x  %s\n",
        m, e, r, u, r / u, (r <= 1.5 * u) ? "met" : "MISSED" }'
awk -v sm="$small_us" -v lg="$large_us" -v a="$SMALL" -v b="$LARGE" -v z="$sizes" 'BEGIN {
    r = (lg > sm) ? lg / sm : sm / lg
    printf "nothing due: %d members %.1f us, %d members %.1f us per call (pgbench, medians of 5 x 1000; databases %s): %.2fx apart  target <= 2x  %s\n",
        a, sm, b, lg, z, r, (r <= 2) ? "met" : "MISSED" }'
