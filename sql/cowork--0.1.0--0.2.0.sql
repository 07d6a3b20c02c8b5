\echo Use "ALTER EXTENSION cowork UPDATE TO '0.2.0'" to load this file. \quit

-- cowork 0.1.0 -> 0.2.0.
--
-- Everything this release changes in the schema, for databases made with
-- 0.1.0; sql/src/ holds the same changes for a fresh install, and
-- test/shell/upgrade.sh checks that both give the same catalog.
--
-- Re-runnable: Citus runs an upgrade script on the coordinator and again on
-- every worker, so each statement must be harmless when its object is
-- already there (CREATE ... IF NOT EXISTS, CREATE OR REPLACE, ADD COLUMN IF
-- NOT EXISTS, DO blocks that look before they change; data migrations that
-- find nothing left to move).  test/shell/upgrade.sh runs it twice.

--------------------------------------------------------------------------
-- Events name their source; the audit of the other customer fields; the
-- registry of tracked tables.
--------------------------------------------------------------------------

-- since is the rules' own: no default (the trigger sets it), no value from
-- a statement.
ALTER TABLE @extschema@.customer ALTER COLUMN since DROP DEFAULT;
COMMENT ON COLUMN @extschema@.customer.since IS 'When the current status began; set by the status rules (an INSERT or UPDATE cannot set it)';

-- The table and key of the action that made a change, in their own columns.
ALTER TABLE @extschema@.customer_event ADD COLUMN IF NOT EXISTS source text;
ALTER TABLE @extschema@.customer_event ADD COLUMN IF NOT EXISTS source_key text;
COMMENT ON COLUMN @extschema@.customer_event.source IS 'For a change made by a completed action: the table the action is a row of (cowork.action or a table attached by track_actions)';
COMMENT ON COLUMN @extschema@.customer_event.source_key IS 'For a change made by a completed action: the key of its row in source, when the table has a one-column primary key';

CREATE TABLE IF NOT EXISTS @extschema@.customer_audit (
    location_id bigint NOT NULL,
    audit_id    bigserial,
    person_id   bigint NOT NULL,
    field       text NOT NULL,
    old_value   text,
    new_value   text,
    reason      text NOT NULL,
    at          timestamptz NOT NULL DEFAULT pg_catalog.now(),
    actor       text NOT NULL DEFAULT CURRENT_USER,
    CONSTRAINT customer_audit_pkey PRIMARY KEY (location_id, person_id, audit_id),
    CONSTRAINT customer_audit_field CHECK (field IN ('suspended', 'is_admin',
        'is_company_manager', 'company_id', 'customer_type'))
);
COMMENT ON TABLE @extschema@.customer_audit IS
'Append-only audit of the changes of a customer''s fields other than the status (suspension, administrator, company manager, company, customer type), however made';
COMMENT ON COLUMN @extschema@.customer_audit.location_id IS 'The location';
COMMENT ON COLUMN @extschema@.customer_audit.audit_id IS 'Order of the audit rows';
COMMENT ON COLUMN @extschema@.customer_audit.person_id IS 'The person';
COMMENT ON COLUMN @extschema@.customer_audit.field IS 'The column of cowork.customer that changed';
COMMENT ON COLUMN @extschema@.customer_audit.old_value IS 'Its value before, as text; NULL when the customer row was created or the value was NULL';
COMMENT ON COLUMN @extschema@.customer_audit.new_value IS 'Its value after, as text';
COMMENT ON COLUMN @extschema@.customer_audit.reason IS 'The function or the kind of statement that made the change (see docs/model.md)';
COMMENT ON COLUMN @extschema@.customer_audit.at IS 'When the change happened (transaction time)';
COMMENT ON COLUMN @extschema@.customer_audit.actor IS 'The role that made the change';
COMMENT ON CONSTRAINT customer_audit_pkey ON @extschema@.customer_audit IS 'Audit rows are keyed by location and person, in the order of audit_id';
COMMENT ON CONSTRAINT customer_audit_field ON @extschema@.customer_audit IS 'Only the audited fields';
CREATE OR REPLACE TRIGGER customer_audit_append_only
    BEFORE UPDATE OR DELETE ON @extschema@.customer_audit
    FOR EACH ROW EXECUTE FUNCTION @extschema@.append_only_trigger(
        'cowork.customer_audit is append-only: the audit keeps every change.');
COMMENT ON TRIGGER customer_audit_append_only ON @extschema@.customer_audit IS
'The audit refuses UPDATE and DELETE';
CREATE OR REPLACE TRIGGER customer_audit_no_truncate
    BEFORE TRUNCATE ON @extschema@.customer_audit
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.append_only_trigger(
        'cowork.customer_audit is append-only: the audit keeps every change.');
COMMENT ON TRIGGER customer_audit_no_truncate ON @extschema@.customer_audit IS
'The audit refuses TRUNCATE';
ALTER TABLE @extschema@.customer_audit ENABLE ALWAYS TRIGGER customer_audit_append_only;
ALTER TABLE @extschema@.customer_audit ENABLE ALWAYS TRIGGER customer_audit_no_truncate;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.customer_audit', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.customer_audit_audit_id_seq', '');
COMMENT ON SEQUENCE @extschema@.customer_audit_audit_id_seq IS 'Identifiers of cowork.customer_audit';
REVOKE ALL ON TABLE @extschema@.customer_audit FROM PUBLIC;
REVOKE ALL ON SEQUENCE @extschema@.customer_audit_audit_id_seq FROM PUBLIC;

-- 0.1.0 logged suspensions as member -> member events: they move to the
-- audit (with their time and actor), and the event log keeps status
-- changes only.  A second run finds none left to move.
INSERT INTO @extschema@.customer_audit
       (location_id, person_id, field, old_value, new_value, reason, at, actor)
SELECT e.location_id, e.person_id, 'suspended',
       CASE e.reason WHEN 'suspend' THEN 'false' ELSE 'true' END,
       CASE e.reason WHEN 'suspend' THEN 'true' ELSE 'false' END,
       e.reason, e.at, e.actor
  FROM @extschema@.customer_event AS e
 WHERE e.from_status OPERATOR(pg_catalog.=) e.to_status
   AND e.reason OPERATOR(pg_catalog.=) ANY (ARRAY['suspend', 'unsuspend'])
 ORDER BY e.event_id;
ALTER TABLE @extschema@.customer_event DISABLE TRIGGER customer_event_append_only;
DELETE FROM @extschema@.customer_event AS e
 WHERE e.from_status OPERATOR(pg_catalog.=) e.to_status
   AND e.reason OPERATOR(pg_catalog.=) ANY (ARRAY['suspend', 'unsuspend']);
ALTER TABLE @extschema@.customer_event ENABLE ALWAYS TRIGGER customer_event_append_only;

CREATE TABLE IF NOT EXISTS @extschema@.tracked_source (
    source_schema   name NOT NULL,
    source_table    name NOT NULL,
    kind            @extschema@.action_kind NOT NULL,
    location_column name NOT NULL,
    person_column   name NOT NULL,
    state_column    name NOT NULL,
    completed_value text NOT NULL,
    id_column       name,
    tracked_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    tracked_by      name NOT NULL DEFAULT CURRENT_USER,
    CONSTRAINT tracked_source_pkey PRIMARY KEY (source_schema, source_table)
);
COMMENT ON TABLE @extschema@.tracked_source IS
'The application tables attached by track_actions(), with their columns: the action trigger acts only for a table and arguments found here.  Written only by track_actions() and untrack_actions()';
COMMENT ON COLUMN @extschema@.tracked_source.source_schema IS 'Schema of the tracked table';
COMMENT ON COLUMN @extschema@.tracked_source.source_table IS 'Name of the tracked table';
COMMENT ON COLUMN @extschema@.tracked_source.kind IS 'The kind of action its rows are';
COMMENT ON COLUMN @extschema@.tracked_source.location_column IS 'Its integer column holding the location id';
COMMENT ON COLUMN @extschema@.tracked_source.person_column IS 'Its integer column holding the person id';
COMMENT ON COLUMN @extschema@.tracked_source.state_column IS 'Its column holding the state';
COMMENT ON COLUMN @extschema@.tracked_source.completed_value IS 'The state value that means completed, as text (read with the state column''s type)';
COMMENT ON COLUMN @extschema@.tracked_source.id_column IS 'Its one-column primary key, whose value the events name as source_key; NULL when it has none';
COMMENT ON COLUMN @extschema@.tracked_source.tracked_at IS 'When track_actions() attached it';
COMMENT ON COLUMN @extschema@.tracked_source.tracked_by IS 'The role that called track_actions()';
COMMENT ON CONSTRAINT tracked_source_pkey ON @extschema@.tracked_source IS 'A table is tracked once';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tracked_source', '');
REVOKE ALL ON TABLE @extschema@.tracked_source FROM PUBLIC;

-- The tables 0.1.0 attached: into the registry, their triggers attached
-- again by the same track_actions() call (the arguments decoded from
-- pg_trigger.tgargs byte by byte: names may hold any character).
DO $$
DECLARE
    t    record;
    args text[];
    cur  bytea;
    b    integer;
BEGIN
    FOR t IN
        SELECT tg.tgrelid, tg.tgargs, n.nspname, c.relname
          FROM pg_catalog.pg_trigger AS tg
          JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) tg.tgrelid
          JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
         WHERE tg.tgname OPERATOR(pg_catalog.=) 'cowork_track_actions'
           AND tg.tgfoid OPERATOR(pg_catalog.=) '@extschema@.action_trigger()'::pg_catalog.regprocedure
           AND NOT EXISTS (SELECT FROM @extschema@.tracked_source AS s
                            WHERE s.source_schema OPERATOR(pg_catalog.=) n.nspname
                              AND s.source_table OPERATOR(pg_catalog.=) c.relname)
    LOOP
        args := '{}';
        cur := ''::bytea;
        FOR i IN 0 .. pg_catalog.length(t.tgargs) OPERATOR(pg_catalog.-) 1 LOOP
            b := pg_catalog.get_byte(t.tgargs, i);
            IF b OPERATOR(pg_catalog.=) 0 THEN
                args := args OPERATOR(pg_catalog.||)
                        pg_catalog.convert_from(cur, pg_catalog.getdatabaseencoding());
                cur := ''::bytea;
            ELSE
                cur := cur OPERATOR(pg_catalog.||) pg_catalog.set_byte('\x00'::bytea, 0, b);
            END IF;
        END LOOP;
        PERFORM @extschema@.track_actions(t.tgrelid::pg_catalog.regclass,
                                          args[1]::@extschema@.action_kind,
                                          args[2]::pg_catalog.name, args[3]::pg_catalog.name,
                                          args[4]::pg_catalog.name, args[5]);
    END LOOP;
END
$$;

-- Its columns were names decoded from pg_trigger.tgargs; now the registry's,
-- as text: a view of a user's own over it must be dropped first (the
-- upgrade says so if there is one).
DROP VIEW IF EXISTS @extschema@.tracked_actions;
CREATE VIEW @extschema@.tracked_actions AS
SELECT pg_catalog.to_regclass(pg_catalog.quote_ident(t.source_schema) OPERATOR(pg_catalog.||) '.'
           OPERATOR(pg_catalog.||) pg_catalog.quote_ident(t.source_table)) AS source,
       t.kind,
       t.location_column::pg_catalog.text AS location_column,
       t.person_column::pg_catalog.text AS person_column,
       t.state_column::pg_catalog.text AS state_column,
       t.completed_value,
       t.id_column::pg_catalog.text AS id_column,
       t.source_schema::pg_catalog.text AS source_schema,
       t.source_table::pg_catalog.text AS source_table,
       t.tracked_at,
       t.tracked_by::pg_catalog.text AS tracked_by
  FROM @extschema@.tracked_source AS t
 WHERE EXISTS (SELECT FROM pg_catalog.pg_trigger AS tg
                WHERE tg.tgrelid OPERATOR(pg_catalog.=) pg_catalog.to_regclass(
                          pg_catalog.quote_ident(t.source_schema) OPERATOR(pg_catalog.||) '.'
                          OPERATOR(pg_catalog.||) pg_catalog.quote_ident(t.source_table))
                  AND tg.tgname OPERATOR(pg_catalog.=) 'cowork_track_actions');
COMMENT ON VIEW @extschema@.tracked_actions IS
'The application tables attached by track_actions() (and still there), with their columns and completed value, names as text';
REVOKE ALL ON TABLE @extschema@.tracked_actions FROM PUBLIC;
CREATE OR REPLACE VIEW @extschema@.customer_events AS
SELECT e.location_id, e.person_id, e.from_status, e.to_status, e.reason,
       e.at, e.actor, e.event_id, e.source, e.source_key
  FROM @extschema@.customer_event AS e;

COMMENT ON FUNCTION @extschema@.track_actions(regclass, @extschema@.action_kind, name, name, name, text) IS
'Attaches cowork.action_trigger() to an application table and records it in cowork.tracked_source, so that its rows drive statuses as cowork.action does; checks the columns (the state column may be of any type with equality, completed_value is read with its type); calling it again replaces the attachment';
COMMENT ON FUNCTION @extschema@.untrack_actions(regclass) IS
'Detaches what track_actions() attached and removes it from cowork.tracked_source; false when the table was not tracked';

--------------------------------------------------------------------------
-- Companies and credits: one primary contact per company; credit amounts
-- finite and in hundredths; the ledger names the caller.
--------------------------------------------------------------------------

-- A company has one primary contact.  0.1.0 could leave two (concurrent
-- set_primary_contact calls, or a contact moved to another company by
-- invite_member): keep the one cowork.company.primary_contact_id names (else
-- the lowest person_id) and make the others individuals again.  The second
-- run finds nothing to change.
UPDATE @extschema@.customer AS c
   SET customer_type = 'individual'
  FROM (SELECT x.location_id, x.person_id,
               pg_catalog.row_number() OVER (
                   PARTITION BY x.location_id, x.company_id
                   ORDER BY (x.person_id OPERATOR(pg_catalog.=) co.primary_contact_id) IS TRUE DESC,
                            x.person_id) AS rank
          FROM @extschema@.customer AS x
          LEFT JOIN @extschema@.company AS co
            ON co.location_id OPERATOR(pg_catalog.=) x.location_id
           AND co.company_id OPERATOR(pg_catalog.=) x.company_id
         WHERE x.customer_type OPERATOR(pg_catalog.=) 'company'
           AND x.company_id IS NOT NULL) AS extra
 WHERE extra.rank OPERATOR(pg_catalog.>) 1
   AND c.location_id OPERATOR(pg_catalog.=) extra.location_id
   AND c.person_id OPERATOR(pg_catalog.=) extra.person_id;
CREATE UNIQUE INDEX IF NOT EXISTS customer_company_contact_key
    ON @extschema@.customer (location_id, company_id)
    WHERE customer_type = 'company';
COMMENT ON INDEX @extschema@.customer_company_contact_key IS
'A company has one primary contact: one customer of customer_type company per company';

-- Credit amounts are finite and in hundredths.  0.1.0 accepted NaN, the
-- infinities and any number of decimals; such rows cannot be corrected
-- automatically (a NaN balance let every use succeed), so the upgrade stops
-- and names them: docs/operations.md, "Upgrading to 0.2.0", says how to
-- correct them before running ALTER EXTENSION cowork UPDATE again.
DO $$
DECLARE
    bad_balances bigint;
    bad_entries  bigint;
BEGIN
    SELECT pg_catalog.count(*) INTO bad_balances FROM @extschema@.credit_balance
     WHERE NOT (balance OPERATOR(pg_catalog.<) 'Infinity'::pg_catalog.numeric
                AND balance OPERATOR(pg_catalog.=) pg_catalog.round(balance, 2));
    SELECT pg_catalog.count(*) INTO bad_entries FROM @extschema@.credit_entry
     WHERE NOT (amount OPERATOR(pg_catalog.>) '-Infinity'::pg_catalog.numeric
                AND amount OPERATOR(pg_catalog.<) 'Infinity'::pg_catalog.numeric
                AND amount OPERATOR(pg_catalog.=) pg_catalog.round(amount, 2));
    IF bad_balances OPERATOR(pg_catalog.>) 0 OR bad_entries OPERATOR(pg_catalog.>) 0 THEN
        RAISE EXCEPTION 'cowork 0.2.0 needs credit amounts that are finite numbers with at most 2 decimal places'
            USING ERRCODE = '55000',
                  DETAIL = pg_catalog.format('%s rows of cowork.credit_balance and %s rows of cowork.credit_entry are NaN, infinite or finer than hundredths.',
                                             bad_balances, bad_entries),
                  HINT = 'Correct those rows (docs/operations.md, "Upgrading to 0.2.0"), then run ALTER EXTENSION cowork UPDATE again.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
                    WHERE conrelid OPERATOR(pg_catalog.=) '@extschema@.credit_balance'::pg_catalog.regclass
                      AND conname OPERATOR(pg_catalog.=) 'credit_balance_finite') THEN
        ALTER TABLE @extschema@.credit_balance
            ADD CONSTRAINT credit_balance_finite CHECK (balance < 'Infinity'::numeric);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
                    WHERE conrelid OPERATOR(pg_catalog.=) '@extschema@.credit_balance'::pg_catalog.regclass
                      AND conname OPERATOR(pg_catalog.=) 'credit_balance_hundredths') THEN
        ALTER TABLE @extschema@.credit_balance
            ADD CONSTRAINT credit_balance_hundredths CHECK (balance = pg_catalog.round(balance, 2));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
                    WHERE conrelid OPERATOR(pg_catalog.=) '@extschema@.credit_entry'::pg_catalog.regclass
                      AND conname OPERATOR(pg_catalog.=) 'credit_entry_amount_finite') THEN
        ALTER TABLE @extschema@.credit_entry
            ADD CONSTRAINT credit_entry_amount_finite
            CHECK (amount > '-Infinity'::numeric AND amount < 'Infinity'::numeric);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
                    WHERE conrelid OPERATOR(pg_catalog.=) '@extschema@.credit_entry'::pg_catalog.regclass
                      AND conname OPERATOR(pg_catalog.=) 'credit_entry_amount_hundredths') THEN
        ALTER TABLE @extschema@.credit_entry
            ADD CONSTRAINT credit_entry_amount_hundredths CHECK (amount = pg_catalog.round(amount, 2));
    END IF;
END $$;
COMMENT ON CONSTRAINT credit_balance_finite ON @extschema@.credit_balance IS 'A balance is a number: neither NaN (which sorts above every number, so balance >= 0 lets it through) nor infinite';
COMMENT ON CONSTRAINT credit_balance_hundredths ON @extschema@.credit_balance IS 'A balance has at most two decimal places';
COMMENT ON CONSTRAINT credit_entry_amount_finite ON @extschema@.credit_entry IS 'An amount is a number: neither NaN (which sorts above every number) nor infinite';
COMMENT ON CONSTRAINT credit_entry_amount_hundredths ON @extschema@.credit_entry IS 'An amount has at most two decimal places';
COMMENT ON COLUMN @extschema@.credit_balance.balance IS 'What is left, zero or more, in hundredths';
COMMENT ON COLUMN @extschema@.credit_entry.amount IS 'Positive for a grant or a purchase, negative for a use; in hundredths';
COMMENT ON COLUMN @extschema@.credit_entry.actor IS 'The role that called the function that made the entry';

-- A balance nobody has is 0.00, like every other balance.
CREATE OR REPLACE FUNCTION @extschema@.credit_balance(location_id bigint, person_id bigint,
                                          kind @extschema@.credit_kind DEFAULT 'credits')
RETURNS numeric
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT COALESCE((SELECT b.balance FROM @extschema@.credit_balance AS b
                      WHERE b.location_id OPERATOR(pg_catalog.=) credit_balance.location_id
                        AND b.owner_kind OPERATOR(pg_catalog.=) 'person'
                        AND b.owner_id OPERATOR(pg_catalog.=) credit_balance.person_id
                        AND b.kind OPERATOR(pg_catalog.=) credit_balance.kind), 0.00);
END;
COMMENT ON FUNCTION @extschema@.credit_balance(bigint, bigint, @extschema@.credit_kind) IS
'A person''s own balance of credits or day passes at the location, 0.00 when they have none';

CREATE OR REPLACE FUNCTION @extschema@.company_credit_balance(location_id bigint, company_id bigint,
                                                  kind @extschema@.credit_kind DEFAULT 'credits')
RETURNS numeric
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT COALESCE((SELECT b.balance FROM @extschema@.credit_balance AS b
                      WHERE b.location_id OPERATOR(pg_catalog.=) company_credit_balance.location_id
                        AND b.owner_kind OPERATOR(pg_catalog.=) 'company'
                        AND b.owner_id OPERATOR(pg_catalog.=) company_credit_balance.company_id
                        AND b.kind OPERATOR(pg_catalog.=) company_credit_balance.kind), 0.00);
END;
COMMENT ON FUNCTION @extschema@.company_credit_balance(bigint, bigint, @extschema@.credit_kind) IS
'A company''s balance of credits or day passes at the location, 0.00 when it has none';

-- ---------------------------------------------------------------------------
-- Sweep hardening: one lock order, fixed subscriber and plan, per-batch memory
-- ---------------------------------------------------------------------------
-- The lock order and the memory are C code only.  A subscription keeps its
-- location, subscriber and plan now (the queue of pending ends copies the
-- subscriber, and a changed one left the sweep judging the old): the
-- trigger refuses such an UPDATE (C code), and its comments say so.  Queue
-- rows that such an UPDATE left stale under 0.1.0 are brought back in step
-- with their subscription (a second run finds nothing to change).
COMMENT ON FUNCTION @extschema@.subscription_check_trigger() IS
'BEFORE INSERT OR UPDATE on cowork.subscription: a subscription keeps its location, subscriber and plan (55000); one ended before its start never starts';
COMMENT ON TRIGGER subscription_rules ON @extschema@.subscription IS
'A subscription''s location, subscriber and plan are fixed (end it and subscribe again); a subscription ended before its start never starts';
UPDATE @extschema@.subscription_end_due q
   SET person_id = s.person_id, company_id = s.company_id
  FROM @extschema@.subscription s
 WHERE s.location_id = q.location_id AND s.subscription_id = q.subscription_id
   AND (q.person_id IS DISTINCT FROM s.person_id OR q.company_id IS DISTINCT FROM s.company_id);

-- ---------------------------------------------------------------------------
-- The switch does not forget: ends reached while auto_remove_members is off
-- are held, and released when it is switched on again
-- ---------------------------------------------------------------------------
-- A sweep that reaches an end at a location whose switch is off puts it on
-- hold (on_hold) instead of dropping it; the location trigger releases the
-- location's held ends when the switch goes on, and the next sweep judges
-- them by the rule.  The queue's index by date leaves held ends out, so they
-- cost nothing while they wait.
ALTER TABLE @extschema@.subscription_end_due
    ADD COLUMN IF NOT EXISTS on_hold boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN @extschema@.subscription_end_due.on_hold IS 'Reached by a sweep while the location''s auto_remove_members was off: kept, not due, until the switch is on again';
COMMENT ON TABLE @extschema@.subscription_end_due IS
'The subscription ends that auto-removal has still to handle: a row per subscription with an end date, kept by the subscription trigger, deleted by the sweep that handles it (put on hold instead while the location''s auto_remove_members is off)';
DO $$
BEGIN
    -- The index by date, rebuilt as a partial index without the held ends.
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                WHERE i.indexrelid OPERATOR(pg_catalog.=) '@extschema@.subscription_end_due_ends_idx'::pg_catalog.regclass
                  AND i.indpred IS NULL) THEN
        DROP INDEX @extschema@.subscription_end_due_ends_idx;
        CREATE INDEX subscription_end_due_ends_idx ON @extschema@.subscription_end_due (ends_at)
            WHERE NOT on_hold;
    END IF;
END;
$$;
COMMENT ON INDEX @extschema@.subscription_end_due_ends_idx IS
'The pending ends by date, those on hold left out: a run with nothing due reads one index page';
CREATE INDEX IF NOT EXISTS subscription_end_due_on_hold_idx ON @extschema@.subscription_end_due (location_id)
    WHERE on_hold;
COMMENT ON INDEX @extschema@.subscription_end_due_on_hold_idx IS
'The ends on hold at a location, released when its auto_remove_members is switched on again';
CREATE OR REPLACE FUNCTION @extschema@.location_switch_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'cowork_location_switch_trigger'
LANGUAGE C;
COMMENT ON FUNCTION @extschema@.location_switch_trigger() IS
'AFTER UPDATE OF auto_remove_members on cowork.location: takes the location''s subscription lock; switched on, releases the ends held while it was off';
REVOKE ALL ON FUNCTION @extschema@.location_switch_trigger() FROM PUBLIC;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger
                    WHERE tgrelid OPERATOR(pg_catalog.=) '@extschema@.location'::pg_catalog.regclass
                      AND tgname OPERATOR(pg_catalog.=) 'location_auto_remove_switch') THEN
        CREATE TRIGGER location_auto_remove_switch
            AFTER UPDATE OF auto_remove_members ON @extschema@.location
            FOR EACH ROW EXECUTE FUNCTION @extschema@.location_switch_trigger();
    END IF;
END;
$$;
COMMENT ON TRIGGER location_auto_remove_switch ON @extschema@.location IS
'Switching auto_remove_members waits for a sweep judging the location; switching it on releases the ends held while it was off, for the next sweep';
-- 0.1.0 dropped the ends a sweep reached while a location's switch was off.
-- At the locations whose switch is off now, every end date that has passed
-- and is no longer queued is queued again, on hold: when the switch goes on,
-- the next sweep judges them by the rule (an end that was handled while the
-- switch was on is judged again by the same rule).
-- A second run finds them queued.
INSERT INTO @extschema@.subscription_end_due
       (location_id, subscription_id, person_id, company_id, ends_at, on_hold)
SELECT s.location_id, s.subscription_id, s.person_id, s.company_id, s.ends_at, true
  FROM @extschema@.subscription s
  JOIN @extschema@.location l ON l.location_id OPERATOR(pg_catalog.=) s.location_id
 WHERE NOT l.auto_remove_members AND s.ends_at IS NOT NULL
   AND s.ends_at OPERATOR(pg_catalog.<=) pg_catalog.now()
ON CONFLICT (location_id, subscription_id) DO NOTHING;

--------------------------------------------------------------------------
-- Tenancy: which role may see and change which location.  The access
-- rows (cowork.location_access) and the functions that keep and check
-- them; row-level security on every table with location_id and on
-- cowork.person; the views run with the caller's rights; the SQL functions
-- check access first (the C functions do so in the library).
--------------------------------------------------------------------------

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_type
                    WHERE typname OPERATOR(pg_catalog.=) 'staff_access'
                      AND typnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace) THEN
        CREATE TYPE @extschema@.staff_access AS ENUM ('reader', 'admin');
    END IF;
END
$$;
COMMENT ON TYPE @extschema@.staff_access IS
'Access of a role to a location: reader (reads it), admin (reads it and changes its customers, plans, subscriptions, companies, credits: everything the functions do there)';

CREATE TABLE IF NOT EXISTS @extschema@.location_access (
    role        name NOT NULL,
    location_id bigint,
    access      @extschema@.staff_access NOT NULL,
    granted_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    granted_by  name NOT NULL DEFAULT CURRENT_USER,
    CONSTRAINT location_access_key UNIQUE NULLS NOT DISTINCT (role, location_id)
);
COMMENT ON TABLE @extschema@.location_access IS
'Which role has which access to which location (NULL: every location); a role also has the access of the roles it inherits from.  Written only by grant_access() and revoke_access()';
COMMENT ON COLUMN @extschema@.location_access.role IS 'The role (by name) the access is granted to';
COMMENT ON COLUMN @extschema@.location_access.location_id IS 'The location; NULL means every location, those created later included';
COMMENT ON COLUMN @extschema@.location_access.access IS 'reader or admin';
COMMENT ON COLUMN @extschema@.location_access.granted_at IS 'When the access was granted (or last changed)';
COMMENT ON COLUMN @extschema@.location_access.granted_by IS 'The role that called grant_access()';
COMMENT ON CONSTRAINT location_access_key ON @extschema@.location_access IS
'One access row per role and location, and one per role for every location (NULLs not distinct)';

CREATE OR REPLACE FUNCTION @extschema@.accessible_locations(access @extschema@.staff_access DEFAULT 'reader')
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'cowork_accessible_locations'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.accessible_locations(@extschema@.staff_access) IS
'The locations where the current role has at least this access (every location for superusers, the extension''s owner and roles with access to every location); what the row-level security policies compare location_id with, once per statement';

CREATE OR REPLACE FUNCTION @extschema@.has_access(location_id bigint,
                                      access @extschema@.staff_access DEFAULT 'reader')
RETURNS boolean
AS 'MODULE_PATHNAME', 'cowork_has_access'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.has_access(bigint, @extschema@.staff_access) IS
'Whether the current role has at least this access at the location; a NULL location asks about every location';

CREATE OR REPLACE FUNCTION @extschema@.require_access(location_id bigint,
                                          access @extschema@.staff_access DEFAULT 'reader')
RETURNS boolean
AS 'MODULE_PATHNAME', 'cowork_require_access'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.require_access(bigint, @extschema@.staff_access) IS
'true when the current role has at least this access at the location, else 42501 "permission denied for location N (name)" (P0002 for an unknown location, 22004 for NULL): the check every function of the extension makes first';

CREATE OR REPLACE FUNCTION @extschema@.grant_access(role name, location_id bigint DEFAULT NULL,
                                        access @extschema@.staff_access DEFAULT 'reader')
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_grant_access'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.grant_access(name, bigint, @extschema@.staff_access) IS
'Gives an existing role reader or admin access to a location (NULL: every location), replacing the access it had there; for the extension''s owner, superusers and roles with admin access to every location';

CREATE OR REPLACE FUNCTION @extschema@.revoke_access(role name, location_id bigint DEFAULT NULL)
RETURNS boolean
AS 'MODULE_PATHNAME', 'cowork_revoke_access'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.revoke_access(name, bigint) IS
'Removes the role''s access row of the location (NULL: its row for every location, not those of single locations); false when there was none; for the same roles as grant_access';

CREATE OR REPLACE FUNCTION @extschema@.access_changed_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'cowork_access_changed_trigger'
LANGUAGE C;
COMMENT ON FUNCTION @extschema@.access_changed_trigger() IS
'AFTER ... FOR EACH STATEMENT on cowork.location_access and cowork.location: tells every session to work out the roles'' access again';
REVOKE ALL ON FUNCTION @extschema@.access_changed_trigger() FROM PUBLIC;
REVOKE ALL ON TABLE @extschema@.location_access FROM PUBLIC;

-- The SQL functions check access before they read or write.
CREATE OR REPLACE FUNCTION @extschema@.status_of(location_id bigint, person_id bigint)
RETURNS @extschema@.customer_status
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT @extschema@.require_access(status_of.location_id, 'reader');
    SELECT c.status
      FROM @extschema@.customer AS c
     WHERE c.location_id OPERATOR(pg_catalog.=) status_of.location_id
       AND c.person_id OPERATOR(pg_catalog.=) status_of.person_id;
END;

CREATE OR REPLACE FUNCTION @extschema@.record_action(location_id bigint, person_id bigint,
                                         kind @extschema@.action_kind,
                                         state @extschema@.action_state DEFAULT 'completed',
                                         amount numeric DEFAULT 0)
RETURNS bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
    SELECT @extschema@.require_access(record_action.location_id, 'admin');
    INSERT INTO @extschema@.action (location_id, person_id, kind, state, amount)
    VALUES (record_action.location_id, record_action.person_id, record_action.kind,
            record_action.state, record_action.amount)
    RETURNING action_id;
END;

CREATE OR REPLACE FUNCTION @extschema@.create_company(location_id bigint, name text)
RETURNS bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
    SELECT @extschema@.require_access(create_company.location_id, 'admin');
    INSERT INTO @extschema@.company (location_id, name)
    VALUES (create_company.location_id, pg_catalog.btrim(create_company.name))
    RETURNING company_id;
END;

CREATE OR REPLACE FUNCTION @extschema@.create_plan(location_id bigint, name text,
                                       grants_membership boolean DEFAULT true)
RETURNS bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
    SELECT @extschema@.require_access(create_plan.location_id, 'admin');
    INSERT INTO @extschema@.plan (location_id, name, grants_membership)
    VALUES (create_plan.location_id, pg_catalog.btrim(create_plan.name),
            create_plan.grants_membership)
    RETURNING plan_id;
END;

CREATE OR REPLACE FUNCTION @extschema@.subscribe(location_id bigint, person_id bigint, plan_id bigint,
                                     starts_at timestamptz DEFAULT pg_catalog.now(),
                                     ends_at timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
    SELECT @extschema@.require_access(subscribe.location_id, 'admin');
    INSERT INTO @extschema@.subscription (location_id, person_id, plan_id, starts_at, ends_at)
    VALUES (subscribe.location_id, subscribe.person_id, subscribe.plan_id,
            subscribe.starts_at, subscribe.ends_at)
    RETURNING subscription_id;
END;

CREATE OR REPLACE FUNCTION @extschema@.subscribe_company(location_id bigint, company_id bigint, plan_id bigint,
                                             starts_at timestamptz DEFAULT pg_catalog.now(),
                                             ends_at timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
    SELECT @extschema@.require_access(subscribe_company.location_id, 'admin');
    INSERT INTO @extschema@.subscription (location_id, company_id, plan_id, starts_at, ends_at)
    VALUES (subscribe_company.location_id, subscribe_company.company_id, subscribe_company.plan_id,
            subscribe_company.starts_at, subscribe_company.ends_at)
    RETURNING subscription_id;
END;

CREATE OR REPLACE FUNCTION @extschema@.credit_balance(location_id bigint, person_id bigint,
                                          kind @extschema@.credit_kind DEFAULT 'credits')
RETURNS numeric
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT @extschema@.require_access(credit_balance.location_id, 'reader');
    SELECT COALESCE((SELECT b.balance FROM @extschema@.credit_balance AS b
                      WHERE b.location_id OPERATOR(pg_catalog.=) credit_balance.location_id
                        AND b.owner_kind OPERATOR(pg_catalog.=) 'person'
                        AND b.owner_id OPERATOR(pg_catalog.=) credit_balance.person_id
                        AND b.kind OPERATOR(pg_catalog.=) credit_balance.kind), 0.00);
END;

CREATE OR REPLACE FUNCTION @extschema@.company_credit_balance(location_id bigint, company_id bigint,
                                                  kind @extschema@.credit_kind DEFAULT 'credits')
RETURNS numeric
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT @extschema@.require_access(company_credit_balance.location_id, 'reader');
    SELECT COALESCE((SELECT b.balance FROM @extschema@.credit_balance AS b
                      WHERE b.location_id OPERATOR(pg_catalog.=) company_credit_balance.location_id
                        AND b.owner_kind OPERATOR(pg_catalog.=) 'company'
                        AND b.owner_id OPERATOR(pg_catalog.=) company_credit_balance.company_id
                        AND b.kind OPERATOR(pg_catalog.=) company_credit_balance.kind), 0.00);
END;

CREATE OR REPLACE TRIGGER location_access_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.location_access
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.access_changed_trigger();
COMMENT ON TRIGGER location_access_changed ON @extschema@.location_access IS
'Sessions work out the roles'' access again after a change of the access rows';
CREATE OR REPLACE TRIGGER location_list_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.location
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.access_changed_trigger();
COMMENT ON TRIGGER location_list_changed ON @extschema@.location IS
'Sessions work out again which locations the roles with access to every location reach';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.location_access', '');

-- The person policy asks, for each person row, whether they are a customer
-- of a location the role reads: with location_id in the person index that
-- is an index-only probe.  0.1.0's index had person_id alone.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_index AS i
                WHERE i.indexrelid OPERATOR(pg_catalog.=) pg_catalog.to_regclass('@extschema@.customer_person_idx')
                  AND i.indnatts OPERATOR(pg_catalog.=) 1) THEN
        DROP INDEX @extschema@.customer_person_idx;
    END IF;
END
$$;
CREATE INDEX IF NOT EXISTS customer_person_idx ON @extschema@.customer (person_id, location_id);
COMMENT ON INDEX @extschema@.customer_person_idx IS
'Serves a person''s standing across locations, the foreign key from cowork.person, and the person policy (an index-only probe: is this person a customer of a location the role reads?)';

-- The member and nonmember lists of a location under row-level security:
-- there the lists' status comparison (enum equality, which PostgreSQL does
-- not mark leakproof) may not run before the policies, so it cannot be a
-- condition of customer_location_status_idx; the planner still uses a
-- partial index whose predicate the comparison proves.
CREATE INDEX IF NOT EXISTS customer_members_idx ON @extschema@.customer (location_id)
    WHERE status = 'member';
COMMENT ON INDEX @extschema@.customer_members_idx IS
'Serves the members of a location (cowork.members) for roles that row-level security restricts';
CREATE INDEX IF NOT EXISTS customer_nonmembers_idx ON @extschema@.customer (location_id)
    WHERE status = 'nonmember';
COMMENT ON INDEX @extschema@.customer_nonmembers_idx IS
'Serves the nonmembers of a location (cowork.nonmembers) for roles that row-level security restricts';

DO $tenancy$
DECLARE
    reader constant text := 'location_id OPERATOR(pg_catalog.=) ANY (@extschema@.accessible_locations(''reader''::@extschema@.staff_access))';
    admin constant text := 'location_id OPERATOR(pg_catalog.=) ANY (@extschema@.accessible_locations(''admin''::@extschema@.staff_access))';
    every_reader constant text := '@extschema@.has_access(NULL::pg_catalog.int8, ''reader''::@extschema@.staff_access)';
    every_admin constant text := '@extschema@.has_access(NULL::pg_catalog.int8, ''admin''::@extschema@.staff_access)';
    person_admin constant text := 'EXISTS (SELECT FROM @extschema@.customer AS c WHERE c.person_id OPERATOR(pg_catalog.=) person.person_id AND c.location_id OPERATOR(pg_catalog.=) ANY (@extschema@.accessible_locations(''admin''::@extschema@.staff_access)))';
    -- Each policy: table, name suffix, command, USING, WITH CHECK, comment.
    pol text[] := '{}';
    t text;
    i integer;
BEGIN
    -- The tables of a location: read with reader access, written with admin.
    FOREACH t IN ARRAY ARRAY['company', 'customer', 'action', 'plan', 'subscription',
                             'subscription_end_due', 'invitation', 'credit_balance',
                             'credit_entry'] LOOP
        pol := pol || ARRAY[
            [t, 'read', 'SELECT', reader, NULL, 'Rows of the locations the role reads (reader or admin access)'],
            [t, 'insert', 'INSERT', NULL, admin, 'New rows at the locations where the role has admin access'],
            [t, 'update', 'UPDATE', admin, admin, 'Changes at the locations where the role has admin access'],
            [t, 'delete', 'DELETE', admin, NULL, 'Deletes at the locations where the role has admin access']];
    END LOOP;

    -- The event log and the audit: written by the extension only (as their
    -- owner, whom row-level security does not restrict): no policy lets any
    -- other role insert, whatever its access.
    FOREACH t IN ARRAY ARRAY['customer_event', 'customer_audit'] LOOP
        pol := pol || ARRAY[[t, 'read', 'SELECT', reader, NULL,
                             'Rows of the locations the role reads; no role but the owner writes them']];
    END LOOP;

    pol := pol || ARRAY[
        -- Locations: a new one is for roles with admin access to every
        -- location (who also see it in the statement that creates it).
        ['location', 'read', 'SELECT', reader || ' OR ' || every_reader, NULL,
         'The locations the role reads'],
        ['location', 'insert', 'INSERT', NULL, every_admin,
         'New locations: roles with admin access to every location'],
        ['location', 'update', 'UPDATE', admin || ' OR ' || every_admin, admin || ' OR ' || every_admin,
         'Settings of the locations where the role has admin access'],
        ['location', 'delete', 'DELETE', every_admin, NULL,
         'Deleting a location: roles with admin access to every location'],
        -- Who has access where: seen by the admins of a location; written
        -- by grant_access() and revoke_access() only.
        ['location_access', 'read', 'SELECT', admin || ' OR ' || every_admin, NULL,
         'The access rows of the locations where the role has admin access (all of them for a role with admin access to every location); written by grant_access() and revoke_access() only'],
        -- People: seen through a customer row the role sees (the subquery
        -- is filtered by that table's own policy).  An invitee is a person
        -- once the invitation is approved, and a customer of its location
        -- then; a pending invitation holds the name and email itself.
        ['person', 'read', 'SELECT',
         'EXISTS (SELECT FROM @extschema@.customer AS c WHERE c.person_id OPERATOR(pg_catalog.=) person.person_id)',
         NULL, 'The people who are customers of a location the role reads'],
        ['person', 'insert', 'INSERT', NULL,
         'pg_catalog.cardinality(@extschema@.accessible_locations(''admin''::@extschema@.staff_access)) OPERATOR(pg_catalog.>) 0',
         'New people: roles with admin access to a location'],
        ['person', 'update', 'UPDATE', person_admin, NULL,
         'Changes of the people who are customers of a location where the role has admin access'],
        ['person', 'delete', 'DELETE', person_admin, NULL,
         'Deletes of the people who are customers of a location where the role has admin access']];

    FOR i IN 1 .. pg_catalog.array_length(pol, 1) LOOP
        EXECUTE pg_catalog.format('ALTER TABLE @extschema@.%I ENABLE ROW LEVEL SECURITY', pol[i][1]);
        EXECUTE pg_catalog.format('DROP POLICY IF EXISTS %I ON @extschema@.%I',
                                  pol[i][1] || '_' || pol[i][2], pol[i][1]);
        EXECUTE pg_catalog.format('CREATE POLICY %I ON @extschema@.%I FOR %s%s%s',
                                  pol[i][1] || '_' || pol[i][2], pol[i][1], pol[i][3],
                                  CASE WHEN pol[i][4] IS NOT NULL THEN ' USING (' || pol[i][4] || ')' ELSE '' END,
                                  CASE WHEN pol[i][5] IS NOT NULL THEN ' WITH CHECK (' || pol[i][5] || ')' ELSE '' END);
        EXECUTE pg_catalog.format('COMMENT ON POLICY %I ON @extschema@.%I IS %L',
                                  pol[i][1] || '_' || pol[i][2], pol[i][1], pol[i][6]);
    END LOOP;
END
$tenancy$;

-- The views read with the caller's rights, so row-level security shows
-- through them what it shows in the tables.
DO $views$
DECLARE
    v regclass;
BEGIN
    FOR v IN SELECT c.oid FROM pg_catalog.pg_class AS c
              WHERE c.relnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
                AND c.relkind OPERATOR(pg_catalog.=) 'v'
              ORDER BY c.relname LOOP
        EXECUTE pg_catalog.format('ALTER VIEW %s SET (security_invoker = true)', v);
    END LOOP;
END
$views$;

-- ---------------------------------------------------------------------------
-- Reporting: status_at, members_at, active_users, monthly_movement, tenure
-- ---------------------------------------------------------------------------
-- The same as sql/src/60-reporting.sql, re-runnable: CREATE OR REPLACE,
-- CREATE INDEX IF NOT EXISTS.  New views get no PUBLIC rights (as the
-- install's REVOKE ALL ON ALL TABLES leaves them).
CREATE OR REPLACE FUNCTION @extschema@.status_at(location_id bigint, person_id bigint, at timestamptz)
RETURNS @extschema@.customer_status
LANGUAGE sql STABLE STRICT PARALLEL SAFE SECURITY INVOKER
BEGIN ATOMIC
    SELECT @extschema@.require_access(status_at.location_id, 'reader');
    SELECT e.to_status
      FROM @extschema@.customer_event AS e
     WHERE e.location_id OPERATOR(pg_catalog.=) status_at.location_id
       AND e.person_id OPERATOR(pg_catalog.=) status_at.person_id
       AND e.at OPERATOR(pg_catalog.<=) status_at.at
       AND NOT EXISTS (SELECT FROM @extschema@.customer_event AS x
                        WHERE x.location_id OPERATOR(pg_catalog.=) status_at.location_id
                          AND x.person_id OPERATOR(pg_catalog.=) status_at.person_id
                          AND x.event_id OPERATOR(pg_catalog.<) e.event_id
                          AND x.at OPERATOR(pg_catalog.>) status_at.at)
     ORDER BY e.event_id DESC
     LIMIT 1;
END;
COMMENT ON FUNCTION @extschema@.status_at(bigint, bigint, timestamptz) IS
'The person''s status at the location at that moment, from the event log (an event counts from its at on); NULL before their first event';

CREATE OR REPLACE FUNCTION @extschema@.members_at(location_id bigint, at timestamptz)
RETURNS TABLE (person_id bigint, since timestamptz)
LANGUAGE sql STABLE STRICT PARALLEL SAFE SECURITY INVOKER
BEGIN ATOMIC
    SELECT @extschema@.require_access(members_at.location_id, 'reader');
    SELECT h.person_id, h.since
      FROM (SELECT DISTINCT ON (t.person_id) t.person_id, t.to_status, t.effective_at AS since
              FROM (SELECT e.person_id, e.event_id, e.to_status,
                           pg_catalog.max(e.at) OVER (PARTITION BY e.person_id ORDER BY e.event_id)
                               AS effective_at
                      FROM @extschema@.customer_event AS e
                     WHERE e.location_id OPERATOR(pg_catalog.=) members_at.location_id) AS t
             WHERE t.effective_at OPERATOR(pg_catalog.<=) members_at.at
             ORDER BY t.person_id, t.event_id DESC) AS h
     WHERE h.to_status OPERATOR(pg_catalog.=) 'member'::@extschema@.customer_status
     ORDER BY h.person_id;
END;
COMMENT ON FUNCTION @extschema@.members_at(bigint, timestamptz) IS
'The members of the location at that moment, from the event log, with the start of the membership they were in then';

CREATE OR REPLACE FUNCTION @extschema@.active_users(location_id bigint, period_start timestamptz,
                                         period_end timestamptz)
RETURNS TABLE (person_id bigint, reason text)
LANGUAGE sql STABLE STRICT PARALLEL SAFE SECURITY INVOKER
BEGIN ATOMIC
    SELECT @extschema@.require_access(active_users.location_id, 'reader');
    WITH
    -- The audited fields that matter, as spans of time: one per audit row,
    -- from its time to the next row's (the same rule for time as the log).
    audit AS (
        SELECT a.person_id, a.field, a.audit_id, a.old_value, a.new_value,
               pg_catalog.max(a.at) OVER (PARTITION BY a.person_id, a.field ORDER BY a.audit_id)
                   AS effective_at
          FROM @extschema@.customer_audit AS a
         WHERE a.location_id OPERATOR(pg_catalog.=) active_users.location_id
           AND a.field OPERATOR(pg_catalog.=) ANY (ARRAY['suspended', 'company_id'])),
    audit_span AS (
        SELECT au.person_id, au.field, au.old_value, au.new_value, au.effective_at,
               pg_catalog.row_number() OVER w OPERATOR(pg_catalog.=) 1 AS first,
               pg_catalog.tstzrange(au.effective_at, pg_catalog.lead(au.effective_at) OVER w) AS span
          FROM audit AS au
        WINDOW w AS (PARTITION BY au.person_id, au.field ORDER BY au.audit_id)),
    -- A field's value over time: each row's new value from its time on, the
    -- first row's old value before it, and for a customer whose field was
    -- never audited (data older than the audit) the current value throughout.
    field_value AS (
        SELECT s.person_id, s.field, s.new_value AS value, s.span
          FROM audit_span AS s
        UNION ALL
        SELECT s.person_id, s.field, s.old_value, pg_catalog.tstzrange(NULL, s.effective_at)
          FROM audit_span AS s
         WHERE s.first AND s.old_value IS NOT NULL
        UNION ALL
        SELECT c.person_id, f.field,
               CASE f.field WHEN 'suspended' THEN c.suspended::pg_catalog.text
                            ELSE c.company_id::pg_catalog.text END,
               pg_catalog.tstzrange(NULL, NULL)
          FROM @extschema@.customer AS c
         CROSS JOIN (VALUES ('suspended'), ('company_id')) AS f (field)
         WHERE c.location_id OPERATOR(pg_catalog.=) active_users.location_id
           AND NOT EXISTS (SELECT FROM audit AS au
                            WHERE au.person_id OPERATOR(pg_catalog.=) c.person_id
                              AND au.field OPERATOR(pg_catalog.=) f.field)),
    suspended AS MATERIALIZED (
        SELECT v.person_id, pg_catalog.range_agg(v.span) AS spans
          FROM field_value AS v
         WHERE v.field OPERATOR(pg_catalog.=) 'suspended'
           AND v.value OPERATOR(pg_catalog.=) 'true'
         GROUP BY v.person_id),
    period AS (
        SELECT pg_catalog.tstzrange(active_users.period_start,
                                    GREATEST(active_users.period_start, active_users.period_end)) AS p),
    -- Subscriptions running at some moment of the period, as the part of
    -- the period they ran in, for the people they cover: the subscriber, or
    -- the customers of the company while they belonged to it and were not
    -- removed.
    running AS MATERIALIZED (
        SELECT s.person_id, s.company_id,
               pg_catalog.tstzrange(s.starts_at, s.ends_at) OPERATOR(pg_catalog.*) period.p AS span
          FROM @extschema@.subscription AS s, period
         WHERE s.location_id OPERATOR(pg_catalog.=) active_users.location_id
           AND s.starts_at OPERATOR(pg_catalog.<) pg_catalog.upper(period.p)
           AND (s.ends_at IS NULL OR s.ends_at OPERATOR(pg_catalog.>) pg_catalog.lower(period.p))
           AND s.ends_at IS DISTINCT FROM s.starts_at),
    company_span AS MATERIALIZED (
        SELECT v.person_id, v.value::pg_catalog.int8 AS company_id, v.span
          FROM field_value AS v
         WHERE v.field OPERATOR(pg_catalog.=) 'company_id' AND v.value IS NOT NULL),
    company_covered AS MATERIALIZED (
        SELECT cs.person_id,
               pg_catalog.range_agg(r.span OPERATOR(pg_catalog.*) cs.span) AS spans
          FROM running AS r
          JOIN company_span AS cs
            ON cs.company_id OPERATOR(pg_catalog.=) r.company_id
           AND cs.span OPERATOR(pg_catalog.&&) r.span
         GROUP BY cs.person_id),
    customer_span AS MATERIALIZED (
        SELECT t.person_id,
               pg_catalog.range_agg(pg_catalog.tstzrange(t.effective_at, t.next_at)) AS spans
          FROM (SELECT u.person_id, u.to_status, u.effective_at,
                       pg_catalog.lead(u.effective_at) OVER (PARTITION BY u.person_id ORDER BY u.event_id)
                           AS next_at
                  FROM (SELECT e.person_id, e.event_id, e.to_status,
                               pg_catalog.max(e.at) OVER (PARTITION BY e.person_id ORDER BY e.event_id)
                                   AS effective_at
                          FROM @extschema@.customer_event AS e
                         WHERE e.location_id OPERATOR(pg_catalog.=) active_users.location_id
                           AND e.person_id OPERATOR(pg_catalog.=) ANY
                               (SELECT cc.person_id FROM company_covered AS cc)) AS u) AS t
         WHERE t.to_status OPERATOR(pg_catalog.<>) 'removed'::@extschema@.customer_status
         GROUP BY t.person_id),
    covered AS MATERIALIZED (
        SELECT r.person_id, pg_catalog.range_agg(r.span) AS spans
          FROM running AS r
         WHERE r.person_id IS NOT NULL
         GROUP BY r.person_id
        UNION ALL
        SELECT cc.person_id, cc.spans OPERATOR(pg_catalog.*) cs.spans
          FROM company_covered AS cc
          JOIN customer_span AS cs ON cs.person_id OPERATOR(pg_catalog.=) cc.person_id),
    -- Each criterion that holds at a moment the person was not suspended,
    -- ranked in the order of the reasons.
    criterion AS (
        SELECT a.person_id,
               CASE WHEN a.kind OPERATOR(pg_catalog.=) 'payment'::@extschema@.action_kind
                    THEN 2 ELSE 1 END AS rank
          FROM @extschema@.action AS a
         WHERE a.location_id OPERATOR(pg_catalog.=) active_users.location_id
           AND a.completed_at OPERATOR(pg_catalog.>=) active_users.period_start
           AND a.completed_at OPERATOR(pg_catalog.<) active_users.period_end
           AND a.kind OPERATOR(pg_catalog.=) ANY (ARRAY['room_booking', 'desk_booking',
                   'parking_booking', 'office_booking', 'payment']::@extschema@.action_kind[])
           AND NOT EXISTS (SELECT FROM suspended AS su
                            WHERE su.person_id OPERATOR(pg_catalog.=) a.person_id
                              AND su.spans OPERATOR(pg_catalog.@>) a.completed_at)
        UNION ALL
        SELECT cv.person_id, 3
          FROM covered AS cv
          LEFT JOIN suspended AS su ON su.person_id OPERATOR(pg_catalog.=) cv.person_id
         WHERE NOT pg_catalog.isempty(cv.spans OPERATOR(pg_catalog.-)
                   COALESCE(su.spans, '{}'::pg_catalog.tstzmultirange)))
    SELECT c.person_id,
           (ARRAY['booking', 'payment', 'subscription'])[pg_catalog.min(c.rank)]
      FROM criterion AS c
     GROUP BY c.person_id
     ORDER BY c.person_id;
END;
COMMENT ON FUNCTION @extschema@.active_users(bigint, timestamptz, timestamptz) IS
'The active users of the location in [period_start, period_end) (a billing rule): completed a booking or a payment there, or had a subscription there (own or their company''s, any plan) running at some moment of the period, each only at moments they were not suspended; one row per person, reason booking, payment or subscription (the first that holds)';

CREATE OR REPLACE VIEW @extschema@.monthly_movement WITH (security_invoker = true) AS
WITH event AS (
    SELECT e.location_id, e.from_status, e.to_status,
           pg_catalog.max(e.at) OVER (PARTITION BY e.location_id, e.person_id ORDER BY e.event_id)
               AS effective_at
      FROM @extschema@.customer_event AS e),
month AS (
    SELECT ev.location_id,
           pg_catalog.date_trunc('month', ev.effective_at)::pg_catalog.date AS month,
           pg_catalog.count(*) FILTER (WHERE ev.from_status IS NULL) AS new_customers,
           pg_catalog.count(*) FILTER (WHERE ev.to_status OPERATOR(pg_catalog.=)
               'member'::@extschema@.customer_status) AS joined,
           pg_catalog.count(*) FILTER (WHERE ev.from_status OPERATOR(pg_catalog.=)
               'member'::@extschema@.customer_status) AS left_,
           pg_catalog.count(*) FILTER (WHERE ev.from_status OPERATOR(pg_catalog.=)
               'nonmember'::@extschema@.customer_status
               AND ev.to_status OPERATOR(pg_catalog.=) 'member'::@extschema@.customer_status) AS converted
      FROM event AS ev
     GROUP BY ev.location_id, 2)
SELECT m.location_id, m.month, m.new_customers, m.joined, m.left_ AS "left", m.converted,
       pg_catalog.sum(m.joined OPERATOR(pg_catalog.-) m.left_)
           OVER (PARTITION BY m.location_id ORDER BY m.month)::bigint AS members_at_end
  FROM month AS m;
COMMENT ON VIEW @extschema@.monthly_movement IS
'Per location and month that has events (months in the session''s time zone): new customers, joins, leaves, conversions and the members at the end of the month, from the event log';
COMMENT ON COLUMN @extschema@.monthly_movement.month IS 'The first day of the month';
COMMENT ON COLUMN @extschema@.monthly_movement.new_customers IS 'Customers whose first status at the location began in the month';
COMMENT ON COLUMN @extschema@.monthly_movement.joined IS 'Changes to member in the month, from anything (a person who joins twice counts twice)';
COMMENT ON COLUMN @extschema@.monthly_movement."left" IS 'Changes from member to nonmember in the month';
COMMENT ON COLUMN @extschema@.monthly_movement.converted IS 'Changes from nonmember to member in the month';
COMMENT ON COLUMN @extschema@.monthly_movement.members_at_end IS 'Members at the end of the month: the previous month''s plus joined minus left';

CREATE OR REPLACE VIEW @extschema@.tenure WITH (security_invoker = true) AS
WITH event AS (
    SELECT e.location_id, e.person_id, e.event_id, e.to_status,
           pg_catalog.max(e.at) OVER (PARTITION BY e.location_id, e.person_id ORDER BY e.event_id)
               AS effective_at
      FROM @extschema@.customer_event AS e),
span AS (
    SELECT ev.location_id, ev.person_id, ev.to_status, ev.effective_at,
           pg_catalog.lead(ev.effective_at) OVER (PARTITION BY ev.location_id, ev.person_id
                                                  ORDER BY ev.event_id) AS next_at
      FROM event AS ev)
SELECT s.location_id, s.person_id,
       pg_catalog.round(COALESCE(pg_catalog.sum(pg_catalog.date_part('epoch',
                    COALESCE(s.next_at, pg_catalog.now())::pg_catalog.timestamp
                    OPERATOR(pg_catalog.-) s.effective_at::pg_catalog.timestamp)::pg_catalog.numeric)
                FILTER (WHERE s.to_status OPERATOR(pg_catalog.=) 'member'::@extschema@.customer_status),
                0) OPERATOR(pg_catalog./) 86400, 2) AS member_days,
       pg_catalog.count(*) FILTER (WHERE s.to_status OPERATOR(pg_catalog.=)
           'member'::@extschema@.customer_status) AS times_member,
       pg_catalog.max(s.effective_at) FILTER (WHERE s.next_at IS NULL AND s.to_status
           OPERATOR(pg_catalog.=) 'member'::@extschema@.customer_status) AS member_since
  FROM span AS s
 GROUP BY s.location_id, s.person_id;
COMMENT ON VIEW @extschema@.tenure IS
'Per customer: how long they have been a member at the location, all periods added up to now, how many times they became one, and since when they are one now; from the event log';
COMMENT ON COLUMN @extschema@.tenure.member_days IS 'Days as a member, all periods added up, to now (wall-clock days of the session''s time zone, two decimals)';
COMMENT ON COLUMN @extschema@.tenure.times_member IS 'How many times the customer became a member';
COMMENT ON COLUMN @extschema@.tenure.member_since IS 'When the current membership began; NULL when not a member now';

-- A month of one location's completed actions (active_users), read from an
-- index, however long the location's history.
CREATE INDEX IF NOT EXISTS action_completed_idx ON @extschema@.action (location_id, completed_at)
    WHERE completed_at IS NOT NULL;
COMMENT ON INDEX @extschema@.action_completed_idx IS
'Serves active_users: the actions completed at a location in a period';
REVOKE ALL ON TABLE @extschema@.monthly_movement FROM PUBLIC;
REVOKE ALL ON TABLE @extschema@.tenure FROM PUBLIC;
