#!/usr/bin/env bash
# Benchmark of tenancy (row-level security and the access checks): what a
# role that row-level security restricts pays over the extension's owner.
#
#   1. The action trigger: instructions per INSERT of a completed action
#      into cowork.action at location 1, as the owner (a superuser: no
#      policy applies) and as bench_admin (admin of location 1 only: the
#      insert policy, the access cache), for (b) people who are customers
#      there already and (c) a person's first action there (a customer row
#      and an event written).  Counted as test/bench/run.sh counts them:
#      the same DO loop of single-row INSERT statements in a single-user
#      backend under callgrind, (I(N2) - I(N1)) / (N2 - N1), repeatable to
#      the instruction.  Target: at most 5 % apart.
#   2. A page of 50 members of one location (test/bench/tenancy-page.sql)
#      among 100 locations and 1,000,000 customers, read as the owner and as
#      bench_reader (reader of location 42 only): pgbench, one client,
#      median of interleaved rounds, with the server's default settings and
#      without parallel query; and instructions per query under callgrind.
#      Target: at most 1.5x apart.
# Not part of make test, and never fails on speed: it prints the figures.
#
#   bash test/bench/tenancy.sh [seconds per pgbench run, default 10] [rounds, default 5]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/cluster.sh

SECONDS_PER_RUN=${1:-10}
ROUNDS=${2:-5}
CG_N1=500
CG_N2=2500
CG_PAGES1=5
CG_PAGES2=25

bash scripts/setup.sh
if ! command -v valgrind >/dev/null 2>&1; then
    "${COWORK_SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -q -y --no-install-recommends valgrind
fi
cowork_build_install
COWORK_PG_CONF=$'autovacuum = off\nwal_init_zero = off\nmax_wal_size = 16GB\nshared_buffers = 512MB'
export COWORK_PG_CONF
cowork_cluster_start
"$PGBIN/createdb" cowork_bench
export PGDATABASE=cowork_bench
echo "setting up: 100 locations, 1,000,000 customers"
"$PGBIN/psql" -X -q -v locations=100 -v customers=1000000 -f test/bench/tenancy-setup.sql >/dev/null
# First actions at location 1: the people who are customers of location 2
# (person_id = 100 k + 1), a range of its own for each callgrind run.
"$PGBIN/psql" -X -q -c "CREATE SCHEMA bench; CREATE SEQUENCE bench.fresh; GRANT USAGE ON SCHEMA bench TO bench_admin, bench_bypass; GRANT USAGE ON SEQUENCE bench.fresh TO bench_admin, bench_bypass;"

median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# page USER [PGOPTIONS]: milliseconds per page through pgbench.
page() {
    PGOPTIONS=${2:-} "$PGBIN/pgbench" -n -M prepared -c 1 -j 1 -T "$SECONDS_PER_RUN" -U "$1" \
        -f test/bench/tenancy-page.sql 2>&1 | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p'
}
declare -A samples
for u in postgres bench_reader; do page $u >/dev/null; done   # warm-up
for round in $(seq 1 "$ROUNDS"); do
    for u in postgres bench_reader; do
        samples[default,$u]+="$(page $u) "
        samples[noparallel,$u]+="$(page $u '-c max_parallel_workers_per_gather=0') "
    done
    echo "page round $round of $ROUNDS done"
done

# The plans, for the record.
echo
echo "plan as the owner:"
"$PGBIN/psql" -X -q -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) $(grep -v '^--' test/bench/tenancy-page.sql)"
echo "plan as bench_reader:"
"$PGBIN/psql" -X -q -U bench_reader -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) $(grep -v '^--' test/bench/tenancy-page.sql)"

# Instructions: single-user backends under callgrind, on the same data.
"${COWORK_AS_SERVER[@]}" "$PGBIN/pg_ctl" -D "$COWORK_PGDIR/data" -m fast -w stop >/dev/null
callgrind_refs() {   # SQL-FILE -> instructions of the whole run
    "${COWORK_AS_SERVER[@]}" valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$PGBIN/postgres" --single -c shared_preload_libraries= -c max_parallel_workers_per_gather=0 \
        -D "$COWORK_PGDIR/data" cowork_bench <"$1" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,
}
insert_loop() {   # ROLE SCENARIO N
    local person
    if [ "$2" = existing ]; then
        person="(i * 7919) % 10000 * 100 + 100"     # customers of location 1
    else
        person="nextval('bench.fresh') * 100 + 1"   # new at location 1
    fi
    case $1 in admin) echo "SET ROLE bench_admin;" ;; bypass) echo "SET ROLE bench_bypass;" ;; esac
    echo "DO \$\$ BEGIN FOR i IN 1..$3 LOOP INSERT INTO cowork.action (location_id, person_id, kind, amount) VALUES (1, $person, 'room_booking', 10); END LOOP; END \$\$;"
}
page_loop() {     # ROLE N
    [ "$1" = owner ] || echo "SET ROLE bench_reader;"
    echo "DO \$\$ DECLARE r record; BEGIN FOR i IN 1..$2 LOOP FOR r IN $(grep -v '^--' test/bench/tenancy-page.sql | tr -d ';' | tr '\n' ' ') LOOP END LOOP; END LOOP; END \$\$;"
}
for who in owner bypass admin; do
    for scenario in existing first; do
        insert_loop $who $scenario $CG_N1 >"$COWORK_PGDIR/cg.sql"; a=$(callgrind_refs "$COWORK_PGDIR/cg.sql")
        insert_loop $who $scenario $CG_N2 >"$COWORK_PGDIR/cg.sql"; b=$(callgrind_refs "$COWORK_PGDIR/cg.sql")
        samples[instructions,$scenario,$who]=$(( (b - a) / (CG_N2 - CG_N1) ))
    done
    [ $who = bypass ] && continue
    page_loop $who $CG_PAGES1 >"$COWORK_PGDIR/cg.sql"; a=$(callgrind_refs "$COWORK_PGDIR/cg.sql")
    page_loop $who $CG_PAGES2 >"$COWORK_PGDIR/cg.sql"; b=$(callgrind_refs "$COWORK_PGDIR/cg.sql")
    samples[instructions,page,$who]=$(( (b - a) / (CG_PAGES2 - CG_PAGES1) ))
done
echo "instructions counted"

echo
[ -n "${COWORK_BENCH_VERBOSE:-}" ] && for k in "${!samples[@]}"; do echo "  $k: ${samples[$k]}"; done | sort
echo "cowork tenancy: PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }'), $(nproc) cores; command: bash test/bench/tenancy.sh $SECONDS_PER_RUN $ROUNDS"
echo
echo "[trigger] instructions per INSERT of a completed action (callgrind, $CG_N1 to $CG_N2 inserts)"
echo "  owner: a superuser; bypass: bench_bypass, a non-superuser with BYPASSRLS and the same grants"
echo "  and access (what any non-superuser pays: PostgreSQL's privilege checks); admin: bench_admin"
printf '%-26s %10s %10s %10s %12s %12s\n' scenario owner bypass admin "admin/owner" "admin/bypass"
for scenario in existing first; do
    o=${samples[instructions,$scenario,owner]}; y=${samples[instructions,$scenario,bypass]}; a=${samples[instructions,$scenario,admin]}
    label=$([ $scenario = existing ] && echo "(b) existing customers" || echo "(c) first action")
    awk -v l="$label" -v o="$o" -v y="$y" -v a="$a" 'BEGIN { printf "%-26s %10d %10d %10d %11.1f%% %11.1f%%  %s\n", l, o, y, a, 100 * (a - o) / o, 100 * (a - y) / y, (a - o <= 0.05 * o) ? "target met (owner)" : ((a - y <= 0.05 * y) ? "target met over bypass, MISSED over owner" : "target MISSED") }'
done
echo
echo "[page] a page of 50 members of one location, owner vs reader of that location"
for mode in default noparallel; do
    o=$(echo "${samples[$mode,postgres]}" | median); r=$(echo "${samples[$mode,bench_reader]}" | median)
    awk -v m="$mode" -v o="$o" -v r="$r" 'BEGIN { printf "  ms per page (pgbench, median of rounds), %-10s owner %8.2f  reader %8.2f  %5.2fx  %s\n", m, o, r, r / o, (r <= 1.5 * o) ? "target met" : "target MISSED" }'
done
o=${samples[instructions,page,owner]}; r=${samples[instructions,page,admin]}
awk -v o="$o" -v r="$r" 'BEGIN { printf "  instructions per page (callgrind, no parallel)  owner %10d  reader %10d  %5.2fx  %s\n", o, r, r / o, (r <= 1.5 * o) ? "target met" : "target MISSED" }'
