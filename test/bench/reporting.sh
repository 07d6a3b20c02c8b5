#!/usr/bin/env bash
# Benchmark of the reports: one location's month of movement
# (cowork.monthly_movement) and of active users (cowork.active_users), in a
# database of SMALL events and in one of LARGE events (defaults 100,000 and
# 10,000,000).  The location read is the same in both (18,000 events of its
# own, test/bench/reporting-setup.sql): the other locations' events are
# what grows, and the report of one location must not feel them.
#
# Both databases live in one throwaway cluster; a round times CALLS calls
# of each query inside the server (a DO loop, clock_timestamp()), in the
# small database then in the large one, and rounds are interleaved so that
# the drift of a shared machine hits both alike.  It prints the median of
# the rounds per call and the ratio large / small, and the plans of the
# large database.  Not part of make test; never fails on speed.
#
#   bash test/bench/reporting.sh [LARGE events, default 10000000] [rounds, default 7] [calls, default 20]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/cluster.sh

LARGE=${1:-10000000}
ROUNDS=${2:-7}
CALLS=${3:-20}
SMALL=100000

bash scripts/setup.sh >/dev/null
cowork_build_install
COWORK_PG_CONF=$'autovacuum = off\nwal_init_zero = off\nmax_wal_size = 16GB\nshared_buffers = 512MB\nwal_level = minimal\nmax_wal_senders = 0'
export COWORK_PG_CONF
cowork_cluster_start

for size in $SMALL $LARGE; do
    "$PGBIN/createdb" "bench_$size"
    start=$(date +%s)
    "$PGBIN/psql" -X -q -d "bench_$size" -v total_events="$size" -f test/bench/reporting-setup.sql
    echo "data set of $size events built in $(( $(date +%s) - start )) s"
done

MONTH="SELECT * FROM cowork.monthly_movement WHERE location_id = 1 AND month = '2024-03-01'"
ACTIVE="SELECT count(*) FROM cowork.active_users(1, '2024-03-01 00:00+00', '2024-04-01 00:00+00')"

# time_calls DB QUERY: milliseconds per call, CALLS calls in the server.
time_calls() {
    "$PGBIN/psql" -X -q -A -t -d "$1" -v ON_ERROR_STOP=1 <<SQL
SET TimeZone = 'UTC';
DO \$\$
DECLARE t0 timestamptz; r record;
BEGIN
    FOR r IN $2 LOOP END LOOP;   -- warm
    t0 := clock_timestamp();
    FOR i IN 1..$CALLS LOOP
        FOR r IN $2 LOOP END LOOP;
    END LOOP;
    RAISE NOTICE '%', round(extract(epoch FROM clock_timestamp() - t0) * 1000 / $CALLS, 3);
END
\$\$;
SQL
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A samples
for ((r = 1; r <= ROUNDS; r++)); do
    for q in month active; do
        query=$MONTH; [ $q = active ] && query=$ACTIVE
        for size in $SMALL $LARGE; do
            ms=$(time_calls "bench_$size" "$query" 2>&1 | sed -n 's/.*NOTICE:  //p')
            samples[$q.$size]+="$ms "
        done
    done
done

echo
echo "results (SMALL=$SMALL, LARGE=$LARGE events; median of $ROUNDS rounds of $CALLS calls, ms per call)"
for q in month active; do
    s=$(echo ${samples[$q.$SMALL]} | tr ' ' '\n' | median)
    l=$(echo ${samples[$q.$LARGE]} | tr ' ' '\n' | median)
    printf '%-7s small %8s ms   large %8s ms   ratio %s   (rounds: small %s| large %s)\n' \
        "$q" "$s" "$l" "$(awk -v s="$s" -v l="$l" 'BEGIN {printf "%.2f", l / s}')" \
        "${samples[$q.$SMALL]}" "${samples[$q.$LARGE]}"
done

echo
echo "plans in the large database"
"$PGBIN/psql" -X -q -d "bench_$LARGE" <<SQL
SET TimeZone = 'UTC';
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) $MONTH;
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_analyze = on;
SET auto_explain.log_timing = off;
SET auto_explain.log_buffers = on;
SET auto_explain.log_level = notice;
SET client_min_messages = notice;
$ACTIVE;
SQL
