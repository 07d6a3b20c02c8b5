#!/usr/bin/env bash
# Customer data survives pg_dump / pg_restore exactly, by the plain commands a
# DBA uses (docs/operations.md, "Dump and restore"):
#   - pg_restore with no options, with --single-transaction, and in parallel
#     (-j 2, after cowork's own data);
#   - a plain-format dump piped into psql;
#   - a schema-only restore followed by pg_restore --data-only;
#   - the ways 0.1.0 documented (session_replication_role = replica, and
#     --data-only --disable-triggers with the log's and audit's guards set
#     back);
# each compared with the dumped database table by table, row for row: every
# table pg_dump keeps (read from pg_extension.extconfig, so a table added to
# the dump later is compared without a change here), every sequence, the
# tracked application table, and every trigger's enabled state
# (pg_trigger.tgenabled, as a fresh install has it).  Afterwards the
# sequences continue, the rules are in force, and the sweep finds the same
# work in both databases.
# Runs against the cluster in PGHOST/PGPORT (scripts/test.sh starts one).
set -euo pipefail
src=cowork_dump_src
dst=cowork_dump_dst
fresh=cowork_dump_fresh
tmp=$(mktemp -d /tmp/cowork-dump.XXXXXX)
chmod 755 "$tmp"
dbs=($src $dst $fresh)
drop_all() { for d in "${dbs[@]}"; do dropdb --if-exists "$d" 2>/dev/null || true; done; }
trap '[ -n "${COWORK_KEEP_DUMP:-}" ] && cp "$tmp/src" "$COWORK_KEEP_DUMP"; rm -rf "$tmp"; drop_all' EXIT
drop_all
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# The source: every status, every kind of event, audit rows (suspensions,
# admins, company managers, primary contacts), companies
# and their invitations, subscriptions running, ended and handled by the
# sweep, ended and still queued, starting later, credits granted, bought and
# used, actions started, completed and cancelled after completing, and an
# application table attached with track_actions.
createdb $src
q -d $src >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION cowork;
SELECT cowork.create_location('Downtown', 'north');
SELECT cowork.create_location('Harbour', 'north');
UPDATE cowork.location SET auto_remove_grace = '2 days' WHERE location_id = 2;
SELECT cowork.create_company(1, 'Acme');
SELECT cowork.invite_member(1, 'Ada Lovelace', 'ada@example.com', '+44 1', 1);  -- 1
SELECT cowork.set_primary_contact(1, 1, 1);
SELECT cowork.set_company_manager(1, 1);
SELECT cowork.add_nonmember(1, 'Grace Hopper', 'grace@example.com');           -- 2
SELECT cowork.add_nonmember(2, 'Ada Lovelace', 'ada@example.com');
SELECT cowork.delete_nonmember(2, 1);                       -- removed at 2
SELECT cowork.add_nonmember(2, 'Linus T', 'linus@example.com');                -- 3
SELECT cowork.delete_nonmember(2, 3);
SELECT cowork.add_nonmember(2, 'Linus T', 'linus@example.com');                -- removed, back
SELECT cowork.invite_member(1, 'Edsger D', 'edsger@example.com');             -- 4
SELECT cowork.remove_member(1, 4);
SELECT cowork.restore_member(1, 4);
SELECT cowork.set_admin(1, 4);
UPDATE cowork.customer SET status = 'member' WHERE location_id = 1 AND person_id = 2;
UPDATE cowork.customer SET status = 'nonmember' WHERE location_id = 1 AND person_id = 2;
INSERT INTO cowork.customer (location_id, person_id, status) VALUES (2, 4, 'nonmember');
SELECT cowork.invite_to_company(1, 1, 'Barbara L', 'barbara@example.com');
SELECT cowork.invite_to_company(1, 1, 'Ken T', 'ken@example.com');
SELECT cowork.invite_to_company(1, 1, 'Dennis R', 'dennis@example.com');
SELECT cowork.approve_invitation(1);
SELECT cowork.reject_invitation(2);
-- Plans and subscriptions.
SELECT cowork.create_plan(1, 'Hot desk');                                      -- 1
SELECT cowork.create_plan(1, 'Coffee club', grants_membership => false);       -- 2
SELECT cowork.create_plan(2, 'Harbour desk');                                  -- 3
SELECT cowork.subscribe(1, 2, 2);                                 -- no membership
SELECT cowork.subscribe(1, 4, 1, now() - interval '30 days');     -- open-ended
SELECT cowork.subscribe_company(1, 1, 1, now() - interval '10 days', now() + interval '20 days');
SELECT cowork.add_nonmember(2, 'Tony H', 'tony@example.com') AS tony \gset
SELECT cowork.subscribe(2, :tony, 3, now() - interval '40 days', now() - interval '10 days');
SELECT cowork.subscribe(2, 3, 3, now() - interval '5 days', now() + interval '1 day');
SELECT cowork.subscribe(2, 4, 3, now() + interval '3 days', now() + interval '30 days') AS later \gset
SELECT cowork.end_subscription(:later, now() + interval '10 days');
CALL cowork.run_maintenance();   -- Tony's end handled: nonmember, off the queue
-- Credits.
SELECT cowork.grant_credits(1, 4, 10);
SELECT cowork.grant_credits(1, 4, 2, 'day_passes');
SELECT cowork.use_credits(1, 4, 3);
SELECT cowork.grant_company_credits(1, 1, 50);
SELECT cowork.buy_credits(1, 1, 5);
-- Actions: completed (a new customer), started, cancelled after completing.
SELECT cowork.add_nonmember(2, 'Frances A', 'frances@example.com') AS frances \gset
SELECT cowork.record_action(1, :frances, 'room_booking', amount => 12.5);
SELECT cowork.record_action(1, :tony, 'desk_booking', 'started');
SELECT cowork.record_action(1, 3, 'payment', amount => 30) AS refunded \gset
UPDATE cowork.action SET state = 'cancelled' WHERE action_id = :refunded;
SELECT cowork.record_action(2, 2, 'event_ticket', 'cancelled');
SELECT cowork.suspend(1, 4);
SELECT cowork.unsuspend(1, 4);
SELECT cowork.suspend(1, 4);
-- An application's own table, tracked.
CREATE TABLE public.bookings (
    booking_id  serial PRIMARY KEY,
    location_id bigint NOT NULL,
    person_id   bigint NOT NULL,
    state       text NOT NULL
);
SELECT cowork.track_actions('public.bookings', 'room_booking',
                            'location_id', 'person_id', 'state', 'paid');
SELECT cowork.add_nonmember(2, 'John B', 'john@example.com') AS john \gset
INSERT INTO public.bookings (location_id, person_id, state)
VALUES (1, :john, 'paid'), (1, :tony, 'pending'), (2, 3, 'paid');
-- Who may see which location.
DO $$BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'regress_dump_reader') THEN
        CREATE ROLE regress_dump_reader;
    END IF;
END$$;
SELECT cowork.grant_access('regress_dump_reader', 1);
SELECT cowork.grant_access('regress_dump_reader', 2, 'admin');
SELECT cowork.grant_access('regress_dump_reader', NULL, 'reader');
SQL

# snapshot DB: every table pg_dump keeps (pg_extension.extconfig), row for
# row in a total order, every sequence's state, the tracked table, and every
# trigger's enabled state.
snapshot() {
    q -A -t -d "$1" <<'SQL'
SELECT format('SELECT %L, t::text FROM %s AS t ORDER BY t::text;', c.oid::regclass, c.oid::regclass)
  FROM pg_extension AS e CROSS JOIN LATERAL unnest(e.extconfig) AS x(relid)
  JOIN pg_class AS c ON c.oid = x.relid
 WHERE e.extname = 'cowork' AND c.relkind IN ('r', 'p')
 ORDER BY 1 \gexec
SELECT format('SELECT %L, last_value, is_called FROM %s;', c.oid::regclass, c.oid::regclass)
  FROM pg_extension AS e CROSS JOIN LATERAL unnest(e.extconfig) AS x(relid)
  JOIN pg_class AS c ON c.oid = x.relid
 WHERE e.extname = 'cowork' AND c.relkind = 'S'
 ORDER BY 1 \gexec
SELECT 'public.bookings', t::text FROM public.bookings AS t ORDER BY t::text;
SELECT 'public.bookings_booking_id_seq', last_value, is_called FROM public.bookings_booking_id_seq;
SELECT 'trigger', tgrelid::regclass, tgname, tgenabled
  FROM pg_trigger WHERE NOT tgisinternal ORDER BY 2::text, 3;
SQL
}

# Every table pg_dump keeps has rows in the source, or it is not tested.
empty=$(q -A -t -d $src <<'SQL'
SELECT format('SELECT %L WHERE NOT EXISTS (SELECT FROM %s);', c.oid::regclass, c.oid::regclass)
  FROM pg_extension AS e CROSS JOIN LATERAL unnest(e.extconfig) AS x(relid)
  JOIN pg_class AS c ON c.oid = x.relid
 WHERE e.extname = 'cowork' AND c.relkind IN ('r', 'p') \gexec
SQL
)
if [ -n "$empty" ]; then
    echo "FAIL: tables pg_dump keeps are empty in the source database (add rows above):"
    echo "$empty"
    exit 1
fi
snapshot $src >"$tmp/src"


# A fresh install's triggers, as the restored databases must have them.
createdb $fresh
q -d $fresh -c 'CREATE EXTENSION cowork'
q -A -t -d $fresh -c "SELECT 'trigger', tgrelid::regclass, tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal ORDER BY 2::text, 3" >"$tmp/fresh-triggers"
if ! diff <(grep '^trigger|cowork\.' "$tmp/src") "$tmp/fresh-triggers"; then
    echo "FAIL: the source's triggers differ from a fresh install's"
    exit 1
fi

pg_dump -Fc -d $src -f "$tmp/dump"

# compare HOW: the restored database equals the source, row for row.
compare() {
    snapshot $dst >"$tmp/dst"
    if ! diff "$tmp/src" "$tmp/dst" >"$tmp/diff"; then
        echo "FAIL: $1: the restored database differs from the dumped one:"
        cat "$tmp/diff"
        exit 1
    fi
    echo "$1: $(wc -l <"$tmp/dst") rows, sequences and triggers identical"
}

# restore HOW COMMAND...: a new database, restored by COMMAND; pg_restore's
# and psql's warnings count as failures (no "errors ignored on restore").
restore() {
    local how=$1
    shift
    dropdb --if-exists $dst 2>/dev/null
    createdb $dst
    if ! "$@" >"$tmp/out" 2>&1 || [ -s "$tmp/out" ]; then
        echo "FAIL: $how: the restore did not run cleanly:"
        cat "$tmp/out"
        exit 1
    fi
    compare "$how"
}

# The ways of 0.1.0 still give the same: triggers off for the whole restore
# (superuser), and a data-only restore with --disable-triggers, which
# re-enables every trigger as ENABLE and so needs the guards of the event
# log and the audit set back to ENABLE ALWAYS afterwards (docs/operations.md).
restore "session_replication_role = replica" \
    env PGOPTIONS='-c session_replication_role=replica' pg_restore -d $dst "$tmp/dump"
restore "--data-only --disable-triggers, guards set back" bash -c "
    pg_restore --schema-only -d $dst '$tmp/dump' &&
    pg_restore --data-only --disable-triggers -d $dst '$tmp/dump' &&
    psql -X -q -v ON_ERROR_STOP=1 -d $dst <<'SQL'
ALTER TABLE cowork.customer_event
    ENABLE ALWAYS TRIGGER customer_event_append_only,
    ENABLE ALWAYS TRIGGER customer_event_no_truncate;
ALTER TABLE cowork.customer_audit
    ENABLE ALWAYS TRIGGER customer_audit_append_only,
    ENABLE ALWAYS TRIGGER customer_audit_no_truncate;
SQL
"

# The plain ways.
restore "pg_restore" pg_restore -d $dst "$tmp/dump"
restore "pg_restore --single-transaction" \
    pg_restore --single-transaction --exit-on-error -d $dst "$tmp/dump"
# A parallel pg_restore loads the extension's tables in no foreign-key order
# (PostgreSQL's limitation): cowork's schema goes first, in one job.
restore "pg_restore -j 2, cowork's data first" bash -c "
    pg_restore --section=pre-data -d $dst '$tmp/dump' &&
    pg_restore --section=data --schema=cowork -d $dst '$tmp/dump' &&
    pg_restore --section=data --exclude-schema=cowork -j 2 -d $dst '$tmp/dump' &&
    pg_restore --section=post-data -j 2 -d $dst '$tmp/dump'"
restore "pg_dump | psql" \
    bash -c "pg_dump -d $src | psql -X -q -v ON_ERROR_STOP=1 -o /dev/null -d $dst"
restore "schema, then --data-only" \
    bash -c "pg_restore --schema-only -d $dst '$tmp/dump' &&
        pg_restore --data-only --single-transaction -d $dst '$tmp/dump'"

# After the restore (the data-only one is the last): the sequences continue,
# the rules are in force, the log and the audit are append-only even for a
# replica session.
src_max=$(q -A -t -d $src -c "SELECT max(person_id) + 1, (SELECT max(event_id) + 1 FROM cowork.customer_event) FROM cowork.person")
q -d $dst -c "SELECT cowork.add_nonmember(2, 'Niklaus W', 'niklaus@example.com')" >/dev/null
got=$(q -A -t -d $dst -c "SELECT person_id, event_id FROM cowork.customer_event WHERE reason = 'add_nonmember' ORDER BY event_id DESC LIMIT 1")
if [ "$got" != "$src_max" ]; then
    echo "FAIL: after restore the sequences do not continue: expected $src_max, got $got"
    exit 1
fi
if q -d $dst -c "UPDATE cowork.customer SET status = 'removed' WHERE location_id = 1 AND person_id = 1" 2>/dev/null; then
    echo "FAIL: the transition rules are not in force after the restore"
    exit 1
fi
for t in customer_event customer_audit; do
    if PGOPTIONS='-c session_replication_role=replica' q -d $dst \
            -c "DELETE FROM cowork.$t" 2>/dev/null; then
        echo "FAIL: a replica session could delete from the restored cowork.$t"
        exit 1
    fi
done
echo "after restore: sequences continue, rules in force, log and audit append-only"

# The sweep finds the same work in both: run it far ahead in each and
# compare the resulting statuses.
sweep() {
    q -A -t -d "$1" <<'SQL'
SET client_min_messages = warning;
CALL cowork.run_maintenance('2100-01-01');
SELECT location_id, person_id, status FROM cowork.customer
 WHERE person_id NOT IN (SELECT person_id FROM cowork.person WHERE email = 'niklaus@example.com')
 ORDER BY 1, 2;
SELECT count(*) FROM cowork.subscription_end_due;
SQL
}
if ! diff <(sweep $src) <(sweep $dst); then
    echo "FAIL: after restore, the sweep does not do what it does in the source"
    exit 1
fi
echo "after restore: the sweep does the same work"
