#!/usr/bin/env bash
# What the reporting index action_completed_idx costs the action trigger's
# paths: instructions per INSERT of a completed action (callgrind, as in
# test/bench/run.sh: (I(N2) - I(N1)) / (N2 - N1) in a single-user backend),
# for an existing customer and for a first action (which also writes the
# event and the customer row), with the index and with it dropped.
#
#   bash test/bench/index-cost.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/cluster.sh
EXISTING=100000
CG_N1=500
CG_N2=2500
bash scripts/setup.sh >/dev/null
command -v valgrind >/dev/null 2>&1 ||
    "${COWORK_SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -q -y --no-install-recommends valgrind
cowork_build_install
cowork_cluster_start
"$PGBIN/createdb" cowork_bench
export PGDATABASE=cowork_bench
"$PGBIN/psql" -X -q -v existing=$EXISTING -v fresh=$((4 * (CG_N1 + CG_N2))) -f test/bench/setup.sql >/dev/null
"$PGBIN/psql" -X -q -c 'VACUUM ANALYZE'
"${COWORK_AS_SERVER[@]}" "$PGBIN/pg_ctl" -D "$COWORK_PGDIR/data" -m fast -w stop >/dev/null

refs() {   # SCENARIO INDEX(with|without) COUNT -> instructions of the whole run
    local person
    if [ "$1" = existing ]; then person="(i * 7919) % $EXISTING + 1"; else person="nextval('bench.fresh_c')"; fi
    {
        echo "BEGIN;"
        [ "$2" = without ] && echo "DROP INDEX cowork.action_completed_idx;"
        echo "DO \$\$ BEGIN FOR i IN 1..$3 LOOP INSERT INTO cowork.action (location_id, person_id, kind, amount) VALUES (1, $person, 'room_booking', 10); END LOOP; END \$\$;"
        echo "ROLLBACK;"
    } >"$COWORK_PGDIR/cg.sql"
    "${COWORK_AS_SERVER[@]}" valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$PGBIN/postgres" --single -c shared_preload_libraries= -D "$COWORK_PGDIR/data" cowork_bench \
        <"$COWORK_PGDIR/cg.sql" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,
}
echo "instructions per INSERT of a completed action (callgrind, $CG_N1 to $CG_N2 inserts)"
printf '%-24s %12s %12s %8s\n' scenario "without idx" "with idx" "cost"
for scenario in existing first; do
    w0=$(refs $scenario without $CG_N1); w1=$(refs $scenario without $CG_N2)
    i0=$(refs $scenario with $CG_N1); i1=$(refs $scenario with $CG_N2)
    w=$(( (w1 - w0) / (CG_N2 - CG_N1) )); i=$(( (i1 - i0) / (CG_N2 - CG_N1) ))
    awk -v s="$scenario" -v w="$w" -v i="$i" 'BEGIN { printf "%-24s %12d %12d %7.1f%%\n", s, w, i, 100 * (i - w) / w }'
done
