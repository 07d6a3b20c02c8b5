#!/usr/bin/env bash
# Benchmark of the action trigger (issue 3): the time per INSERT of a
# completed action into cowork.action, for
#   (a) the floor: the extension's triggers disabled (keys, foreign keys and
#       the table's indexes still checked),
#   (b) the C triggers on, for people who are customers already,
#   (c) the C triggers on, for a person's first action at the location,
#   (d) the same rules as PL/pgSQL triggers (a baseline written only here,
#       in setup.sql: the action rule, the transition table and the event
#       log, replacing the C triggers on cowork.action and cowork.customer),
# each as an overhead over the floor of the same statement.  Rounds are
# interleaved (floor, C, PL/pgSQL, floor, ...) and the median of each is
# taken, so that drift hits all alike.  Not part of make test; never fails on
# speed.
#
#   bash test/bench/run.sh [transactions per run, default 20000] [rounds, default 5]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/cluster.sh

T=${1:-20000}
ROUNDS=${2:-5}
EXISTING=100000
FRESH=$((T * ROUNDS))

bash scripts/setup.sh
cowork_build_install
cowork_cluster_start
"$PGBIN/createdb" cowork_bench
export PGDATABASE=cowork_bench
echo "setting up: $EXISTING customers, $((3 * FRESH)) people without a customer row"
"$PGBIN/psql" -X -q -v existing=$EXISTING -v fresh=$FRESH -f test/bench/setup.sql

sql() { "$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"; }

# floor: no trigger of ours on cowork.action; c: the extension's triggers;
# plpgsql: the baseline's triggers instead, on cowork.action and on
# cowork.customer (the transition table and the event log).
use_variant() {
    local on_action on_customer
    case $1 in
    floor)   on_action=""; on_customer="customer_check customer_event customer_no_truncate" ;;
    c)       on_action="action_state action_status"
             on_customer="customer_check customer_event customer_no_truncate" ;;
    plpgsql) on_action="bench_action_state bench_action_status"
             on_customer="bench_customer_check bench_customer_event" ;;
    esac
    local stmt="ALTER TABLE cowork.action DISABLE TRIGGER USER; ALTER TABLE cowork.customer DISABLE TRIGGER USER;"
    for t in $on_action; do stmt+=" ALTER TABLE cowork.action ENABLE TRIGGER $t;"; done
    for t in $on_customer; do stmt+=" ALTER TABLE cowork.customer ENABLE TRIGGER $t;"; done
    sql "$stmt"
}

# pgbench with one client: microseconds per INSERT (1e6 / tps).
per_insert_us() {
    "$PGBIN/pgbench" -n -M prepared -c 1 -j 1 -t "$T" -D existing=$EXISTING -f "$1" 2>&1 |
        sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | awk '{ printf "%.2f", 1e6 / $1 }'
}

declare -A samples
for round in $(seq 1 "$ROUNDS"); do
    for variant in floor c plpgsql; do
        use_variant $variant
        sql "CHECKPOINT" >/dev/null
        samples[existing,$variant]+="$(per_insert_us test/bench/existing.sql) "
        sql "SELECT setval('bench.fresh', first_person + ($round - 1) * $T, false)
               FROM bench.ranges WHERE variant = '$variant'" >/dev/null
        samples[first,$variant]+="$(per_insert_us test/bench/first.sql) "
    done
    echo "round $round of $ROUNDS done"
done

# Sanity: the C and PL/pgSQL runs made the fresh people customers.
made=$(sql "SELECT count(*) FROM cowork.customer WHERE person_id > $EXISTING")
echo "first actions that created a customer: $made (expected $((2 * FRESH)))"

median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo
echo "cowork action trigger benchmark: $T inserts per run, median of $ROUNDS interleaved rounds, 1 client"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }'), $(nproc) cores"
printf '%-28s %10s %10s %10s %12s %10s\n' scenario "floor us" "C us" "C over" "PL/pgSQL us" "PL over"
declare -A result
for scenario in existing first; do
    f=$(echo "${samples[$scenario,floor]}" | median)
    c=$(echo "${samples[$scenario,c]}" | median)
    p=$(echo "${samples[$scenario,plpgsql]}" | median)
    result[$scenario]="$f $c $p"
    label=$([ $scenario = existing ] && echo "(b) existing customers" || echo "(c) first action")
    awk -v l="$label" -v f="$f" -v c="$c" -v p="$p" 'BEGIN {
        printf "%-28s %10.2f %10.2f %9.1f%% %12.2f %9.1f%%\n", l, f, c, 100 * (c - f) / f, p, 100 * (p - f) / f }'
done

echo
read -r f c p <<<"${result[existing]}"
awk -v f="$f" -v c="$c" -v p="$p" 'BEGIN {
    co = c - f; po = p - f
    printf "(b) C overhead over the floor:            %6.1f%%   target <= 10%%      %s\n", 100 * co / f, (co <= 0.10 * f) ? "met" : "MISSED"
    printf "(b) C overhead / PL/pgSQL overhead:       %6.2f    target <= 0.33     %s\n", co / po, (co <= po / 3) ? "met" : "MISSED" }'
read -r f c p <<<"${result[first]}"
awk -v f="$f" -v c="$c" -v p="$p" 'BEGIN {
    co = c - f; po = p - f
    printf "(c) C overhead / PL/pgSQL overhead:       %6.2f    target <= 0.50     %s\n", co / po, (co <= po / 2) ? "met" : "MISSED" }'
