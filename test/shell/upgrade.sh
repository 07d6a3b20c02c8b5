#!/usr/bin/env bash
# ALTER EXTENSION cowork UPDATE from the last release keeps every row and
# gives exactly the objects of a fresh install of the current version.
#
#  1. The last release (test/upgrade/releases) is built from its commit and
#     installed in a private directory, which Debian's extension_destdir
#     setting puts in front of the system's for one session: CREATE
#     EXTENSION cowork VERSION '0.1.0' and a year of customers
#     (test/upgrade/data-0.1.0.sql) run with that release's library and
#     scripts, as on an operator's server before the new package came.
#  2. A new session (the current library) runs ALTER EXTENSION cowork UPDATE.
#  3. Every table keeps its rows: count and checksum of each table of the
#     extension and of the operator's own tracked table, over the columns it
#     had before, and every sequence's value.
#  4. The upgraded catalog equals a fresh install's: a schema-only pg_dump of
#     the schema (with the extension membership lifted in a copy, since
#     pg_dump leaves extension members out), and test/upgrade/catalog.sql
#     (members, pg_dump's user-data tables, privileges as installed,
#     triggers with their enabled state, row-level security, policies).
#  5. The upgrade script runs a second time over the upgraded database (as
#     Citus runs it on each worker): catalog and every row unchanged.
#  6. The upgraded database works: the tracked table, the operator's view,
#     the sweep.
# Runs against the cluster in PGHOST/PGPORT (scripts/test.sh starts one).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
[ -x "$PG_CONFIG" ] || PG_CONFIG=pg_config
current=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$root/cowork.control")
read -r release commit < <(grep -v '^#' "$root/test/upgrade/releases" | tail -1)
up=cowork_upgraded
fresh=cowork_fresh
work=$(mktemp -d /tmp/cowork-upgrade.XXXXXX)
chmod 755 "$work"
cleanup() {
    for db in $up $fresh cowork_upgrade_copy; do dropdb --if-exists "$db" 2>/dev/null || true; done
    [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

[ "$release" != "$current" ] || fail "the control file's version $current is the last release"
echo "upgrade $release -> $current"

# 1. The release's library and scripts, from its commit.
git -C "$root" cat-file -e "$commit^{commit}" 2>/dev/null ||
    fail "commit $commit of release $release is not in this clone (a shallow clone?): clone with history"
mkdir "$work/src"
git -C "$root" archive "$commit" | tar -x -C "$work/src"
make -C "$work/src" -s PG_CONFIG="$PG_CONFIG" with_llvm=no >"$work/build.log" 2>&1 &&
make -C "$work/src" -s PG_CONFIG="$PG_CONFIG" with_llvm=no install DESTDIR="$work/old" \
    >>"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "release $release does not build"; }
old=(env PGOPTIONS="-c extension_destdir=$work/old")

for db in $up $fresh cowork_upgrade_copy; do dropdb --if-exists "$db" 2>/dev/null || true; done
createdb $up
"${old[@]}" psql -X -q -v ON_ERROR_STOP=1 -d $up -c "CREATE EXTENSION cowork VERSION '$release'" \
    -f "$root/test/upgrade/data-$release.sql" >"$work/load.log" 2>&1 ||
    { cat "$work/load.log"; fail "the $release data set did not load"; }
# The load ran the release's library, not the current one.
[ "$("${old[@]}" psql -X -At -d $up -c "SELECT cowork.normalize_email('a@b.example')" \
        -c "SELECT pg_catalog.pg_read_file('/proc/self/maps') LIKE '%$work/old/%/cowork.so%'" |
     tail -1)" = t ] || fail "the data set was not loaded with the $release library"
[ "$(q -At -d $up -c "SELECT extversion FROM pg_extension WHERE extname = 'cowork'")" = "$release" ] ||
    fail "version $release was not installed"

# Count and checksum of every table of the extension's schema and of the
# operator's own tables, over the columns they have now, and every
# sequence's value: the same query runs again after the upgrade.
checksum_query() {
    {
        if [ -f "$root/test/upgrade/kept-$release.sql" ]; then
            cat "$root/test/upgrade/kept-$release.sql"
        else
            echo 'CREATE TEMP TABLE kept (tbl text, filter text);'
        fi
        cat "$root/test/upgrade/checksums.sql"
    } | q -At -d "$1"
}
# The rows the upgrade documents as moved, fingerprinted where they are.
moved() {
    [ -f "$root/test/upgrade/moved-$release.sql" ] || return 0
    q -At -d $up -v side="$1" -f "$root/test/upgrade/moved-$release.sql"
}
checksum_query $up >"$work/sum-$release.sql"
q -At -d $up -f "$work/sum-$release.sql" >"$work/before.txt"
moved before >"$work/moved-before.txt"
[ "$(wc -l <"$work/before.txt")" -ge 20 ] || fail "checksums of too few tables: $(cat "$work/before.txt")"
awk -F'|' '$1 == "cowork.customer" && $2 < 500 { exit 1 }' "$work/before.txt" ||
    fail "the data set is too small: $(grep '^cowork.customer|' "$work/before.txt")"

# 2. The upgrade, in a session with the current library.
q -d $up -c 'ALTER EXTENSION cowork UPDATE'
[ "$(q -At -d $up -c "SELECT extversion FROM pg_extension WHERE extname = 'cowork'")" = "$current" ] ||
    fail "ALTER EXTENSION cowork UPDATE did not reach $current"

# 3. Every row kept.
q -At -d $up -f "$work/sum-$release.sql" >"$work/after.txt"
diff -u "$work/before.txt" "$work/after.txt" >"$work/rows.diff" ||
    { cat "$work/rows.diff"; fail "rows changed in the upgrade"; }
moved after >"$work/moved-after.txt"
diff -u "$work/moved-before.txt" "$work/moved-after.txt" >"$work/rows.diff" ||
    { cat "$work/rows.diff"; fail "rows the upgrade moves did not arrive as they were"; }
[ ! -s "$work/moved-before.txt" ] || echo "moved as documented: $(tr '\n' ' ' <"$work/moved-before.txt")"
echo "rows kept: $(grep -vc '_seq|' "$work/before.txt") tables," \
     "$(awk -F'|' '$1 !~ /_seq$/ { n += $2 } END { print n }' "$work/before.txt") rows," \
     "$(grep -c '_seq|' "$work/before.txt") sequences"

# 4. The catalog of the upgraded database equals a fresh install's.
createdb $fresh
q -d $fresh -c 'CREATE EXTENSION cowork'
catalog() {
    q -d "$1" -f "$root/test/upgrade/catalog.sql"
    # pg_dump leaves extension members out: lift the membership in a copy.
    dropdb --if-exists cowork_upgrade_copy 2>/dev/null
    createdb -T "$1" cowork_upgrade_copy
    q -d cowork_upgrade_copy -c "DELETE FROM pg_depend WHERE refclassid = 'pg_extension'::regclass
        AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'cowork') AND deptype = 'e'"
    pg_dump --schema-only --schema=cowork cowork_upgrade_copy | grep -Ev '^(-- Dumped |\\(un)?restrict )'
    dropdb cowork_upgrade_copy
}
compare_catalogs() {
    catalog $fresh >"$work/fresh.catalog"
    catalog $up >"$work/upgraded.catalog"
    grep -q 'CREATE TABLE cowork.customer ' "$work/fresh.catalog" || fail "the schema dump is empty"
    diff -u "$work/fresh.catalog" "$work/upgraded.catalog" >"$work/catalog.diff" ||
        { cat "$work/catalog.diff"; fail "$1: the upgraded catalog differs from a fresh install's"; }
    echo "$1: catalog equal to a fresh install's ($(wc -l <"$work/fresh.catalog") lines compared)"
}
compare_catalogs "after the upgrade"

# 5. The upgrade script again, over the upgraded database: what Citus does
# on its workers.  Every column of every table now, not only the old ones.
checksum_query $up >"$work/sum-$current.sql"
q -At -d $up -f "$work/sum-$current.sql" >"$work/upgraded.txt"
q -d $up -c "UPDATE pg_extension SET extversion = '$release' WHERE extname = 'cowork'" \
         -c 'ALTER EXTENSION cowork UPDATE'
q -At -d $up -f "$work/sum-$current.sql" >"$work/rerun.txt"
diff -u "$work/upgraded.txt" "$work/rerun.txt" >"$work/rows.diff" ||
    { cat "$work/rows.diff"; fail "running the upgrade script twice changed rows"; }
compare_catalogs "after running the upgrade script twice"

# 6. The upgraded database at work: the operator's tracked table makes a
# newcomer a nonmember, the operator's view reads, the sweep runs.
q -At -d $up >"$work/work.txt" <<'SQL'
INSERT INTO cowork.person (email, full_name) VALUES ('late@example.com', 'Late Comer');
INSERT INTO public.room_booking (location_id, person_id, status)
SELECT 3, person_id, 'paid' FROM cowork.person WHERE email = 'late@example.com';
SELECT 'tracked ' || cowork.status_of(3, person_id) FROM cowork.person WHERE email = 'late@example.com';
SELECT 'directory ' || (count(*) > 0) FROM public.member_directory;
SELECT 'sweep ' || (cowork.run_auto_remove() >= 0);
SQL
[ "$(cat "$work/work.txt")" = "$(printf 'tracked nonmember\ndirectory true\nsweep true')" ] ||
    fail "the upgraded database does not work: $(cat "$work/work.txt")"
echo "upgraded database at work: tracked table, operator's view, sweep"
