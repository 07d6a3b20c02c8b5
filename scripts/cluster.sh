# Sourced by the other scripts: build and install the extension, and run a
# throwaway PostgreSQL cluster that is always stopped on exit.
#
#   cowork_build_install	make (warnings are errors) and make install into
#				a private directory (COWORK_DESTDIR), not into
#				PostgreSQL's own: the cluster finds it there
#   cowork_cluster_start	initdb + start in a fresh temporary directory,
#				private port and socket, pg_cron preloaded (more
#				settings: COWORK_PG_CONF, lines of postgresql.conf); sets
#				PGHOST, PGPORT, PGUSER and COWORK_PGDIR and traps EXIT
#				to stop it (fast, then immediate) and remove it and
#				the private install
#
# As root (CI) the server runs as the "postgres" user through runuser, since
# PostgreSQL refuses to run as root; as anyone else it runs as that user.
#
# The private install: Debian's extension_destdir setting makes the server
# look for extension files (control, scripts, and the $libdir library)
# under that directory first, then in its own.  So a test run never
# replaces the cowork a DBA installed, needs no root for its install, and
# two runs (two clones) do not step on each other.

COWORK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
[ -x "$PG_CONFIG" ] || PG_CONFIG=pg_config
PGBIN=$("$PG_CONFIG" --bindir)

if [ "$(id -u)" -eq 0 ]; then
    COWORK_AS_SERVER=(runuser -u postgres --)
    COWORK_SUDO=()
else
    COWORK_AS_SERVER=()
    COWORK_SUDO=(sudo)
fi

cowork_build_install() {
    if [ -z "${COWORK_DESTDIR:-}" ]; then
        COWORK_DESTDIR=$(mktemp -d /tmp/cowork-install.XXXXXX)
        echo $$ >"$COWORK_DESTDIR/owner.pid"
        chmod 755 "$COWORK_DESTDIR"
        export COWORK_DESTDIR
    fi
    make -C "$COWORK_ROOT" -s PG_CONFIG="$PG_CONFIG" WERROR=1 &&
    make -C "$COWORK_ROOT" -s PG_CONFIG="$PG_CONFIG" install DESTDIR="$COWORK_DESTDIR"
}

# Stop and remove clusters left by runs that were killed: those whose owner
# process is gone.  Clusters of runs still going are left alone.
cowork_cluster_clean_stale() {
    local dir owner
    for dir in /tmp/cowork-install.*; do
        [ -d "$dir" ] || continue
        owner=$(cat "$dir/owner.pid" 2>/dev/null || echo)
        if [ -n "$owner" ] && kill -0 "$owner" 2>/dev/null; then
            continue
        fi
        rm -rf "$dir"
    done
    for dir in /tmp/cowork-pg.*; do
        [ -d "$dir" ] || continue
        owner=$(cat "$dir/owner.pid" 2>/dev/null || echo)
        if [ -n "$owner" ] && kill -0 "$owner" 2>/dev/null; then
            continue
        fi
        if [ -f "$dir/data/postmaster.pid" ]; then
            "${COWORK_AS_SERVER[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m immediate \
                stop >/dev/null 2>&1 || true
        fi
        rm -rf "$dir"
    done
}

cowork_cluster_stop() {
    [ -n "${COWORK_PGDIR:-}" ] && [ -d "$COWORK_PGDIR" ] || return 0
    if [ -f "$COWORK_PGDIR/data/postmaster.pid" ]; then
        "${COWORK_AS_SERVER[@]}" "$PGBIN/pg_ctl" -D "$COWORK_PGDIR/data" -m fast \
            -t 30 -w stop >/dev/null 2>&1 ||
        "${COWORK_AS_SERVER[@]}" "$PGBIN/pg_ctl" -D "$COWORK_PGDIR/data" -m immediate \
            -w stop >/dev/null 2>&1 || true
    fi
    if [ -n "${COWORK_KEEP_LOG:-}" ] && [ -f "$COWORK_PGDIR/server.log" ]; then
        cp "$COWORK_PGDIR/server.log" "$COWORK_KEEP_LOG" 2>/dev/null || true
    fi
    rm -rf "$COWORK_PGDIR"
    COWORK_PGDIR=
    if [ -n "${COWORK_DESTDIR:-}" ] && [ -f "$COWORK_DESTDIR/owner.pid" ] &&
       [ "$(cat "$COWORK_DESTDIR/owner.pid")" = $$ ]; then
        rm -rf "$COWORK_DESTDIR"
    fi
}

cowork_cluster_start() {
    cowork_cluster_clean_stale
    COWORK_PGDIR=$(mktemp -d /tmp/cowork-pg.XXXXXX)
    echo $$ >"$COWORK_PGDIR/owner.pid"
    trap cowork_cluster_stop EXIT
    trap 'exit 130' INT TERM
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$COWORK_PGDIR"
    fi
    chmod 700 "$COWORK_PGDIR"

    local port=$((54000 + RANDOM % 1000))
    if ! "${COWORK_AS_SERVER[@]}" "$PGBIN/initdb" -D "$COWORK_PGDIR/data" -U postgres \
            --auth=trust --encoding=UTF8 --locale=C --no-sync \
            >"$COWORK_PGDIR/initdb.log" 2>&1; then
        cat "$COWORK_PGDIR/initdb.log" >&2
        return 1
    fi
    cat >>"$COWORK_PGDIR/data/postgresql.conf" <<CONF
# cowork throwaway cluster
listen_addresses = ''
unix_socket_directories = '$COWORK_PGDIR'
port = $port
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 16
max_connections = 50
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
${COWORK_DESTDIR:+extension_destdir = '$COWORK_DESTDIR'}
${COWORK_PG_CONF:-}
CONF
    if ! "${COWORK_AS_SERVER[@]}" "$PGBIN/pg_ctl" -D "$COWORK_PGDIR/data" \
            -l "$COWORK_PGDIR/server.log" -w -t 60 start >/dev/null; then
        cat "$COWORK_PGDIR/server.log" >&2
        return 1
    fi
    export PGHOST=$COWORK_PGDIR PGPORT=$port PGUSER=postgres PGDATABASE=postgres
}
