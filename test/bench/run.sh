#!/usr/bin/env bash
# Benchmark of the action triggers (issue 3): the time per INSERT of a
# completed action into cowork.action, for
#   (a) the floor: the extension's triggers disabled (keys, foreign keys and
#       indexes still checked),
#   (b) the C triggers on, for people who are customers already,
#   (c) the C triggers on, for a person's first action at the location,
#   (d) the same rules as PL/pgSQL triggers: a baseline written only here
#       (setup.sql), replacing the C triggers on cowork.action and on
#       cowork.customer (the action rule, the transition table, the log),
# each given as its overhead over the floor of the same statement.
#
# Three measures:
#   client: pgbench, one client, one INSERT per transaction (-M prepared):
#           what an application sees, commit and round trip included;
#   server: N single-row INSERT statements run one by one inside the server
#           (a DO loop), timed there: the per-statement cost without the
#           client;
#   instructions: the same DO loop in a single-user backend under callgrind,
#           instructions per INSERT statement, (I(N2) - I(N1)) / (N2 - N1)
#           so that start-up and first-call costs cancel out: repeatable to
#           the instruction on any machine, where the timings of a shared
#           virtual machine move by 10 % from run to run.
# The timed ones are the median of interleaved rounds (floor, C, PL/pgSQL,
# floor, ...), so that drift hits all alike.  Not part of make test, and
# never fails on speed: it prints the figures.
#
#   bash test/bench/run.sh [inserts per timed run, default 20000] [rounds, default 5]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/cluster.sh

N=${1:-20000}
ROUNDS=${2:-5}
EXISTING=100000
WARMUP=2000
CG_N1=500
CG_N2=2500
FRESH=$((2 * N * ROUNDS + 2 * WARMUP + CG_N1 + CG_N2))

bash scripts/setup.sh
if ! command -v valgrind >/dev/null 2>&1; then
    "${COWORK_SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -q -y --no-install-recommends valgrind
fi
cowork_build_install
# Steadier timings: no autovacuum in the middle of a run, WAL segments not
# zero-filled on creation, no checkpoint forced by WAL volume.
COWORK_PG_CONF=$'autovacuum = off\nwal_init_zero = off\nmax_wal_size = 16GB\nshared_buffers = 512MB'
export COWORK_PG_CONF
cowork_cluster_start
"$PGBIN/createdb" cowork_bench
export PGDATABASE=cowork_bench
echo "setting up: $EXISTING customers and $((3 * FRESH)) people without a customer row"
"$PGBIN/psql" -X -q -v existing=$EXISTING -v fresh=$FRESH -f test/bench/setup.sql >/dev/null

sql() { "$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -c "$1"; }

# floor: no trigger of ours on cowork.action; c: the extension's triggers;
# plpgsql: the baseline's triggers instead, on cowork.action and on
# cowork.customer.
variant_sql() {
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
    echo "$stmt"
}
use_variant() { sql "$(variant_sql "$1") CHECKPOINT;"; }

# The DO loop of N single-row INSERT statements, for a scenario and variant.
insert_loop() {
    local person
    if [ "$1" = existing ]; then
        person="(i * 7919) % $EXISTING + 1"
    else
        person="nextval('bench.fresh_$2')"
    fi
    echo "DO \$\$ DECLARE t0 timestamptz := clock_timestamp(); BEGIN FOR i IN 1..$3 LOOP INSERT INTO cowork.action (location_id, person_id, kind, amount) VALUES (1, $person, 'room_booking', 10); END LOOP; RAISE NOTICE 'us=%', round(extract(epoch FROM clock_timestamp() - t0) * 1e6 / $3, 2); END \$\$;"
}

# client SCRIPT VARIANT COUNT: microseconds per INSERT through pgbench.
client() {
    "$PGBIN/pgbench" -n -M prepared -c 1 -j 1 -t "$3" -D existing=$EXISTING \
        -D fresh="bench.fresh_$2" -f "test/bench/$1.sql" 2>&1 |
        sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | awk '{ printf "%.2f", 1e6 / $1 }'
}

# server SCENARIO VARIANT COUNT: microseconds per INSERT statement, timed in
# the server.
server() {
    insert_loop "$1" "$2" "$3" | "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 2>&1 | sed -n 's/.*NOTICE:  us=//p'
}

declare -A samples
for variant in floor c plpgsql; do          # warm-up, not counted
    use_variant $variant
    client existing $variant $WARMUP >/dev/null; client first $variant $WARMUP >/dev/null
done
for round in $(seq 1 "$ROUNDS"); do
    for variant in floor c plpgsql; do
        for scenario in existing first; do
            use_variant $variant
            samples[client,$scenario,$variant]+="$(client $scenario $variant "$N") "
            use_variant $variant
            samples[server,$scenario,$variant]+="$(server $scenario $variant "$N") "
        done
    done
    echo "round $round of $ROUNDS done"
done

# Sanity: every first action of the C and PL/pgSQL runs made a customer.
made=$(sql "SELECT count(*) FROM cowork.customer WHERE person_id > $EXISTING")
echo "first actions that created a customer: $made (expected $((2 * (2 * N * ROUNDS + WARMUP))))"

# instructions: single-user backends under callgrind, on the same data.
"${COWORK_AS_SERVER[@]}" "$PGBIN/pg_ctl" -D "$COWORK_PGDIR/data" -m fast -w stop >/dev/null
callgrind_refs() {   # SCENARIO VARIANT COUNT -> instructions of the whole run
    { variant_sql "$2"; insert_loop "$1" "$2" "$3"; } >"$COWORK_PGDIR/cg.sql"
    "${COWORK_AS_SERVER[@]}" valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$PGBIN/postgres" --single -c shared_preload_libraries= -D "$COWORK_PGDIR/data" cowork_bench \
        <"$COWORK_PGDIR/cg.sql" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,
}
for variant in floor c plpgsql; do
    for scenario in existing first; do
        a=$(callgrind_refs $scenario $variant $CG_N1)
        b=$(callgrind_refs $scenario $variant $CG_N2)
        samples[instructions,$scenario,$variant]=$(( (b - a) / (CG_N2 - CG_N1) ))
    done
done
echo "instructions counted"

dump_samples() { for k in "${!samples[@]}"; do echo "  $k: ${samples[$k]}"; done | sort; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo
[ -n "${COWORK_BENCH_VERBOSE:-}" ] && dump_samples
echo "cowork action triggers: $N inserts per run, median of $ROUNDS interleaved rounds, 1 client"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }'), $(nproc) cores; command: bash test/bench/run.sh $N $ROUNDS"
for mode in client server instructions; do
    echo
    if [ $mode = instructions ]; then
        echo "[$mode] instructions per insert (callgrind, $CG_N1 to $CG_N2 inserts)"
    else
        echo "[$mode] microseconds per insert (median of $ROUNDS)"
    fi
    printf '%-26s %9s %9s %8s %12s %8s %10s\n' scenario floor C "C over" PL/pgSQL "PL over" "C/PL over"
    for scenario in existing first; do
        f=$(echo "${samples[$mode,$scenario,floor]}" | median)
        c=$(echo "${samples[$mode,$scenario,c]}" | median)
        p=$(echo "${samples[$mode,$scenario,plpgsql]}" | median)
        label=$([ $scenario = existing ] && echo "(b) existing customers" || echo "(c) first action")
        awk -v l="$label" -v f="$f" -v c="$c" -v p="$p" 'BEGIN {
            printf "%-26s %9.2f %9.2f %7.1f%% %12.2f %7.1f%% %10.2f\n", l, f, c, 100 * (c - f) / f, p, 100 * (p - f) / f, (c - f) / (p - f) }'
        eval "${mode}_${scenario}='$f $c $p'"
    done
    read -r f c p <<<"$(eval echo \$${mode}_existing)"
    awk -v f="$f" -v c="$c" -v p="$p" 'BEGIN { co = c - f; po = p - f
        printf "  target (b) C adds <= 10%% of the floor:       %6.1f%%  %s\n", 100 * co / f, (co <= 0.10 * f) ? "met" : "MISSED"
        printf "  target (b) C adds <= 1/3 of what PL/pgSQL adds: %5.2f  %s\n", co / po, (co <= po / 3) ? "met" : "MISSED" }'
    read -r f c p <<<"$(eval echo \$${mode}_first)"
    awk -v f="$f" -v c="$c" -v p="$p" 'BEGIN { co = c - f; po = p - f
        printf "  target (c) C adds <= 1/2 of what PL/pgSQL adds: %5.2f  %s\n", co / po, (co <= po / 2) ? "met" : "MISSED" }'
done
