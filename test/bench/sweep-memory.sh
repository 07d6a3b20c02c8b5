#!/usr/bin/env bash
# Memory of a long sweep: the memory contexts of the backend running
#   1. CALL cowork.run_maintenance(now(), BATCH)   (a commit per batch)
#   2. SELECT cowork.run_auto_remove()             (one transaction)
# over ENDS due subscription ends, sampled while it runs: every INTERVAL
# seconds another session calls pg_log_backend_memory_contexts(pid), and
# the server log gives, per sample, the size of the SPI procedure context
# ("SPI Proc": what the procedure or function allocated) and the grand total
# of the backend.  A run that frees what each batch allocated stays flat.
# Not part of make test (test/shell/sweep-memory.sh is the quick check).
#
#   bash test/bench/sweep-memory.sh [ENDS BATCH INTERVAL]   (default 100000 10 1)
#
# With COWORK_BENCH_HERE=1 it uses the running cluster PGHOST names (its
# server log: $PGHOST/server.log) and the cowork installed there.
set -euo pipefail
cd "$(dirname "$0")/../.."

ENDS=${1:-100000}
BATCH=${2:-10}
INTERVAL=${3:-1}

if [ -z "${COWORK_BENCH_HERE:-}" ]; then
    . scripts/cluster.sh
    bash scripts/setup.sh
    cowork_build_install
    COWORK_PG_CONF=$'autovacuum = off\nwal_init_zero = off\nmax_wal_size = 4GB'
    export COWORK_PG_CONF
    cowork_cluster_start
else
    PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
    PGBIN=$("$PG_CONFIG" --bindir)
fi
LOG=$PGHOST/server.log

sql() { "$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }

# measure DB LABEL STATEMENT: sample the memory of the backend running it
# (LABEL atomic: it runs in one transaction)
measure() {
    local db=$1 label=$2 stmt=$3 pid="" runner start samples=() n=0 handled
    start=$(wc -l <"$LOG")
    sql -d "$db" -c "$stmt" >/dev/null &
    runner=$!
    for _ in $(seq 1 200); do
        pid=$(sql -d "$db" -c "SELECT pid FROM pg_stat_activity
                                WHERE query = \$q\$$stmt\$q\$ AND pid <> pg_backend_pid()")
        [ -n "$pid" ] && break
        sleep 0.05
    done
    [ -n "$pid" ] || { echo "$label: the run was not seen running"; exit 1; }
    while kill -0 "$runner" 2>/dev/null; do
        sleep "$INTERVAL"
        kill -0 "$runner" 2>/dev/null || break
        # Inside one transaction the other session sees none handled.
        if [ "$label" = atomic ]; then handled=-; else
            handled=$(sql -d "$db" -c "SELECT $ENDS - count(*) FROM cowork.subscription_end_due")
        fi
        sql -d "$db" -c "SELECT pg_log_backend_memory_contexts($pid)" >/dev/null || true
        samples+=("$handled")
        n=$((n + 1))
    done
    wait "$runner"
    sleep 0.5
    # One line per dump of this pid: SPI Proc total (summed), grand total.
    tail -n +"$((start + 1))" "$LOG" | grep -F "[$pid]" | awk '
        /logging memory contexts of PID/ { if (seen) print spi, grand; seen = 1; spi = 0; grand = 0; next }
        /; SPI Proc: / { sub(/.*; SPI Proc: /, ""); spi += $1 }
        /Grand total: / { sub(/.*Grand total: /, ""); grand = $1 }
        END { if (seen) print spi, grand }' >"/tmp/sweep-memory.$$"
    echo "$stmt ($n samples, every ${INTERVAL} s; ends handled as another session sees them)"
    printf '  %-8s %-16s %-18s %s\n' sample "ends handled" "SPI Proc bytes" "backend total bytes"
    local i=0
    while read -r spi grand; do
        printf '  %-8s %-16s %-18s %s\n' "$((i + 1))" "${samples[$i]:--}" "$spi" "$grand"
        i=$((i + 1))
    done <"/tmp/sweep-memory.$$"
    awk 'NR == 1 { f1 = $1; n1 = $1; x1 = $1; f2 = $2; n2 = $2; x2 = $2 }
        { if ($1 < n1) n1 = $1; if ($1 > x1) x1 = $1; l1 = $1
          if ($2 < n2) n2 = $2; if ($2 > x2) x2 = $2; l2 = $2 }
        END { printf "  SPI Proc: first %d, last %d, min %d, max %d bytes\n", f1, l1, n1, x1
              printf "  backend total: first %d, last %d, min %d, max %d bytes\n", f2, l2, n2, x2 }' \
        "/tmp/sweep-memory.$$"
    rm -f "/tmp/sweep-memory.$$"
}

sql -d postgres -c "DROP DATABASE IF EXISTS sweep_mem_base" -c "DROP DATABASE IF EXISTS sweep_mem"
"$PGBIN/createdb" sweep_mem_base
sql -d sweep_mem_base -v members="$ENDS" -v expired="$ENDS" -f test/bench/sweep-setup.sql >/dev/null

sql -d postgres -c "CREATE DATABASE sweep_mem TEMPLATE sweep_mem_base"
measure sweep_mem batches "CALL cowork.run_maintenance(now(), $BATCH)"
moved=$(sql -d sweep_mem -c "SELECT count(*) FROM cowork.customer WHERE status = 'nonmember'")
echo "  moved: $moved of $ENDS"
sql -d postgres -c "DROP DATABASE sweep_mem"

sql -d postgres -c "CREATE DATABASE sweep_mem TEMPLATE sweep_mem_base"
measure sweep_mem atomic "SELECT cowork.run_auto_remove()"
moved=$(sql -d sweep_mem -c "SELECT count(*) FROM cowork.customer WHERE status = 'nonmember'")
echo "  moved: $moved of $ENDS"
sql -d postgres -c "DROP DATABASE sweep_mem" -c "DROP DATABASE sweep_mem_base"
echo "command: bash test/bench/sweep-memory.sh $ENDS $BATCH $INTERVAL; PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }'), $(nproc) cores"
