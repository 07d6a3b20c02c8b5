#!/usr/bin/env bash
# The SQL surface never ends in an internal error or a dead backend, whatever
# the arguments.  test/fuzz-sql/generate.sql generates the statements from
# the catalog: every function and procedure of the cowork schema with
# hostile values (NULL, zero, negative and huge ids, empty, 1 MB and odd
# strings, NaN and infinite numerics, infinite and extreme timestamps,
# every enum label, odd regclass and name values), one argument at a time
# (the others sane), plus the all-sane and all-NULL calls; and INSERT,
# UPDATE, DELETE and TRUNCATE of every table and view of the schema, and of
# the application tables track_actions attached, with hostile values column
# by column.  They run on the data set of
# test/fuzz-sql/dataset.sql, each in a subtransaction rolled back afterwards
# (fuzz.run), in three passes:
#   owner     as the superuser that owns the extension
#   app       as an application role with the grants of docs/reference.md
#   toplevel  each CALL of a procedure as a top-level statement (psql), so
#             that procedures that commit take that path too
# The test fails when a statement ends with a SQLSTATE of class XX
# (internal_error and the like) or kills its backend (psql loses the
# connection: the call that was running is named, the run resumes after it).
# test/fuzz-sql/known-failures.txt names the functions (or statements)
# whose class-XX errors are known and fixed elsewhere: those are reported,
# not failed; an entry that no longer fails is an error, so the list stays
# true.  Runs against the cluster in PGHOST/PGPORT (scripts/test.sh starts
# one); prints the number of calls per SQLSTATE class.  FUZZ_SELFTEST=1 adds
# a call that crashes its backend, one that times out and one that ends its
# session, to check that the test fails on each; FUZZ_KEEP=1 keeps the
# database cowork_fuzz (table fuzz.call) for a look afterwards.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$root/test/fuzz-sql
db=cowork_fuzz
role=regress_fuzz_app
work=$(mktemp -d /tmp/cowork-fuzz.XXXXXX)
started_at=$(date +%s)
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
drop_all() {
    dropdb --if-exists "$db" 2>/dev/null
    psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" 2>/dev/null
}
cleanup() {
    drop_all
    rm -rf "$work"
}
[ -n "${FUZZ_KEEP:-}" ] || trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
q() { psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }

# server_up: wait until the server accepts connections again (after a crash,
# the postmaster restarts every backend and recovers).
server_up() {
    for _ in $(seq 1 120); do
        psql -X -q -A -t -d postgres -c 'SELECT 1' >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    return 1
}

drop_all
createdb "$db" || fail "createdb"
# The outcome of each call is committed before the next: keep it across a
# crash (the throwaway cluster commits asynchronously otherwise).
psql -X -q -d postgres -c "ALTER DATABASE $db SET synchronous_commit = on" || fail "alter database"
q -c 'CREATE EXTENSION cowork' -f "$dir/dataset.sql" -f "$dir/generate.sql" >/dev/null ||
    fail "the data set or the generator failed"
counts=$(q -A -t -F ' ' -c "SELECT fuzz.generate_calls('owner'), fuzz.generate_dml('owner'),
                                   fuzz.generate_calls('app'), fuzz.generate_dml('app'),
                                   fuzz.generate_calls('toplevel', true)") ||
    fail "generating the calls failed"
read -r owner_calls owner_dml app_calls app_dml top_calls <<<"$counts"
if [ -n "${FUZZ_SELFTEST:-}" ]; then
    # Check the harness: a call that crashes its backend, one that runs past
    # its timeout, and one that ends its session must each fail the test.
    q >/dev/null <<'SQL' || fail "could not add the self-test calls"
INSERT INTO fuzz.call (pass, target, variant, sql) VALUES
    ('owner', 'self-test', 'crash', $$COPY (SELECT 1) TO PROGRAM 'kill -SEGV $PPID'$$),
    ('owner', 'self-test', 'timeout', 'SELECT pg_sleep(3600)'),
    ('owner', 'self-test', 'session ended', 'SELECT pg_terminate_backend(pg_backend_pid())');
SQL
fi
echo "generated: owner $owner_calls calls + $owner_dml DML statements," \
     "app $app_calls + $app_dml, top-level $top_calls procedure calls"
echo "left out (with the reason):"
q -A -t -F ': ' -c "SELECT target, reason FROM fuzz.skip ORDER BY target" | sed 's/^/  /'

# The known failures: one function signature (or DML target) a line; '#'
# starts a comment.
sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$dir/known-failures.txt" >"$work/known"
while IFS= read -r target; do
    q -v t="$target" <<<"INSERT INTO fuzz.known VALUES (:'t') ON CONFLICT DO NOTHING;" ||
        fail "could not load known failure $target"
done <"$work/known"

# blame PASS STATE OUTPUT: the call of PASS that was running when its
# session ended (the first without an outcome) gets STATE; returns 1 when
# none was left.
blame() {
    local id
    id=$(q -A -t -v p="$1" -v st="$2" -v msg="$3" <<'SQL'
UPDATE fuzz.call SET sqlstate = :'st', message = left(:'msg', 400)
 WHERE id = (SELECT min(id) FROM fuzz.call WHERE pass = :'p' AND sqlstate IS NULL)
RETURNING id;
SQL
    )
    [ -n "$id" ] || return 1
    echo "  $2 in call $id: $(q -A -t -c "SELECT target || ' [' || variant || ']: ' || sql FROM fuzz.call WHERE id = $id")"
}

# stop_backends: end the sessions on the fuzz database that outlived their
# psql (a call that ignores its statement_timeout); fails if they do not go.
stop_backends() {
    local left
    for _ in $(seq 1 40); do
        left=$(psql -X -q -A -t -d postgres -c "SELECT count(*) FROM pg_stat_activity
                 WHERE datname = '$db' AND pid <> pg_backend_pid()")
        [ "$left" = 0 ] && return 0
        psql -X -q -A -t -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = '$db' AND pid <> pg_backend_pid()" >/dev/null
        sleep 0.5
    done
    return 1
}

# run_pass PASS ROLE: every call of PASS, each a statement of its own in one
# session (psql goes on after an error; only a lost connection, psql's own
# failure or the time limit end it early); after a lost session, the call
# that was running is blamed and the pass resumes after it.
run_pass() {
    local pass=$1 role=$2 rc out state
    for attempt in $(seq 1 100); do
        q -A -t -v p="$pass" -v r="$role" >"$work/$pass.sql" <<'SQL' ||
SELECT fuzz.script(:'p', NULLIF(:'r', ''));
SQL
            fail "could not write the calls of pass $pass"
        [ -s "$work/$pass.sql" ] || return 0
        out=$(PGOPTIONS="$PGOPTIONS -c statement_timeout=${FUZZ_CALL_TIMEOUT:-20s}" \
              timeout "${FUZZ_PASS_TIMEOUT:-600}" psql -X -q -d "$db" -o /dev/null -f "$work/$pass.sql" 2>&1)
        rc=$?
        printf '%s\n' "$out" >>"$work/messages"
        [ "$rc" -eq 0 ] && return 0
        case $rc in
            2) state=CRASHED ;;     # the connection to the server was lost
            124) state=TIMEOUT ;; # the pass took too long: a call ignores its timeout
            *) state=ABORTED ;;
        esac
        server_up || fail "the server did not come back after $state in pass $pass: $out"
        stop_backends || { blame "$pass" "$state" "its backend does not stop"
                           fail "a backend does not stop (pass $pass)"; }
        blame "$pass" "$state" "$(printf '%s\n' "$out" | tail -5)" ||
            fail "pass $pass ended (psql exit $rc) outside any call: $out"
    done
    fail "pass $pass: too many sessions lost"
}

# owner (no role switch), chain (generated from the owner pass's outcomes),
# app, and the top-level CALLs.
run_pass owner ''
n=$(q -A -t -c "SELECT fuzz.generate_chains()") || fail "generating the chain calls failed"
echo "generated: chain $n calls (hostile data stored by an UPDATE, then code that reads it)"
run_pass chain ''
run_pass app "$role"
run_pass toplevel ''

server_up || fail "the server is not up after the fuzz"
echo
echo "== outcomes ($(($(date +%s) - started_at)) s)"
q -c "SELECT pass, count(*) AS calls, count(*) FILTER (WHERE sqlstate = '00000') AS succeeded,
             count(*) FILTER (WHERE sqlstate <> '00000') AS refused,
             round(sum(ms) / 1000, 1) AS seconds
        FROM fuzz.call GROUP BY pass ORDER BY min(id)"
q -c "SELECT CASE WHEN sqlstate ~ '^[0-9A-Z]{5}$' THEN left(sqlstate, 2) ELSE sqlstate END AS class,
             coalesce(n.name, '') AS name, count(*) AS calls,
             string_agg(DISTINCT sqlstate, ' ') AS sqlstates
        FROM fuzz.call
        LEFT JOIN (VALUES ('00', 'successful completion'), ('0A', 'feature not supported'),
                          ('22', 'data exception'), ('23', 'integrity constraint violation'),
                          ('25', 'invalid transaction state'), ('2D', 'invalid transaction termination'),
                          ('42', 'syntax error or access rule violation'), ('53', 'insufficient resources'),
                          ('54', 'program limit exceeded'), ('55', 'object not in prerequisite state'),
                          ('57', 'operator intervention'), ('P0', 'PL/pgSQL error'),
                          ('XX', 'internal error'), ('CRASHED', 'backend died'),
                          ('ABORTED', 'session ended'), ('TIMEOUT', 'timed out')) AS n(class, name)
          ON n.class = CASE WHEN sqlstate ~ '^[0-9A-Z]{5}$' THEN left(sqlstate, 2) ELSE sqlstate END
       GROUP BY 1, 2 ORDER BY 1"
echo "slowest calls:"
q -A -t -F ' | ' -c "SELECT ms || ' ms', target, variant FROM fuzz.call WHERE ms IS NOT NULL
                      ORDER BY ms DESC LIMIT 5" | sed 's/^/  /'

failed=0
not_run=$(q -A -t -c "SELECT count(*) FROM fuzz.call WHERE sqlstate IS NULL")
if [ "$not_run" != 0 ]; then
    echo "FAIL: $not_run calls did not run"
    failed=1
fi
bad="(sqlstate LIKE 'XX%' OR sqlstate IN ('CRASHED', 'ABORTED', 'TIMEOUT', '57014'))"
excused="sqlstate LIKE 'XX%' AND target IN (SELECT target FROM fuzz.known)"
n=$(q -A -t -c "SELECT count(*) FROM fuzz.call WHERE $bad AND NOT ($excused)")
if [ "$n" != 0 ]; then
    echo "FAIL: $n calls ended in an internal error or a dead backend:"
    q -A -t -F ' | ' -c "SELECT pass, sqlstate, target, variant, message, sql FROM fuzz.call
                          WHERE $bad AND NOT ($excused) ORDER BY id" | sed 's/^/  /'
    failed=1
fi
n=$(q -A -t -c "SELECT count(*) FROM fuzz.call WHERE $excused")
if [ "$n" != 0 ]; then
    echo "known failures (test/fuzz-sql/known-failures.txt), $n calls:"
    q -A -t -F ' | ' -c "SELECT pass, sqlstate, target, variant, message, sql FROM fuzz.call
                          WHERE $excused ORDER BY id" | sed 's/^/  /'
fi
stale=$(q -A -t -c "SELECT k.target FROM fuzz.known k
                     WHERE NOT EXISTS (SELECT FROM fuzz.call c WHERE c.target = k.target
                                        AND c.sqlstate LIKE 'XX%') ORDER BY 1")
if [ -n "$stale" ]; then
    echo "FAIL: known failures that no longer fail (remove them from test/fuzz-sql/known-failures.txt):"
    echo "$stale" | sed 's/^/  /'
    failed=1
fi
# Resource-owner and SPI complaints are internal errors too, as warnings.
if grep -E 'WARNING' "$work/messages" >/dev/null 2>&1; then
    echo "warnings of the runs:"
    grep -E 'WARNING' "$work/messages" | sort | uniq -c | sed 's/^/  /'
    if grep -Ei 'WARNING: .*(leak|non-empty SPI stack|still referenced|not closed|snapshot)' \
            "$work/messages" >/dev/null; then
        echo "FAIL: resource leaks reported"
        failed=1
    fi
fi
[ "$failed" -eq 0 ] && echo "no internal error, no dead backend"
# One line for make test (scripts/test.sh shows "summary:" lines).
q -A -t -c "WITH c AS (SELECT CASE WHEN sqlstate ~ '^[0-9A-Z]{5}$' THEN left(sqlstate, 2)
                                   ELSE sqlstate END AS class FROM fuzz.call)
            SELECT 'summary: ' || (SELECT count(*) FROM c) || ' calls in ' || ($(date +%s) - $started_at)
                   || ' s; by SQLSTATE class: '
                   || (SELECT string_agg(class || ' ' || n, ', ' ORDER BY class)
                         FROM (SELECT class, count(*) AS n FROM c GROUP BY class) AS g)
                   || (SELECT CASE WHEN count(*) > 0 THEN ' (' || count(*) || ' known failures)' ELSE '' END
                         FROM fuzz.call WHERE $excused)"
exit "$failed"
