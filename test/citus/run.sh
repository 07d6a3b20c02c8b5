#!/usr/bin/env bash
# The Citus test: cowork distributed by location on a 3-node loopback Citus
# cluster (a coordinator and two workers, each a throwaway cluster on its own
# socket directory, as scripts/cluster.sh starts one), then the regression
# scripts and the checks of test/citus/*.sql against the distributed model.
#
# Where Citus is not installed ($(pg_config --pkglibdir)/citus.so absent) it
# prints "citus: skipped (Citus is not installed)" and exits 0.  Otherwise
# it ends with the line
#   citus: N of M regression scripts pass distributed, C of D checks pass (informational)
# and exits 0 whatever those counts are: they are findings, not failures.
# It exits non-zero only when the harness itself could not run (build,
# cluster start, Citus setup, the cluster's nodes).  Everything it starts is
# stopped and removed on exit, failure included.
#
# Environment:
#   COWORK_CITUS_DISTRIBUTE  auto (default: cowork.distribute() when the
#                            extension has it, else by hand), function, manual
#   COWORK_CITUS_KEEP        a directory: the diffs and outputs are copied
#                            there (default: printed, then removed)
#   COWORK_CITUS_ONLY        space-separated regression scripts to run
#                            (default: every sql/*.sql)
#   COWORK_CITUS_VERBOSE     1: print each failing script's diff in full
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/cluster.sh

if [ ! -f "$("$PG_CONFIG" --pkglibdir)/citus.so" ]; then
    echo "citus: skipped (Citus is not installed)"
    exit 0
fi

CITUS_DB=cowork_citus
CITUS_DIRS=()
CITUS_WORK=
citus_stop_all() {
    local dir
    for dir in "${CITUS_DIRS[@]}"; do
        [ -d "$dir" ] || continue
        if [ -f "$dir/data/postmaster.pid" ]; then
            "${COWORK_AS_SERVER[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m fast \
                -t 30 -w stop >/dev/null 2>&1 ||
            "${COWORK_AS_SERVER[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m immediate \
                -w stop >/dev/null 2>&1 || true
        fi
        if [ -n "${COWORK_CITUS_KEEP:-}" ] && [ -f "$dir/server.log" ]; then
            mkdir -p "$COWORK_CITUS_KEEP"
            cp "$dir/server.log" "$COWORK_CITUS_KEEP/$(cat "$dir/citus-node").log" 2>/dev/null
        fi
        rm -rf "$dir"
    done
    CITUS_DIRS=()
    [ -n "$CITUS_WORK" ] && rm -rf "$CITUS_WORK"
    if [ -n "${COWORK_DESTDIR:-}" ] && [ -f "$COWORK_DESTDIR/owner.pid" ] &&
       [ "$(cat "$COWORK_DESTDIR/owner.pid")" = $$ ]; then
        rm -rf "$COWORK_DESTDIR"
    fi
}
trap citus_stop_all EXIT
trap 'exit 130' INT TERM

# harness_error MESSAGE [LOG]: the harness itself could not run
harness_error() {
    echo "citus: harness error: $1" >&2
    [ -n "${2:-}" ] && [ -f "$2" ] && sed 's/^/    /' "$2" >&2
    exit 1
}

# citus_node_start NAME: a throwaway cluster with Citus preloaded, in
# /tmp/cowork-pg.* (so cowork_cluster_clean_stale removes it when a run was
# killed); sets NODE_DIR and NODE_PORT
citus_node_start() {
    local name=$1
    NODE_DIR=$(mktemp -d /tmp/cowork-pg.XXXXXX)
    CITUS_DIRS+=("$NODE_DIR")
    echo $$ >"$NODE_DIR/owner.pid"
    echo "$name" >"$NODE_DIR/citus-node"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$NODE_DIR"
    chmod 700 "$NODE_DIR"
    NODE_PORT=$((55000 + RANDOM % 1000))
    "${COWORK_AS_SERVER[@]}" "$PGBIN/initdb" -D "$NODE_DIR/data" -U postgres \
        --auth=trust --encoding=UTF8 --locale=C --no-sync \
        >"$NODE_DIR/initdb.log" 2>&1 ||
        harness_error "initdb of the $name failed" "$NODE_DIR/initdb.log"
    cat >>"$NODE_DIR/data/postgresql.conf" <<CONF
# cowork Citus test: $name
listen_addresses = ''
unix_socket_directories = '$NODE_DIR'
port = $NODE_PORT
shared_preload_libraries = 'citus'
max_worker_processes = 32
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
citus.node_conninfo = 'sslmode=disable'
citus.enable_statistics_collection = off
extension_destdir = '$COWORK_DESTDIR'
CONF
    "${COWORK_AS_SERVER[@]}" "$PGBIN/pg_ctl" -D "$NODE_DIR/data" \
        -l "$NODE_DIR/server.log" -w -t 60 start >/dev/null ||
        harness_error "the $name did not start" "$NODE_DIR/server.log"
}

# on_node DIR PORT psql-arguments...: psql as postgres on one node
on_node() {
    local dir=$1 port=$2
    shift 2
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres "$@"
}

cowork_cluster_clean_stale
cowork_build_install >/tmp/cowork-citus-build.$$.log 2>&1 ||
    harness_error "build failed" /tmp/cowork-citus-build.$$.log
rm -f /tmp/cowork-citus-build.$$.log

CITUS_WORK=$(mktemp -d /tmp/cowork-citus.XXXXXX)
chmod 755 "$CITUS_WORK"
citus_node_start coordinator; C_DIR=$NODE_DIR; C_PORT=$NODE_PORT
citus_node_start worker1; W1_DIR=$NODE_DIR; W1_PORT=$NODE_PORT
citus_node_start worker2; W2_DIR=$NODE_DIR; W2_PORT=$NODE_PORT

# The database, with Citus, on every node; the workers added from the
# coordinator by their socket directory (libpq takes a directory as host).
for node in "$C_DIR $C_PORT" "$W1_DIR $W1_PORT" "$W2_DIR $W2_PORT"; do
    set -- $node
    on_node "$1" "$2" -d postgres -c "CREATE DATABASE $CITUS_DB" \
        >"$CITUS_WORK/setup.log" 2>&1 &&
    on_node "$1" "$2" -d "$CITUS_DB" -c 'CREATE EXTENSION citus' \
        >>"$CITUS_WORK/setup.log" 2>&1 ||
        harness_error "CREATE EXTENSION citus failed on $1" "$CITUS_WORK/setup.log"
done
on_node "$C_DIR" "$C_PORT" -d "$CITUS_DB" \
    -c "SELECT pg_catalog.citus_set_coordinator_host('$C_DIR', $C_PORT)" \
    -c "SELECT pg_catalog.citus_add_node('$W1_DIR', $W1_PORT)" \
    -c "SELECT pg_catalog.citus_add_node('$W2_DIR', $W2_PORT)" \
    >"$CITUS_WORK/setup.log" 2>&1 ||
    harness_error "adding the workers failed" "$CITUS_WORK/setup.log"
workers=$(on_node "$C_DIR" "$C_PORT" -d "$CITUS_DB" -At \
    -c "SELECT count(*) FROM pg_catalog.citus_get_active_worker_nodes()")
[ "$workers" = 2 ] || harness_error "the coordinator sees $workers workers, not 2"
citus_version=$(on_node "$C_DIR" "$C_PORT" -d "$CITUS_DB" -At \
    -c "SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'citus'")
echo "citus: Citus $citus_version, coordinator $C_DIR:$C_PORT, workers $W1_DIR:$W1_PORT, $W2_DIR:$W2_PORT"

export PGHOST=$C_DIR PGPORT=$C_PORT PGUSER=postgres PGDATABASE=$CITUS_DB
export COWORK_CITUS_W1="host=$W1_DIR port=$W1_PORT dbname=$CITUS_DB user=postgres"
export COWORK_CITUS_W2="host=$W2_DIR port=$W2_PORT dbname=$CITUS_DB user=postgres"


on_node "$C_DIR" "$C_PORT" -d "$CITUS_DB" -f test/citus/distribute.sql \
    >"$CITUS_WORK/setup.log" 2>&1 ||
    harness_error "test/citus/distribute.sql failed" "$CITUS_WORK/setup.log"

# COWORK_CITUS_SHELL=1: an interactive shell on the cluster (public.cowork_citus_distribute() is there; test/citus/create-extension.sql
# makes a fresh distributed cowork), for working on the distributed case by hand.
if [ -n "${COWORK_CITUS_SHELL:-}" ]; then
    echo "citus: cluster up (PGHOST=$PGHOST PGPORT=$PGPORT, workers in \$COWORK_CITUS_W1, \$COWORK_CITUS_W2); exit the shell to stop it"
    if [ -t 0 ]; then bash -i; else bash; fi
    exit 0
fi

# The regression scripts, each with test/citus/create-extension.sql instead
# of test/sql/create-extension.sql (a fresh cowork, then distributed), and
# their expected output with the lines of the one it replaces swapped for
# the lines of the other: so the rest of every script is compared as it is.
tests=${COWORK_CITUS_ONLY:-$(make -s --no-print-directory print-REGRESS 2>/dev/null)}
mkdir -p "$CITUS_WORK/regress/sql" "$CITUS_WORK/regress/expected"
for t in $tests; do
    sed 's#^\\i test/sql/create-extension\.sql$#\\i test/citus/create-extension.sql#' \
        "sql/$t.sql" >"$CITUS_WORK/regress/sql/$t.sql"
    perl -0pe 'BEGIN { local $/; open my $f, "<", "test/sql/create-extension.sql" or die;
                       $from = "\\i test/sql/create-extension.sql\n" . <$f>;
                       $to = "\\i test/citus/create-extension.sql\n\\set ECHO none\n"; }
               s/\Q$from\E/$to/g' "expected/$t.out" >"$CITUS_WORK/regress/expected/$t.out" ||
        harness_error "could not rewrite expected/$t.out"
done
PGXS_DIR=$("$PG_CONFIG" --pkglibdir)/pgxs

# wait_coordinator: after a crash, wait until the coordinator (and the
# workers) accept connections again
wait_nodes() {
    local i node
    for node in "$C_DIR $C_PORT" "$W1_DIR $W1_PORT" "$W2_DIR $W2_PORT"; do
        set -- $node
        for i in $(seq 60); do
            "$PGBIN/pg_isready" -q -h "$1" -p "$2" && break
            sleep 1
        done
    done
}

# run_citus_regress PASS MODE: pg_regress over the variants on the
# coordinator, one script a run (so that a crash costs one script only), the
# model distributed as MODE says (none: left local); sets PASS_OK, PASS_ALL
# and PASS_FAILED (the failing scripts)
run_citus_regress() {
    local pass=$1 mode=$2 out=$CITUS_WORK/out-$1 t
    mkdir -p "$out"
    : >"$out/pg_regress.log"
    for t in $tests; do
        wait_nodes
        PGOPTIONS="-c cowork_test.citus_distribute=$mode" \
            "$PGXS_DIR/src/test/regress/pg_regress" --inputdir="$CITUS_WORK/regress" \
            --outputdir="$out" --bindir="$PGBIN" --use-existing --dbname="$CITUS_DB" \
            "$t" >"$out/pg_regress.$t.log" 2>&1
        grep -E '^(test | ) *[^ ]+ +\.\.\. ' "$out/pg_regress.$t.log" >>"$out/pg_regress.log" ||
            echo "test $t ... FAILED (no result from pg_regress)" >>"$out/pg_regress.log"
        [ -f "$out/regression.diffs" ] && cat "$out/regression.diffs" >>"$out/all.diffs"
    done
    wait_nodes
    PASS_OK=$(grep -Ec '^(test | ) *[^ ]+ +\.\.\. ok' "$out/pg_regress.log")
    PASS_ALL=$(echo $tests | wc -w)
    PASS_FAILED=$(sed -nE 's/^(test | ) *([^ ]+) +\.\.\. (FAILED|failed).*/\2/p' "$out/pg_regress.log" | tr '\n' ' ')
    PASS_FAILED=${PASS_FAILED% }
    if [ -n "${COWORK_CITUS_KEEP:-}" ]; then
        mkdir -p "$COWORK_CITUS_KEEP/$pass"
        cp -r "$out/." "$COWORK_CITUS_KEEP/$pass/"
    fi
}

# failure_summary PASS: per failing script, the distinct errors its output
# gained (shard numbers folded), for the report
failure_summary() {
    local out=$CITUS_WORK/out-$1 t
    for t in $PASS_FAILED; do
        echo "    $t:"
        if [ -f "$out/results/$t.out" ]; then
            diff "$CITUS_WORK/regress/expected/$t.out" "$out/results/$t.out" |
                sed -nE 's/^> (ERROR|WARNING|FATAL|server closed|connection to server was lost)/\1/p' |
                sed -E 's/^ERROR:  syntax error at or near ":"$/ERROR:  syntax error at or near ":" (a variable an earlier failure left unset)/' |
                sed -E 's/_1[0-9]{5}\b/_<shard>/g' | sort | uniq -c | sort -rn | head -8 |
                sed 's/^/      /'
        fi
        if [ -n "${COWORK_CITUS_VERBOSE:-}" ] && [ -f "$out/results/$t.out" ]; then
            diff -u "$CITUS_WORK/regress/expected/$t.out" "$out/results/$t.out" | sed 's/^/      /'
        fi
    done
}

started=$(date +%s)
run_citus_regress local none
local_ok=$PASS_OK local_all=$PASS_ALL local_failed=$PASS_FAILED
echo "citus: tables local (Citus loaded): $local_ok of $local_all regression scripts pass${local_failed:+; failing: $local_failed} ($(($(date +%s) - started)) s)"
[ -n "$local_failed" ] && failure_summary local

started=$(date +%s)
run_citus_regress distributed "${COWORK_CITUS_DISTRIBUTE:-auto}"
dist_ok=$PASS_OK dist_all=$PASS_ALL dist_failed=$PASS_FAILED
how=$(on_node "$C_DIR" "$C_PORT" -d "$CITUS_DB" -At -c "SELECT CASE WHEN pg_catalog.to_regprocedure('cowork.distribute()') IS NULL OR '${COWORK_CITUS_DISTRIBUTE:-auto}' = 'manual' THEN 'by hand' ELSE 'by cowork.distribute()' END" 2>/dev/null)
echo "citus: distributed ($how): $dist_ok of $dist_all regression scripts pass${dist_failed:+; failing: $dist_failed} ($(($(date +%s) - started)) s)"
[ -n "$dist_failed" ] && failure_summary distributed

# The checks: each prints "check NAME ... ok" or "... FAILED" with why.
checks_ok=0 checks_all=0
check() { # check NAME ok|failed [DETAIL-FILE]
    checks_all=$((checks_all + 1))
    if [ "$2" = ok ]; then
        checks_ok=$((checks_ok + 1)); echo "citus: check $1 ... ok"
    else
        echo "citus: check $1 ... FAILED"
        [ -n "${3:-}" ] && [ -f "$3" ] && head -40 "$3" | sed 's/^/      /'
    fi
}
wait_nodes

# 1. Events keep their reasons, actors and since: one scenario, on a
# distributed cowork and on a single server (a database of the coordinator
# without Citus), same output.
fresh_distributed() {
    PGOPTIONS="-c cowork_test.citus_distribute=${COWORK_CITUS_DISTRIBUTE:-auto}" \
        "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$CITUS_DB" -f test/citus/create-extension.sql
}
if fresh_distributed >"$CITUS_WORK/events.setup" 2>&1; then
    "$PGBIN/psql" -X -q -a -d "$CITUS_DB" -f test/citus/events.sql >"$CITUS_WORK/events.distributed" 2>&1
    on_node "$C_DIR" "$C_PORT" -d postgres -c 'CREATE DATABASE cowork_single' >/dev/null 2>&1
    on_node "$C_DIR" "$C_PORT" -d cowork_single -c 'CREATE EXTENSION cowork' >/dev/null 2>&1
    "$PGBIN/psql" -X -q -a -d cowork_single -f test/citus/events.sql >"$CITUS_WORK/events.single" 2>&1
    if diff -u "$CITUS_WORK/events.single" "$CITUS_WORK/events.distributed" >"$CITUS_WORK/events.diff"; then
        check events-as-on-one-server ok
    else
        sed -i 's/_1[0-9]\{5\}\b/_<shard>/g' "$CITUS_WORK/events.diff"
        check events-as-on-one-server failed "$CITUS_WORK/events.diff"
    fi
else
    check events-as-on-one-server failed "$CITUS_WORK/events.setup"
fi
wait_nodes

# 2. Concurrent inserts on both workers (Citus syncs the metadata to them, so
# they take queries): each worker adds people and records actions at the
# same two locations, at once; no statement may fail, and every id of every
# table must be unique across the cluster.
if fresh_distributed >"$CITUS_WORK/concurrent.setup" 2>&1 &&
   "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$CITUS_DB" \
       -c "SELECT cowork.create_location('East'), cowork.create_location('West')" \
       >>"$CITUS_WORK/concurrent.setup" 2>&1; then
    for w in 1 2; do
        for i in $(seq 40); do
            loc=$((i % 2 + 1))
            echo "SELECT cowork.add_nonmember($loc, 'W$w P$i', 'w$w-p$i@example.com') AS p \\gset"
            echo "SELECT cowork.record_action($loc, :p, 'payment');"
            echo "SELECT cowork.record_action($loc, :p, 'room_booking', 'started');"
        done >"$CITUS_WORK/concurrent.$w.sql"
    done
    "$PGBIN/psql" -X -q -d "$COWORK_CITUS_W1" -f "$CITUS_WORK/concurrent.1.sql" >"$CITUS_WORK/concurrent.1.out" 2>&1 &
    pid1=$!
    "$PGBIN/psql" -X -q -d "$COWORK_CITUS_W2" -f "$CITUS_WORK/concurrent.2.sql" >"$CITUS_WORK/concurrent.2.out" 2>&1 &
    pid2=$!
    wait $pid1 $pid2
    cat "$CITUS_WORK/concurrent.1.out" "$CITUS_WORK/concurrent.2.out" | grep -E '^(psql:[^ ]* )?(ERROR|FATAL)' |
        sed -E 's/^psql:[^ ]* //; s/_1[0-9]{5}\b/_<shard>/g; s/\([0-9, ]+\)=\([0-9, ]+\)/(...)=(...)/' |
        sort | uniq -c | sort -rn >"$CITUS_WORK/concurrent.errors"
    if [ -s "$CITUS_WORK/concurrent.errors" ]; then
        sed -i '1i statements that failed (of 240, 120 a worker):' "$CITUS_WORK/concurrent.errors"
        check concurrent-inserts-on-both-workers failed "$CITUS_WORK/concurrent.errors"
    else
        check concurrent-inserts-on-both-workers ok
    fi
    # every bigserial column of the model, unique across the cluster
    "$PGBIN/psql" -X -q -At -d "$CITUS_DB" >"$CITUS_WORK/ids.out" 2>&1 <<'SQL'
SELECT pg_catalog.format('SELECT %L || '' '' || count(*) || '' rows, '' || (count(*) - count(DISTINCT %I)) || '' repeated ids'' FROM %s',
                         c.oid::regclass::text || '.' || a.attname, a.attname, c.oid::regclass)
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE c.relnamespace = 'cowork'::regnamespace AND c.relkind IN ('r', 'p')
   AND pg_catalog.pg_get_serial_sequence(c.oid::regclass::text, a.attname) IS NOT NULL
   AND a.attname <> 'location_id'
 ORDER BY 1 \gexec
SQL
    if grep -q 'ERROR' "$CITUS_WORK/ids.out" || grep -Ev ' 0 repeated ids$' "$CITUS_WORK/ids.out" | grep -q .; then
        check ids-unique-across-workers failed "$CITUS_WORK/ids.out"
    else
        check ids-unique-across-workers ok
    fi
else
    check concurrent-inserts-on-both-workers failed "$CITUS_WORK/concurrent.setup"
    check ids-unique-across-workers failed "$CITUS_WORK/concurrent.setup"
fi
if [ -n "${COWORK_CITUS_KEEP:-}" ]; then
    cp "$CITUS_WORK"/events.* "$CITUS_WORK"/concurrent.* "$CITUS_WORK"/ids.out "$COWORK_CITUS_KEEP/" 2>/dev/null
fi

echo "citus: $dist_ok of $dist_all regression scripts pass distributed ($local_ok of $local_all with the tables local), $checks_ok of $checks_all checks pass (informational)"
exit 0
