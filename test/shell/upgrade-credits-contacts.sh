#!/usr/bin/env bash
# The 0.2.0 upgrade on data that 0.1.0 let through and 0.2.0 refuses:
#  - a company with two primary contacts (concurrent set_primary_contact):
#    the upgrade keeps the one cowork.company.primary_contact_id names and
#    makes the other an individual again, then adds the unique index;
#  - a NaN balance, an infinite ledger amount, an amount in thousandths:
#    the upgrade stops (55000) naming how many rows, changes nothing, and
#    goes through once the rows are corrected.
# Runs against the cluster in PGHOST/PGPORT (scripts/test.sh starts one).
set -euo pipefail
db=cowork_upgrade_bad
trap 'dropdb --if-exists $db 2>/dev/null' EXIT
dropdb --if-exists $db 2>/dev/null
createdb $db
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d $db "$@"; }

# What 0.1.0 let through, written as rows (replica: the 0.1.0 schema's
# triggers would need the 0.1.0 library).
q >/dev/null <<'SQL'
CREATE EXTENSION cowork VERSION '0.1.0';
SET session_replication_role = replica;
INSERT INTO cowork.location (name) VALUES ('Downtown');
INSERT INTO cowork.person (email, full_name)
VALUES ('ada@example.com', 'Ada Lovelace'), ('bob@example.com', 'Bob Byte');
-- Two concurrent set_primary_contact calls: Bob named, both contacts.
INSERT INTO cowork.company (location_id, name, primary_contact_id) VALUES (1, 'Acme', 2);
INSERT INTO cowork.customer (location_id, person_id, status, company_id, customer_type)
VALUES (1, 1, 'member', 1, 'company'), (1, 2, 'member', 1, 'company');
-- buy_credits(..., 'NaN'), 'Infinity', 0.125.
INSERT INTO cowork.credit_balance (location_id, owner_kind, owner_id, kind, balance)
VALUES (1, 'person', 1, 'credits', 'NaN');
INSERT INTO cowork.credit_entry (location_id, owner_kind, owner_id, kind, amount, reason)
VALUES (1, 'person', 1, 'credits', 5, 'grant'),
       (1, 'person', 1, 'credits', 'NaN', 'buy'),
       (1, 'person', 2, 'credits', 'Infinity', 'buy'),
       (1, 'person', 2, 'credits', 0.125, 'buy');
RESET session_replication_role;
SQL

# The upgrade stops, names the rows, and leaves 0.1.0 in place.
if out=$(q -c 'ALTER EXTENSION cowork UPDATE' 2>&1); then
    fail "the upgrade went through over NaN and infinite amounts"
fi
echo "$out" | grep -q '1 rows of cowork.credit_balance and 3 rows of cowork.credit_entry' ||
    fail "the refusal does not count the rows: $out"
[ "$(q -c "SELECT extversion FROM pg_extension WHERE extname = 'cowork'")" = 0.1.0 ] ||
    fail "a refused upgrade changed the version"
[ "$(q -c "SELECT count(*) FROM cowork.customer WHERE customer_type = 'company'")" = 2 ] ||
    fail "a refused upgrade changed customers"
verbose=$(q -v VERBOSITY=verbose -c 'ALTER EXTENSION cowork UPDATE' 2>&1 || true)
echo "$verbose" | grep -q 'ERROR:  55000' || fail "the refusal is not SQLSTATE 55000: $verbose"
echo "refused: $(echo "$out" | grep '^ERROR' | head -1)"

# Corrected as docs/operations.md says: the ledger is the truth.
q >/dev/null <<'SQL'
DELETE FROM cowork.credit_entry WHERE amount = 'NaN' OR abs(amount) = 'Infinity';
UPDATE cowork.credit_entry SET amount = round(amount, 2) WHERE amount <> round(amount, 2);
UPDATE cowork.credit_balance b
   SET balance = (SELECT sum(e.amount) FROM cowork.credit_entry e
                   WHERE e.location_id = b.location_id AND e.owner_kind = b.owner_kind
                     AND e.owner_id = b.owner_id AND e.kind = b.kind)
 WHERE balance = 'NaN' OR abs(balance) = 'Infinity' OR balance <> round(balance, 2);
ALTER EXTENSION cowork UPDATE;
SQL
[ "$(q -c "SELECT extversion FROM pg_extension WHERE extname = 'cowork'")" != 0.1.0 ] ||
    fail "the upgrade did not go through after the correction"
contacts=$(q -c "SELECT string_agg(person_id::text, ',') FROM cowork.customer WHERE customer_type = 'company'")
[ "$contacts" = 2 ] || fail "the company has contacts $contacts, not the one it names (2)"
[ "$(q -c "SELECT field || ' ' || old_value || ' ' || new_value FROM cowork.customer_audit WHERE person_id = 1")" = \
  "customer_type company individual" ] || fail "the audit does not record the contact made an individual again"
[ "$(q -c "SELECT count(*) FROM cowork.customer_event")" = 0 ] ||
    fail "making a second contact an individual again logged a status change"
[ "$(q -c "SELECT balance FROM cowork.credit_balance WHERE owner_id = 1")" = 5 ] ||
    fail "the corrected balance is not the ledger's sum"
q -c "SELECT cowork.set_primary_contact(1, 1, 1)" >/dev/null
[ "$(q -c "SELECT string_agg(person_id::text, ',') FROM cowork.customer WHERE customer_type = 'company'")" = 1 ] ||
    fail "set_primary_contact does not work after the upgrade"
echo "upgraded: one contact per company, amounts finite and in hundredths"
