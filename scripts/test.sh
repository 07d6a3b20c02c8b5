#!/usr/bin/env bash
# make test: set up (packages, build, install), start a throwaway cluster,
# run every suite (pg_regress, isolation, pgTAP, dump/restore), stop the
# cluster, and end with one line "N passed, M failed".  Exits non-zero on any
# failure.  Each suite runs even when an earlier one failed.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/cluster.sh

started=$(date +%s)
bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
cowork_build_install || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
cowork_cluster_start || { echo "cluster did not start"; echo "0 passed, 1 failed"; exit 1; }

PGXS_DIR=$("$PG_CONFIG" --pkglibdir)/pgxs
passed=0
failed=0
summary=()

# count_regress SUITE LOGFILE: count pg_regress "... ok" / "... FAILED" lines
count_regress() {
    local suite=$1 log=$2 ok bad
    ok=$(grep -Ec '^(test | ) *[^ ]+ +\.\.\. ok' "$log")
    bad=$(grep -Ec '^(test | ) *[^ ]+ +\.\.\. (FAILED|failed)' "$log")
    passed=$((passed + ok))
    failed=$((failed + bad))
    summary+=("$suite: $ok passed, $bad failed")
}

rm -rf results output_iso output_regress output_upgrade regression.diffs regression.out

# The release that upgrade passes start from (test/upgrade/releases).
from=$(grep -v '^#' test/upgrade/releases | tail -1 | cut -d' ' -f1)

# run_regress SUITE OUTPUTDIR [PGOPTIONS]: pg_regress over every sql/ script
# (results and regression.diffs in OUTPUTDIR)
run_regress() {
    local suite=$1 out=$2 log=/tmp/cowork-regress.$$.log rc
    PGOPTIONS=${3:-} "$PGXS_DIR/src/test/regress/pg_regress" --inputdir=. \
        --outputdir="$out" --bindir="$PGBIN" --dbname=cowork_regression $regress 2>&1 |
        tee "$log"
    rc=${PIPESTATUS[0]}
    count_regress "$suite" "$log"
    if [ "$rc" -ne 0 ]; then
        [ "$(grep -Ec '\.\.\. (FAILED|failed)' "$log")" -gt 0 ] || failed=$((failed + 1))
        [ -f "$out/regression.diffs" ] && cat "$out/regression.diffs"
    fi
}

regress=$(make -s --no-print-directory print-REGRESS 2>/dev/null)
echo "== regression tests (pg_regress, sql/ + expected/)"
run_regress regress output_regress
echo "== regression tests on an upgraded catalog (each script: $from, then ALTER EXTENSION cowork UPDATE)"
run_regress "regress (upgraded from $from)" output_upgrade "-c cowork_test.install=$from"

echo "== isolation tests (test/specs/ + test/expected/)"
isolation=$(make -s --no-print-directory print-ISOLATION 2>/dev/null)
"$PGXS_DIR/src/test/isolation/pg_isolation_regress" --inputdir=test \
    --outputdir=output_iso --bindir="$PGBIN" --dbname=cowork_isolation \
    $isolation 2>&1 | tee /tmp/cowork-iso.$$.log
rc=${PIPESTATUS[0]}
count_regress isolation /tmp/cowork-iso.$$.log
if [ "$rc" -ne 0 ]; then
    [ "$(grep -Ec '\.\.\. (FAILED|failed)' /tmp/cowork-iso.$$.log)" -gt 0 ] || failed=$((failed + 1))
    [ -f output_iso/regression.diffs ] && cat output_iso/regression.diffs
fi

# run_pgtap SUITE DATABASE CREATE...: pg_prove over test/pgtap/ in a new
# database where the given statements installed cowork
run_pgtap() {
    local suite=$1 db=$2 log=/tmp/cowork-tap.$$.log rc ok bad
    shift 2
    local create=()
    for stmt in "$@"; do create+=(-c "$stmt"); done
    if ! ls test/pgtap/*.sql >/dev/null 2>&1; then
        echo "no pgTAP files in test/pgtap"; failed=$((failed + 1))
        summary+=("$suite: no files")
        return
    fi
    "$PGBIN/dropdb" --if-exists "$db" >/dev/null 2>&1
    "$PGBIN/createdb" "$db" &&
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE EXTENSION pgtap' "${create[@]}" &&
    pg_prove --ext .sql -v -d "$db" test/pgtap/ 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    ok=$(grep -Ec '^ *ok [0-9]+' "$log")
    bad=$(grep -Ec '^ *not ok [0-9]+' "$log")
    [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ] && bad=1
    passed=$((passed + ok)); failed=$((failed + bad))
    summary+=("$suite: $ok passed, $bad failed")
}

echo "== pgTAP tests (test/pgtap/, pg_prove)"
run_pgtap pgtap cowork_tap 'CREATE EXTENSION cowork'
echo "== pgTAP tests on an upgraded catalog ($from, then ALTER EXTENSION cowork UPDATE)"
run_pgtap "pgtap (upgraded from $from)" cowork_tap_upgraded \
    "CREATE EXTENSION cowork VERSION '$from'" 'ALTER EXTENSION cowork UPDATE'

echo "== shell tests (test/shell/)"
sh_ok=0; sh_bad=0
for t in test/shell/*.sh; do
    [ -f "$t" ] || continue
    if bash "$t" >/tmp/cowork-shell.$$.log 2>&1; then
        echo "test $(basename "$t" .sh) ... ok"; sh_ok=$((sh_ok + 1))
        # A passing test's own summary lines ("summary: ...") are shown too.
        sed -n 's/^summary: /    /p' /tmp/cowork-shell.$$.log
    else
        echo "test $(basename "$t" .sh) ... FAILED"; sh_bad=$((sh_bad + 1))
        sed 's/^/    /' /tmp/cowork-shell.$$.log
    fi
done
passed=$((passed + sh_ok)); failed=$((failed + sh_bad))
summary+=("shell: $sh_ok passed, $sh_bad failed")

# The Citus test: skipped where Citus is not installed (CI); where it is,
# its counts are information (what works distributed so far), and only the
# harness failing to run counts as a failure.
echo "== Citus test (test/citus/run.sh)"
if bash test/citus/run.sh >/tmp/cowork-citus.$$.log 2>&1; then
    sed 's/^/    /' /tmp/cowork-citus.$$.log
    summary+=("$(tail -1 /tmp/cowork-citus.$$.log)")
else
    sed 's/^/    /' /tmp/cowork-citus.$$.log
    echo "test citus ... FAILED (the harness could not run)"
    failed=$((failed + 1))
    summary+=("citus: the harness could not run (failed)")
fi

rm -f /tmp/cowork-*.$$.log
cowork_cluster_stop

echo
echo "== summary ($(($(date +%s) - started)) s)"
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
