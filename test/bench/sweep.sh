#!/usr/bin/env bash
# Benchmark of auto-removal (issue 4):
#   1. MEMBERS members of whom EXPIRED have a subscription that ended:
#      run_auto_remove() and the maintenance procedure (batches of 1000,
#      committed) against the floor: one hand-written UPDATE of the same
#      members to nonmember plus one INSERT of their events, the
#      extension's customer triggers off; each on a fresh copy of the same
#      database, in interleaved rounds (COWORK_BENCH_ROUNDS, default 5);
#      target: at most 1.5 times the floor.
#   2. A maintenance run with nothing due, at SMALL and at LARGE members
#      (pgbench, medians of 5 interleaved runs of 1000 calls); target: at
#      most 2 times apart.
# Not part of make test.
#
#   bash test/bench/sweep.sh [MEMBERS EXPIRED SMALL LARGE]
#   (default 1000000 100000 100000 10000000)
#   COWORK_BENCH_SKIP_NOTHING=1 skips part 2.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/cluster.sh

MEMBERS=${1:-1000000}
EXPIRED=${2:-100000}
SMALL=${3:-100000}
LARGE=${4:-10000000}
ROUNDS=${COWORK_BENCH_ROUNDS:-5}

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

# 1. The sweep against the floor, on copies of one base, interleaved.
#    The floor: what the sweep must write at least, by hand, with the
#    extension's customer triggers off: one UPDATE of the same members to
#    nonmember and one INSERT of their events.
FLOOR_SQL="BEGIN;
UPDATE cowork.customer c SET status = 'nonmember'
  FROM cowork.subscription s
 WHERE s.location_id = c.location_id AND s.person_id = c.person_id
   AND s.ends_at <= now() AND c.status = 'member';
INSERT INTO cowork.customer_event (location_id, person_id, from_status, to_status, reason)
SELECT c.location_id, c.person_id, 'member', 'nonmember', 'auto_remove:' || s.subscription_id
  FROM cowork.customer c JOIN cowork.subscription s
    ON s.location_id = c.location_id AND s.person_id = c.person_id
 WHERE s.ends_at <= now() AND c.status = 'nonmember';
COMMIT;"
load sweep_base "$MEMBERS" "$EXPIRED"
measure() { # DB SQL -> "WALL CPU": milliseconds of all statements of one
    # run of SQL, and of CPU time of the backend that ran it (from
    # /proc/<pid>/schedstat: less disturbed by other work on the machine)
    local f
    f=$(mktemp /tmp/cowork-measure.XXXXXX)
    sql -d "$1" >"$f.out" <<SQL
SELECT pg_backend_pid() AS pid \\gset
\\setenv COWORK_BPID :pid
\\! cut -d' ' -f1 /proc/\$COWORK_BPID/schedstat >$f
\\timing on
$2
\\timing off
\\! cut -d' ' -f1 /proc/\$COWORK_BPID/schedstat >>$f
SQL
    echo "$(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' "$f.out" | awk '{ t += $1 } END { printf "%.1f", t }')" \
         "$(awk 'NR == 1 { a = $1 } NR == 2 { b = $1 } END { printf "%.1f", (b - a) / 1e6 }' "$f")"
    rm -f "$f" "$f.out"
}
copy() { sql -d postgres -c "CREATE DATABASE $1 TEMPLATE sweep_base"; }
check_moved() { # DB WHAT
    local moved
    moved=$(sql -d "$1" -c "SELECT count(*) FROM cowork.customer_event WHERE reason LIKE 'auto_remove:%'")
    [ "$moved" = "$EXPIRED" ] || { echo "unexpected: $2 wrote $moved events, of $EXPIRED"; exit 1; }
}
declare -a maint_ms auto_ms floor_ms maint_cpu auto_cpu floor_cpu
for round in $(seq 1 $ROUNDS); do
    copy sweep_m; copy sweep_r; copy sweep_f
    sql -d sweep_f -c "ALTER TABLE cowork.customer DISABLE TRIGGER USER"
    sql -d postgres -c "CHECKPOINT"
    read -r w c <<<"$(measure sweep_m "CALL cowork.run_maintenance(now(), 1000);")"; maint_ms+=("$w"); maint_cpu+=("$c")
    sql -d postgres -c "CHECKPOINT"
    read -r w c <<<"$(measure sweep_r "SELECT cowork.run_auto_remove();")"; auto_ms+=("$w"); auto_cpu+=("$c")
    sql -d postgres -c "CHECKPOINT"
    read -r w c <<<"$(measure sweep_f "$FLOOR_SQL")"; floor_ms+=("$w"); floor_cpu+=("$c")
    check_moved sweep_m run_maintenance; check_moved sweep_r run_auto_remove; check_moved sweep_f "the floor"
    sql -d postgres -c "DROP DATABASE sweep_m" -c "DROP DATABASE sweep_r" -c "DROP DATABASE sweep_f"
    echo "round $round (ms, wall / backend CPU): run_maintenance ${maint_ms[-1]} / ${maint_cpu[-1]}," \
         "run_auto_remove ${auto_ms[-1]} / ${auto_cpu[-1]}, floor ${floor_ms[-1]} / ${floor_cpu[-1]}"
done
sql -d postgres -c "DROP DATABASE sweep_base"
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
spread() { printf '%s\n' "$@" | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f-%.0f", lo, hi }'; }
ratios() { # NAME_OF_ARRAY NAME_OF_FLOOR_ARRAY -> the per-round ratios
    local -n xs=$1 fs=$2
    for i in "${!fs[@]}"; do awk -v a="${xs[$i]}" -v f="${fs[$i]}" 'BEGIN { printf "%.3f\n", a / f }'; done
}
line() { # LABEL NAME_OF_ARRAY NAME_OF_FLOOR_ARRAY
    local -n xs=$2
    local r
    r=$(median $(ratios "$2" "$3"))
    awk -v l="$1" -v m="$(median "${xs[@]}")" -v s="$(spread "${xs[@]}")" -v r="$r" -v rs="$(spread $(ratios "$2" "$3" | awk '{ print $1 * 100 }'))" 'BEGIN {
        printf "    %-30s %7.0f ms [%s]  ratio %.2fx [%s %%]  target <= 1.5x  %s\n", l, m, s, r, rs, (r <= 1.5) ? "met" : "MISSED" }'
}

if [ -z "${COWORK_BENCH_SKIP_NOTHING:-}" ]; then
# 2. Nothing due, small and large: 5 interleaved rounds of 1000 calls each.
nothing_us() {   # DB -> microseconds per maintenance call with nothing due
    echo 'CALL cowork.run_maintenance();' >"$COWORK_PGDIR/nothing.sql"
    "$PGBIN/pgbench" -n -c 1 -t 1000 -f "$COWORK_PGDIR/nothing.sql" "$1" 2>&1 |
        sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | awk '{ printf "%.1f", 1e6 / $1 }'
}
load sweep_small "$SMALL" 0
load sweep_large "$LARGE" 0
# SMALL members whose subscriptions all ended while the switch was off: a
# first run puts their ends on hold; later runs must not read them again.
load sweep_held "$SMALL" "$SMALL"
sql -d sweep_held -c "UPDATE cowork.location SET auto_remove_members = false"
sql -d sweep_small -c "CALL cowork.run_maintenance()"
sql -d sweep_large -c "CALL cowork.run_maintenance()"
sql -d sweep_held -c "CALL cowork.run_maintenance()"
held=$(sql -d sweep_held -c "SELECT count(*) FROM cowork.subscription_end_due WHERE on_hold")
declare -a small_runs large_runs held_runs
for round in 1 2 3 4 5; do
    small_runs+=("$(nothing_us sweep_small)")
    large_runs+=("$(nothing_us sweep_large)")
    held_runs+=("$(nothing_us sweep_held)")
done
small_us=$(median "${small_runs[@]}")
large_us=$(median "${large_runs[@]}")
held_us=$(median "${held_runs[@]}")
sizes=$(sql -d postgres -c "SELECT pg_size_pretty(pg_database_size('sweep_small')) || ' and ' || pg_size_pretty(pg_database_size('sweep_large'))")
fi

echo
echo "cowork auto-removal benchmark; command: bash test/bench/sweep.sh $MEMBERS $EXPIRED $SMALL $LARGE"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }'), $(nproc) cores"
echo "$MEMBERS members, $EXPIRED expired: medians of $ROUNDS interleaved rounds [range]; ratio: median of the rounds' ratios to the floor [range, %]"
for suffix in ms cpu; do
    if [ $suffix = ms ]; then echo "  wall-clock time:"; else echo "  CPU time of the backend:"; fi
    declare -n floors=floor_$suffix
    awk -v m="$(median "${floors[@]}")" -v s="$(spread "${floors[@]}")" 'BEGIN {
        printf "    %-30s %7.0f ms [%s]\n", "floor (UPDATE + INSERT)", m, s }'
    unset -n floors
    line "run_auto_remove()" "auto_$suffix" "floor_$suffix"
    line "run_maintenance(now(), 1000)" "maint_$suffix" "floor_$suffix"
done
[ -n "${COWORK_BENCH_SKIP_NOTHING:-}" ] ||
awk -v sm="$small_us" -v lg="$large_us" -v a="$SMALL" -v b="$LARGE" -v z="$sizes" 'BEGIN {
    r = (lg > sm) ? lg / sm : sm / lg
    printf "nothing due: %d members %.1f us, %d members %.1f us per call (pgbench, medians of 5 x 1000; databases %s): %.2fx apart  target <= 2x  %s\n",
        a, sm, b, lg, z, r, (r <= 2) ? "met" : "MISSED" }'
[ -n "${COWORK_BENCH_SKIP_NOTHING:-}" ] ||
awk -v sm="$small_us" -v h="$held_us" -v n="$held" 'BEGIN {
    r = (h > sm) ? h / sm : sm / h
    printf "nothing due, %d ends on hold (a switched-off location): %.1f us per call, %.2fx the run without  target <= 2x  %s\n",
        n, h, r, (r <= 2) ? "met" : "MISSED" }'
