#!/usr/bin/env bash
# Customer data survives pg_dump / pg_restore (SPEC section 7): every table
# and sequence of user data is dumped, and a restore with
# session_replication_role = replica (docs/operations.md) gives back the same
# customers, people and log, with the rules in force afterwards.
# Runs against the cluster in PGHOST/PGPORT (scripts/test.sh starts one).
set -euo pipefail
src=cowork_dump_src
dst=cowork_dump_dst
dump=$(mktemp /tmp/cowork-dump.XXXXXX)
trap 'rm -f "$dump"; dropdb --if-exists $src 2>/dev/null; dropdb --if-exists $dst 2>/dev/null' EXIT
dropdb --if-exists $src 2>/dev/null; dropdb --if-exists $dst 2>/dev/null
createdb $src
psql -X -q -v ON_ERROR_STOP=1 -d $src <<'SQL'
CREATE EXTENSION cowork;
SELECT cowork.create_location('Downtown', 'north');
SELECT cowork.create_location('Harbour', 'north');
SELECT cowork.invite_member(1, 'Ada Lovelace', 'ada@example.com', '+44 1');
SELECT cowork.add_nonmember(1, 'Grace Hopper', 'grace@example.com');
SELECT cowork.add_nonmember(2, 'Ada Lovelace', 'ada@example.com');
SELECT cowork.delete_nonmember(1, 2);
SELECT cowork.remove_member(1, 1);
SELECT cowork.restore_member(1, 1);
UPDATE cowork.customer SET is_admin = true WHERE person_id = 1 AND location_id = 1;
SQL

snapshot() {
    psql -X -A -t -v ON_ERROR_STOP=1 -d "$1" <<'SQL'
SELECT 'location', location_id, name, network, auto_remove_members, auto_remove_grace FROM cowork.location ORDER BY 2;
SELECT 'person', person_id, email, full_name, phone FROM cowork.person ORDER BY 2;
SELECT 'customer', location_id, person_id, status, is_admin, since FROM cowork.customer ORDER BY 2, 3;
SELECT 'event', event_id, location_id, person_id, from_status, to_status, reason, at, actor FROM cowork.customer_event ORDER BY 2;
SQL
}

pg_dump -Fc -d $src -f "$dump"
createdb $dst
PGOPTIONS='-c session_replication_role=replica' pg_restore --exit-on-error -d $dst "$dump"

if ! diff <(snapshot $src) <(snapshot $dst); then
    echo "FAIL: the restored database differs from the dumped one"
    exit 1
fi
echo "restored: $(snapshot $dst | wc -l) rows identical"

# After the restore the sequences continue and the rules hold.
psql -X -A -t -v ON_ERROR_STOP=1 -d $dst <<'SQL' >"$dump.out"
SELECT cowork.add_nonmember(2, 'Linus T', 'linus@example.com');
SELECT max(event_id) FROM cowork.customer_event;
SELECT reason FROM cowork.customer_event ORDER BY event_id DESC LIMIT 1;
SQL
expected=$'3\n7\nadd_nonmember'
if [ "$(cat "$dump.out")" != "$expected" ]; then
    echo "FAIL: after restore, expected:"; echo "$expected"; echo "got:"; cat "$dump.out"
    rm -f "$dump.out"
    exit 1
fi
rm -f "$dump.out"
if psql -X -q -d $dst -c "UPDATE cowork.customer SET status = 'removed' WHERE person_id = 1 AND location_id = 1" 2>/dev/null; then
    echo "FAIL: the transition rules are not in force after the restore"
    exit 1
fi
echo "after restore: sequences continue, rules in force"
