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

rm -rf results output_iso regression.diffs regression.out

echo "== regression tests (pg_regress, sql/ + expected/)"
regress=$(make -s --no-print-directory print-REGRESS 2>/dev/null)
"$PGXS_DIR/src/test/regress/pg_regress" --inputdir=. --bindir="$PGBIN" \
    --dbname=cowork_regression $regress 2>&1 | tee /tmp/cowork-regress.$$.log
rc=${PIPESTATUS[0]}
count_regress regress /tmp/cowork-regress.$$.log
if [ "$rc" -ne 0 ] && [ -f regression.diffs ]; then
    [ "$(grep -Ec '\.\.\. (FAILED|failed)' /tmp/cowork-regress.$$.log)" -gt 0 ] || failed=$((failed + 1))
    cat regression.diffs
    mv regression.diffs regression-regress.diffs
fi

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

echo "== pgTAP tests (test/pgtap/, pg_prove)"
if ls test/pgtap/*.sql >/dev/null 2>&1; then
    "$PGBIN/createdb" cowork_tap &&
    "$PGBIN/psql" -X -q -d cowork_tap -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION cowork' &&
    pg_prove --ext .sql -v -d cowork_tap test/pgtap/ 2>&1 | tee /tmp/cowork-tap.$$.log
    rc=${PIPESTATUS[0]}
    ok=$(grep -Ec '^ *ok [0-9]+' /tmp/cowork-tap.$$.log)
    bad=$(grep -Ec '^ *not ok [0-9]+' /tmp/cowork-tap.$$.log)
    [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ] && bad=1
    passed=$((passed + ok)); failed=$((failed + bad))
    summary+=("pgtap: $ok passed, $bad failed")
else
    echo "no pgTAP files in test/pgtap"; failed=$((failed + 1))
    summary+=("pgtap: no files")
fi

echo "== shell tests (test/shell/)"
sh_ok=0; sh_bad=0
for t in test/shell/*.sh; do
    [ -f "$t" ] || continue
    if bash "$t" >/tmp/cowork-shell.$$.log 2>&1; then
        echo "test $(basename "$t" .sh) ... ok"; sh_ok=$((sh_ok + 1))
    else
        echo "test $(basename "$t" .sh) ... FAILED"; sh_bad=$((sh_bad + 1))
        sed 's/^/    /' /tmp/cowork-shell.$$.log
    fi
done
passed=$((passed + sh_ok)); failed=$((failed + sh_bad))
summary+=("shell: $sh_ok passed, $sh_bad failed")

rm -f /tmp/cowork-*.$$.log
cowork_cluster_stop

echo
echo "== summary ($(($(date +%s) - started)) s)"
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
