-- The SQL fuzz (test/shell/fuzz-sql.sh): the calls are generated from the
-- catalog.  Run after dataset.sql, in the same database.
--
--   fuzz.hostile   hostile values per argument type (enum types: every
--                  label, NULL and an unknown label, read from pg_enum),
--                  some only for an argument or column of a given name
--   fuzz.sane      sane values per argument or column name (scope '*'), or
--                  for one function or table (scope = its name); the one
--                  marked is_default is used while another argument is
--                  fuzzed, the others are tried one at a time
--   fuzz.type_sane the sane value of a type when no name matches
--   fuzz.call      the generated statements, then their outcome
--   fuzz.skip      what is left out, and why (the test prints it)
--
-- Each function and procedure of the cowork schema gets: the all-sane call,
-- the call with its defaults left out, each other sane value of each
-- argument, each hostile value of each argument (the others sane), and the
-- all-NULL call.  Each table and view of the schema, and each application
-- table track_actions attached (dataset.sql has one of each column type it
-- takes), gets: an INSERT and an UPDATE of every row per hostile value of
-- each column (the other columns sane or default), the all-NULL INSERT and
-- UPDATE, copies of its rows with and without ON CONFLICT, DELETE and
-- TRUNCATE; then each successful UPDATE again, followed by the functions
-- that read its table (fuzz.probe).  Each statement runs in a
-- subtransaction that is always rolled back (fuzz.run_one), so every call
-- sees the same data set.
SET client_min_messages = warning;

CREATE TABLE fuzz.hostile (
    ord   serial PRIMARY KEY,
    type  regtype NOT NULL,
    arg   text,                 -- NULL: for every argument of the type
    label text NOT NULL,
    expr  text NOT NULL
);
CREATE TABLE fuzz.sane (
    ord        serial PRIMARY KEY,
    scope      text NOT NULL DEFAULT '*',
    arg        text NOT NULL,
    label      text NOT NULL,
    expr       text NOT NULL,
    is_default boolean NOT NULL DEFAULT false
);
CREATE TABLE fuzz.type_sane (type regtype PRIMARY KEY, expr text NOT NULL);
CREATE TABLE fuzz.call (
    id       serial PRIMARY KEY,
    pass     text NOT NULL,       -- owner, app (regress_fuzz_app), toplevel
    target   text NOT NULL,       -- function signature, or "INSERT cowork.t(col)"...
    variant  text NOT NULL,
    sql      text NOT NULL,
    sqlstate text,                -- 00000, a SQLSTATE, CRASHED, ABORTED or TIMEOUT
    message  text,
    ms       numeric
);
CREATE TABLE fuzz.skip (target text PRIMARY KEY, reason text NOT NULL);
CREATE TABLE fuzz.known (target text PRIMARY KEY);

-- Hostile values by type.
INSERT INTO fuzz.hostile (type, label, expr) VALUES
    ('bigint', 'NULL', 'NULL'), ('bigint', '0', '0'), ('bigint', '-1', '-1'),
    ('bigint', 'int4 max', '2147483647'), ('bigint', 'int4 max + 1', '2147483648'),
    ('bigint', 'int8 max', '9223372036854775807'), ('bigint', 'int8 min', '-9223372036854775808'),
    ('smallint', 'NULL', 'NULL'), ('smallint', '0', '0'), ('smallint', '-1', '-1'),
    ('smallint', 'int2 max', '32767'), ('smallint', 'int2 min', '-32768'),
    ('integer', 'NULL', 'NULL'), ('integer', '0', '0'), ('integer', '-1', '-1'),
    ('integer', 'int4 max', '2147483647'), ('integer', 'int4 min', '-2147483648'),
    ('boolean', 'NULL', 'NULL'), ('boolean', 'true', 'true'), ('boolean', 'false', 'false'),
    ('numeric', 'NULL', 'NULL'), ('numeric', '0', '0'), ('numeric', '-1', '-1'),
    ('numeric', 'NaN', $$'NaN'$$), ('numeric', 'Infinity', $$'Infinity'$$),
    ('numeric', '-Infinity', $$'-Infinity'$$), ('numeric', 'huge', $$'1e131071'$$),
    ('numeric', '-huge', $$'-1e131071'$$), ('numeric', 'tiny', $$'1e-16383'$$),
    ('numeric', '-tiny', $$'-1e-16383'$$), ('numeric', 'int8 max + 1', '9223372036854775808'),
    ('numeric', 'many digits', $$'123456789012345678901234567890.123456789012345678901234567890'$$),
    ('text', 'NULL', 'NULL'), ('text', 'empty', $$''$$), ('text', 'blank', $$'   '$$),
    ('text', '1 MB', $$repeat('x', 1048576)$$),
    ('text', '1 MB multibyte', $$repeat('é', 524288)$$),
    ('text', 'control characters', $$E'\t\r\n\x01\x1b[31m\x7f'$$),
    ('text', 'NUL-like', $$E'\\0 \\x00 \\u0000 %00'$$),
    ('text', 'format directives', $$'%s%n%d%x%%%1$s'$$),
    ('text', 'quotes', $q$'''"; DROP TABLE cowork.customer; --'$q$),
    ('text', 'unicode oddities', $$U&'\202E\FEFF\00A0e\0301\+01F600\FFFD'$$),
    ('text', 'long name', $$repeat('n', 64)$$),
    ('timestamp with time zone', 'NULL', 'NULL'),
    ('timestamp with time zone', 'infinity', $$'infinity'$$),
    ('timestamp with time zone', '-infinity', $$'-infinity'$$),
    ('timestamp with time zone', 'earliest', $$'4714-11-24 00:00:00+00 BC'$$),
    ('timestamp with time zone', 'latest', $$'294276-12-31 23:59:59.999999+00'$$),
    ('timestamp with time zone', 'internal zero (2000-01-01)', $$'2000-01-01 00:00:00+00'$$),
    ('timestamp with time zone', 'epoch', $$'epoch'$$),
    ('interval', 'NULL', 'NULL'), ('interval', 'zero', $$'0'$$), ('interval', 'negative', $$'-1 day'$$),
    ('interval', 'huge', $$'178000000 years'$$), ('interval', '-huge', $$'-178000000 years'$$),
    ('interval', 'mixed signs', $$'1 month -40 days'$$),
    ('regclass', 'NULL', 'NULL'), ('regclass', 'oid 0', '0::oid'),
    ('regclass', 'nonexistent oid', '4294967295::oid'),
    ('regclass', 'system table', $$'pg_catalog.pg_class'$$),
    ('regclass', 'cowork.customer', $$'cowork.customer'$$),
    ('regclass', 'cowork.customer_event', $$'cowork.customer_event'$$),
    ('regclass', 'cowork.action', $$'cowork.action'$$),
    ('regclass', 'a view', $$'cowork.members'$$),
    ('regclass', 'a sequence', $$'cowork.person_person_id_seq'$$),
    ('regclass', 'an index', $$'cowork.customer_pkey'$$),
    ('regclass', 'a partitioned table', $$'fuzz_app.part'$$),
    ('regclass', 'a partition', $$'fuzz_app.part_1'$$),
    ('regclass', 'an application view', $$'fuzz_app.booking_view'$$),
    ('regclass', 'columns of other types', $$'fuzz_app.typed'$$),
    ('regclass', 'a catalog view', $$'pg_catalog.pg_tables'$$),
    ('name', 'NULL', 'NULL'), ('name', 'empty', $$''$$),
    ('name', 'longer than 63 bytes', $$repeat('c', 100)$$),
    ('name', 'multibyte cut at 63 bytes', $$repeat('é', 40)$$),
    ('name', 'nonexistent column', $$'no_such_column'$$),
    ('name', 'system column ctid', $$'ctid'$$), ('name', 'system column xmin', $$'xmin'$$),
    ('name', 'system column tableoid', $$'tableoid'$$),
    ('name', 'quotes', $$'a"b''c'$$), ('name', 'control characters', $$E'\t\n'$$),
    ('name', 'another column', $$'note'$$), ('name', 'key column', $$'booking_id'$$);
INSERT INTO fuzz.hostile (type, label, expr)
SELECT t, h.label, h.expr FROM fuzz.hostile h,
       unnest(ARRAY['character'::regtype, 'character varying']) AS t
 WHERE h.type = 'text'::regtype AND h.arg IS NULL ORDER BY t, h.ord;
-- Hostile values for arguments (and columns) of a given name.
INSERT INTO fuzz.hostile (type, arg, label, expr) VALUES
    ('text', 'email', 'no domain', $$'mia@'$$), ('text', 'email', 'two @', $$'a@b@example.com'$$),
    ('text', 'email', 'existing, other case', $$'  MIA@Example.COM '$$),
    ('text', 'email', '1 MB address', $$repeat('x', 1048576) || '@example.com'$$),
    ('text', 'email', '1 MB domain', $$'a@' || repeat('x', 1048576) || '.com'$$),
    ('text', 'email', 'only @', $$'@'$$),
    ('text', 'email', 'NUL-like', $$E'a\\0@example.com'$$),
    ('text', 'email', 'control character', $$E'a\x01@example.com'$$),
    ('text', 'capability', 'other case', $$'BUY_CREDITS'$$),
    ('text', 'capability', 'trailing blank', $$'buy_credits '$$),
    ('text', 'completed_value', 'not a value of the column', $$'1'$$),
    ('text', 'owner_kind', 'other kind', $$'location'$$);

-- Sane values: ids from the data set (fuzz.ids), by argument or column name.
INSERT INTO fuzz.sane (arg, label, expr, is_default)
SELECT v.arg, v.label, fuzz.id(v.name)::text, v.is_default
  FROM (VALUES
    ('location_id', 'loc', 'loc', true), ('location_id', 'loc2', 'loc2', false),
    ('location_id', 'loc_solo', 'loc_solo', false),
    ('person_id', 'member', 'member', true), ('person_id', 'contact', 'contact', false),
    ('person_id', 'manager', 'manager', false), ('person_id', 'employee', 'employee', false),
    ('person_id', 'auto_member', 'auto_member', false), ('person_id', 'admin', 'admin', false),
    ('person_id', 'suspended', 'suspended', false), ('person_id', 'nonmember', 'nonmember', false),
    ('person_id', 'removed', 'removed', false), ('person_id', 'former', 'former', false),
    ('person_id', 'fresh', 'fresh', false), ('person_id', 'lead', 'lead', false),
    ('person_id', 'harbour_member', 'harbour_member', false),
    ('company_id', 'company', 'company', true), ('company_id', 'company_auto', 'company_auto', false),
    ('company_id', 'company2', 'company2', false),
    ('plan_id', 'plan', 'plan', true), ('plan_id', 'plan_product', 'plan_product', false),
    ('plan_id', 'plan2', 'plan2', false),
    ('subscription_id', 'sub', 'sub', true), ('subscription_id', 'sub_open', 'sub_open', false),
    ('subscription_id', 'sub_company', 'sub_company', false),
    ('subscription_id', 'sub_product', 'sub_product', false),
    ('subscription_id', 'sub_future', 'sub_future', false),
    ('subscription_id', 'sub_ending', 'sub_ending', false),
    ('subscription_id', 'sub_ended', 'sub_ended', false),
    ('subscription_id', 'sub_harbour', 'sub_harbour', false),
    ('invitation_id', 'invitation', 'invitation', true),
    ('invitation_id', 'invitation_approved', 'invitation_approved', false),
    ('invitation_id', 'invitation_rejected', 'invitation_rejected', false),
    ('invitation_id', 'invitation_auto', 'invitation_auto', false),
    ('action_id', 'action_started', 'action_started', true),
    ('action_id', 'action_completed', 'action_completed', false),
    ('action_id', 'action_cancelled', 'action_cancelled', false),
    ('action_id', 'action_removed', 'action_removed', false),
    ('invited_by', 'manager', 'manager', true),
    ('owner_id', 'member', 'member', true)) AS v(arg, label, name, is_default);
INSERT INTO fuzz.sane (arg, label, expr, is_default) VALUES
    ('email', 'new', $$'new.person@example.com'$$, true),
    ('email', 'existing member', $$'mia@example.com'$$, false),
    ('email', 'existing nonmember', $$'nora@example.com'$$, false),
    ('email', 'existing removed', $$'rex@example.com'$$, false),
    ('email', 'existing, no customer', $$'nobody@example.com'$$, false),
    ('full_name', 'a name', $$'Nina New'$$, true),
    ('phone', 'a phone', $$'+1 555 0199'$$, true),
    ('name', 'a name', $$'Fuzz Name'$$, true),
    ('network', 'a network', $$'north'$$, true), ('network', 'another network', $$'south'$$, false),
    ('amount', '1', '1', true), ('amount', 'fraction', '0.5', false), ('amount', '1000', '1000', false),
    ('starts_at', 'now', 'now()', true),
    ('starts_at', 'past', $$now() - interval '10 days'$$, false),
    ('starts_at', 'future', $$now() + interval '10 days'$$, false),
    ('ends_at', 'in a month', $$now() + interval '30 days'$$, true),
    ('ends_at', 'past', $$now() - interval '1 day'$$, false),
    ('as_of', 'now', 'now()', true), ('as_of', 'in a year', $$now() + interval '1 year'$$, false),
    ('batch_size', '100', '100', true), ('batch_size', '1', '1', false),
    ('source', 'an application table', $$'fuzz_app.booking'$$, true),
    ('source', 'a tracked table', $$'fuzz_app.tracked'$$, false),
    ('location_column', 'location_id', $$'location_id'$$, true),
    ('person_column', 'person_id', $$'person_id'$$, true),
    ('state_column', 'state', $$'state'$$, true),
    ('completed_value', 'done', $$'done'$$, true),
    ('is_manager', 'true', 'true', true), ('is_manager', 'false', 'false', false),
    ('is_admin', 'true', 'true', true), ('is_admin', 'false', 'false', false),
    ('grants_membership', 'true', 'true', true), ('grants_membership', 'false', 'false', false),
    ('capability', 'pay_invoices', $$'pay_invoices'$$, true);
INSERT INTO fuzz.sane (arg, label, expr)
SELECT 'capability', c, quote_literal(c)
  FROM unnest(ARRAY['edit_billing_details', 'sign_up_for_plans', 'buy_credits', 'use_credits',
                    'use_day_passes', 'manage_company', 'invite_users']) AS c;
-- For one table: what makes an INSERT of a new row pass its checks.
INSERT INTO fuzz.sane (scope, arg, label, expr, is_default) VALUES
    ('customer', 'person_id', 'fresh', fuzz.id('fresh')::text, true),
    ('customer', 'status', 'nonmember', $$'nonmember'$$, true),
    ('action', 'person_id', 'fresh', fuzz.id('fresh')::text, true),
    ('subscription', 'person_id', 'fresh', fuzz.id('fresh')::text, true),
    ('subscription', 'ends_at', 'in a month', $$now() + interval '30 days'$$, true),
    ('subscription_end_due', 'subscription_id', 'sub_open', fuzz.id('sub_open')::text, true),
    ('subscription_end_due', 'ends_at', 'past', $$now() - interval '1 day'$$, true),
    ('credit_balance', 'owner_kind', 'person', $$'person'$$, true),
    ('credit_balance', 'owner_id', 'nonmember', fuzz.id('nonmember')::text, true),
    ('credit_balance', 'balance', '5', '5', true),
    ('credit_entry', 'owner_kind', 'person', $$'person'$$, true),
    ('credit_entry', 'reason', 'grant', $$'grant'$$, true),
    ('customer_event', 'reason', 'import', $$'import'$$, true),
    ('invitation', 'email', 'new', $$'new.invitee@example.com'$$, true);
-- The tracked application tables: a completing row of a new person.
INSERT INTO fuzz.sane (scope, arg, label, expr, is_default)
SELECT t, v.arg, v.label, v.expr, true
  FROM unnest(ARRAY['tracked', 'tracked_small', 'tracked_enum', 'tracked_part']) AS t,
       (VALUES ('person_id', 'fresh', fuzz.id('fresh')::text),
               ('location_id', 'loc', fuzz.id('loc')::text),
               ('state', 'paid', $$'paid'$$)) AS v(arg, label, expr);
-- The sane value of a type when no name matches.
INSERT INTO fuzz.type_sane VALUES
    ('bigint', '1'), ('integer', '1'), ('boolean', 'false'), ('numeric', '1'),
    ('text', $$'fuzz'$$), ('timestamp with time zone', 'now()'), ('interval', $$'1 day'$$),
    ('name', $$'location_id'$$), ('regclass', $$'fuzz_app.booking'$$);

-- The hostile values of a type (and argument name).
CREATE FUNCTION fuzz.hostile_values(t regtype, argname text)
RETURNS TABLE (label text, expr text)
LANGUAGE plpgsql AS $$
BEGIN
    -- A domain: the values of its base type (its CHECK refuses some).
    SELECT coalesce(nullif(typbasetype, 0), oid) INTO t FROM pg_type WHERE oid = t;
    IF EXISTS (SELECT FROM pg_type WHERE oid = t AND typtype = 'e') THEN
        RETURN QUERY
            SELECT 'NULL', 'NULL'
            UNION ALL
            (SELECT e.enumlabel::text, quote_literal(e.enumlabel) FROM pg_enum e
              WHERE e.enumtypid = t ORDER BY e.enumsortorder)
            UNION ALL
            SELECT 'unknown label', $q$'no_such_label'$q$;
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT FROM fuzz.hostile h WHERE h.type = t) THEN
        RAISE EXCEPTION 'fuzz: no hostile values for type %: add them to test/fuzz-sql/generate.sql', t;
    END IF;
    RETURN QUERY
        SELECT h.label, h.expr FROM fuzz.hostile h
         WHERE h.type = t AND (h.arg IS NULL OR h.arg = argname)
         ORDER BY h.arg NULLS FIRST, h.ord;
END $$;

-- The sane values of an argument or column (the default first): those of
-- its scope, else those of its name, else the type's, else the first label
-- of an enum.
CREATE FUNCTION fuzz.sane_values(scope text, argname text, t regtype)
RETURNS TABLE (label text, expr text, is_default boolean)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
        SELECT s.label, s.expr, s.is_default FROM fuzz.sane s
         WHERE s.scope = sane_values.scope AND s.arg = argname
         ORDER BY s.is_default DESC, s.ord;
    IF FOUND THEN RETURN; END IF;
    RETURN QUERY
        SELECT s.label, s.expr, s.is_default FROM fuzz.sane s
         WHERE s.scope = '*' AND s.arg = argname AND (s.is_default OR EXISTS
               (SELECT FROM fuzz.sane d WHERE d.scope = '*' AND d.arg = argname AND d.is_default))
         ORDER BY s.is_default DESC, s.ord;
    IF FOUND THEN RETURN; END IF;
    -- An argument whose name has sane values but no default: the type
    -- (the base type of a domain) decides the default, the named values
    -- are alternatives.
    SELECT coalesce(nullif(typbasetype, 0), oid) INTO t FROM pg_type WHERE oid = t;
    RETURN QUERY
        SELECT 'type default', ts.expr, true FROM fuzz.type_sane ts WHERE ts.type = t;
    IF NOT FOUND THEN
        RETURN QUERY
            SELECT e.enumlabel::text, quote_literal(e.enumlabel), true FROM pg_enum e
             WHERE e.enumtypid = t ORDER BY e.enumsortorder LIMIT 1;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'fuzz: no sane value for % (%) of %: add one to test/fuzz-sql/generate.sql',
                argname, t, scope;
        END IF;
    END IF;
    RETURN QUERY
        SELECT s.label, s.expr, false FROM fuzz.sane s
         WHERE s.scope = '*' AND s.arg = argname ORDER BY s.ord;
END $$;

-- fuzz.value(expr, type): the expression as an argument of that type
-- (char(n) and varchar(n) columns get text, which the assignment checks
-- against the length, where a cast would cut it).
CREATE FUNCTION fuzz.value(expr text, t regtype) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT format('(%s)::%s', expr,
                  CASE WHEN t IN ('character'::regtype, 'character varying'::regtype) THEN 'text'
                       ELSE format_type(t, NULL) END)
$$;

-- Every call of every function and procedure of the cowork schema.
CREATE FUNCTION fuzz.generate_calls(pass text, procedures_only boolean DEFAULT false) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    p record;
    n int;
    names text[];
    types regtype[];
    defaults text[];
    variant text;
    i int;
    j int;
    v record;
    args text[];
    head text;
    total bigint := 0;
BEGIN
    FOR p IN
        SELECT oid, oid::regprocedure::text AS sig, proname::text AS name, prokind, pronargs,
               pronargdefaults, proargnames, proargtypes::oid[] AS argtypes, prorettype
          FROM pg_proc WHERE pronamespace = 'cowork'::regnamespace
           AND (prokind = 'p' OR NOT procedures_only)
         ORDER BY proname, oid
    LOOP
        IF p.prorettype = 'trigger'::regtype THEN
            INSERT INTO fuzz.skip VALUES (p.sig, 'a trigger function (not callable): the DML statements fire it')
            ON CONFLICT DO NOTHING;
            CONTINUE;
        END IF;
        IF p.prokind NOT IN ('f', 'p') THEN
            INSERT INTO fuzz.skip VALUES (p.sig, format('prokind %s is neither a function nor a procedure', p.prokind))
            ON CONFLICT DO NOTHING;
            CONTINUE;
        END IF;
        n := p.pronargs;
        names := ARRAY[]::text[];
        types := ARRAY[]::regtype[];
        defaults := ARRAY[]::text[];
        FOR i IN 1 .. n LOOP
            names := names || coalesce(nullif(p.proargnames[i], ''), '$' || i);
            types := types || p.argtypes[array_lower(p.argtypes, 1) + i - 1]::regtype;
            SELECT sv.expr INTO STRICT variant FROM fuzz.sane_values(p.name, names[i], types[i]) sv
             WHERE sv.is_default LIMIT 1;
            defaults := defaults || fuzz.value(variant, types[i]);
        END LOOP;
        head := CASE WHEN p.prokind = 'p' THEN 'CALL ' ELSE 'SELECT ' END || p.oid::regproc::text;

        -- All sane; with the defaults left out.
        INSERT INTO fuzz.call (pass, target, variant, sql)
        VALUES (pass, p.sig, 'all sane', format('%s(%s)', head, array_to_string(defaults, ', ')));
        IF p.pronargdefaults > 0 THEN
            INSERT INTO fuzz.call (pass, target, variant, sql)
            VALUES (pass, p.sig, 'defaults left out',
                    format('%s(%s)', head, array_to_string(defaults[1 : n - p.pronargdefaults], ', ')));
        END IF;
        -- One argument at a time: its other sane values, its hostile values.
        FOR i IN 1 .. n LOOP
            FOR v IN
                SELECT 'sane ' || names[i] || ' = ' || sv.label AS label, sv.expr
                  FROM fuzz.sane_values(p.name, names[i], types[i]) sv WHERE NOT sv.is_default
                UNION ALL
                SELECT names[i] || ' = ' || hv.label, hv.expr
                  FROM fuzz.hostile_values(types[i], names[i]) hv
            LOOP
                args := defaults;
                args[i] := fuzz.value(v.expr, types[i]);
                INSERT INTO fuzz.call (pass, target, variant, sql)
                VALUES (pass, p.sig, v.label, format('%s(%s)', head, array_to_string(args, ', ')));
            END LOOP;
        END LOOP;
        IF n > 1 THEN
            args := ARRAY[]::text[];
            FOR j IN 1 .. n LOOP
                args := args || fuzz.value('NULL', types[j]);
            END LOOP;
            INSERT INTO fuzz.call (pass, target, variant, sql)
            VALUES (pass, p.sig, 'all NULL', format('%s(%s)', head, array_to_string(args, ', ')));
        END IF;
    END LOOP;
    SELECT count(*) INTO total FROM fuzz.call fc
     WHERE fc.pass = generate_calls.pass AND fc.target !~ '^(INSERT|UPDATE|DELETE|TRUNCATE) ';
    RETURN total;
END $$;

-- Every INSERT, UPDATE, DELETE and TRUNCATE of every table and view of the
-- cowork schema.
CREATE FUNCTION fuzz.generate_dml(pass text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    c record;
    v record;
    cols text[];
    vals text[];
    all_cols text[];
    nulls text[];
    pk text;
    set_list text;
    rel text;
    total bigint;
BEGIN
    FOR r IN
        SELECT cl.oid, cl.relname::text AS name, cl.relkind
          FROM pg_class cl
         WHERE (cl.relnamespace = 'cowork'::regnamespace AND cl.relkind IN ('r', 'p', 'v'))
            OR cl.oid IN (SELECT source FROM cowork.tracked_actions)
         ORDER BY cl.relnamespace::regnamespace::text, cl.relname
    LOOP
        rel := r.oid::regclass::text;
        all_cols := ARRAY(SELECT quote_ident(a.attname) FROM pg_attribute a
                           WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
                           ORDER BY a.attnum);
        nulls := ARRAY(SELECT fuzz.value('NULL', a.atttypid) FROM pg_attribute a
                        WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
                        ORDER BY a.attnum);
        -- Column by column for tables and the views that pass changes on;
        -- a view that cannot (a join, an aggregate) gets the statements of
        -- the whole relation only.
        FOR c IN
            SELECT a.attname::text AS name, a.atttypid::regtype AS type
              FROM pg_attribute a
             WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
               AND (r.relkind <> 'v' OR pg_relation_is_updatable(r.oid, false) <> 0)
             ORDER BY a.attnum
        LOOP
            -- The row a sane INSERT gives: the columns the table requires
            -- (NOT NULL without a default), and those with a sane value of
            -- the table's own, or (views) of their name; others default.
            SELECT array_agg(quote_ident(a.attname) ORDER BY a.attnum),
                   array_agg(fuzz.value(sv.expr, a.atttypid) ORDER BY a.attnum)
              INTO cols, vals
              FROM pg_attribute a
             CROSS JOIN LATERAL (SELECT * FROM fuzz.sane_values(r.name, a.attname, a.atttypid) s
                                  WHERE s.is_default LIMIT 1) sv
             WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
               AND a.attname <> c.name
               AND ((a.attnotnull AND NOT a.atthasdef)
                    OR EXISTS (SELECT FROM fuzz.sane s WHERE s.scope = r.name AND s.arg = a.attname)
                    OR (r.relkind = 'v' AND a.attname IN ('location_id', 'person_id', 'kind', 'to_status',
                                                          'reason', 'full_name', 'email')));
            cols := coalesce(cols, ARRAY[]::text[]) || quote_ident(c.name);
            FOR v IN SELECT * FROM fuzz.hostile_values(c.type, c.name) LOOP
                vals := coalesce(vals[1 : array_length(cols, 1) - 1], ARRAY[]::text[]) || fuzz.value(v.expr, c.type);
                INSERT INTO fuzz.call (pass, target, variant, sql) VALUES
                    (pass, format('INSERT %s(%s)', rel, c.name), c.name || ' = ' || v.label,
                     format('INSERT INTO %s (%s) VALUES (%s)', rel, array_to_string(cols, ', '),
                            array_to_string(vals, ', '))),
                    (pass, format('UPDATE %s(%s)', rel, c.name), c.name || ' = ' || v.label,
                     format('UPDATE %s SET %I = %s', rel, c.name, fuzz.value(v.expr, c.type))
                     -- A megabyte into one row of a table is enough (it is slow).
                     || CASE WHEN v.label LIKE '%1 MB%' AND r.relkind <> 'v'
                             THEN format(' WHERE ctid = (SELECT min(ctid) FROM %s)', rel) ELSE '' END);
            END LOOP;
        END LOOP;
        INSERT INTO fuzz.call (pass, target, variant, sql) VALUES
            (pass, format('INSERT %s', rel), 'all NULL',
             format('INSERT INTO %s (%s) VALUES (%s)', rel, array_to_string(all_cols, ', '),
                    array_to_string(nulls, ', '))),
            (pass, format('UPDATE %s', rel), 'all NULL',
             format('UPDATE %s SET (%s) = ROW(%s)', rel, array_to_string(all_cols, ', '),
                    array_to_string(nulls, ', '))),
            (pass, format('UPDATE %s', rel), 'every column to itself',
             format('UPDATE %s SET (%s) = ROW(%s)', rel, array_to_string(all_cols, ', '),
                    array_to_string(all_cols, ', '))),
            (pass, format('INSERT %s', rel), 'a copy of every row',
             format('INSERT INTO %s SELECT * FROM %s', rel, rel)),
            (pass, format('DELETE %s', rel), 'every row', format('DELETE FROM %s', rel)),
            (pass, format('TRUNCATE %s', rel), 'the table', format('TRUNCATE %s', rel));
        SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord) INTO pk
          FROM pg_constraint co
          CROSS JOIN LATERAL unnest(co.conkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.attnum
         WHERE co.conrelid = r.oid AND co.contype = 'p';
        IF pk IS NOT NULL THEN
            SELECT string_agg(format('%1$I = EXCLUDED.%1$I', a.attname), ', ' ORDER BY a.attnum)
              INTO set_list
              FROM pg_attribute a
             WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
               AND format('%I', a.attname) <> ALL (string_to_array(pk, ', '));
            INSERT INTO fuzz.call (pass, target, variant, sql) VALUES
                (pass, format('INSERT %s', rel), 'a copy of every row, ON CONFLICT DO NOTHING',
                 format('INSERT INTO %s SELECT * FROM %s ON CONFLICT DO NOTHING', rel, rel)),
                (pass, format('INSERT %s', rel), 'a copy of every row, ON CONFLICT DO UPDATE',
                 format('INSERT INTO %s SELECT * FROM %s ON CONFLICT (%s) DO UPDATE SET %s',
                        rel, rel, pk, set_list));
        END IF;
    END LOOP;
    -- Status changes along every edge, and NULL keys, on the rows of each
    -- status (direct DML is how imports and admin panels change customers).
    INSERT INTO fuzz.call (pass, target, variant, sql)
    SELECT pass, 'UPDATE cowork.customer(status)', format('%s -> %s', f.enumlabel, t.enumlabel),
           format('UPDATE cowork.customer SET status = %L WHERE status = %L', t.enumlabel, f.enumlabel)
      FROM pg_enum f, pg_enum t
     WHERE f.enumtypid = 'cowork.customer_status'::regtype AND t.enumtypid = f.enumtypid
       AND f.enumlabel <> t.enumlabel;
    INSERT INTO fuzz.call (pass, target, variant, sql)
    SELECT pass, format('UPDATE cowork.customer(%s)', k), format('%s = NULL, status %s -> %s', k, f.enumlabel, t.enumlabel),
           format('UPDATE cowork.customer SET %I = NULL, status = %L WHERE status = %L', k, t.enumlabel, f.enumlabel)
      FROM pg_enum f, pg_enum t, unnest(ARRAY['location_id', 'person_id']) AS k
     WHERE f.enumtypid = 'cowork.customer_status'::regtype AND t.enumtypid = f.enumtypid;
    SELECT count(*) INTO total FROM fuzz.call fc
     WHERE fc.pass = generate_dml.pass AND fc.target ~ '^(INSERT|UPDATE|DELETE|TRUNCATE) ';
    RETURN total;
END $$;

-- Stored hostile data, then the code that reads it: after the owner pass,
-- each column UPDATE that succeeded (the hostile value is in the table) is
-- run again followed by the probes of its table, in the same statement
-- (pass chain), but for the megabyte values (slow, and the owner pass has
-- them).  A probe's target is the function it calls.
CREATE TABLE fuzz.probe (
    ord    serial PRIMARY KEY,
    tables text[] NOT NULL,
    target regprocedure NOT NULL,
    sql    text NOT NULL
);
INSERT INTO fuzz.probe (tables, target, sql) VALUES
    ('{subscription,subscription_end_due,location,plan,customer,company}',
     'cowork.run_auto_remove(timestamptz)', $$SELECT cowork.run_auto_remove(now() + interval '1 year')$$),
    ('{subscription,subscription_end_due,location,plan,customer,company}',
     'cowork.run_maintenance(timestamptz, integer)', $$CALL cowork.run_maintenance(now() + interval '1 year', 100)$$),
    ('{subscription,subscription_end_due,location,plan}',
     'cowork.end_subscription(bigint, timestamptz)', format('SELECT cowork.end_subscription(%s)', fuzz.id('sub_open'))),
    ('{subscription,customer,location,plan}',
     'cowork.remove_member(bigint, bigint)', format('SELECT cowork.remove_member(%s, %s)', fuzz.id('loc'), fuzz.id('member'))),
    ('{customer,location}',
     'cowork.restore_member(bigint, bigint)', format('SELECT cowork.restore_member(%s, %s)', fuzz.id('loc'), fuzz.id('nonmember'))),
    ('{customer,location,person}',
     'cowork.delete_nonmember(bigint, bigint)', format('SELECT cowork.delete_nonmember(%s, %s)', fuzz.id('loc'), fuzz.id('nonmember'))),
    ('{customer,company,location}',
     'cowork.can(bigint, bigint, text)', format($$SELECT cowork.can(%s, %s, 'use_credits')$$, fuzz.id('loc'), fuzz.id('employee'))),
    ('{customer,company,location}',
     'cowork.can_view(bigint, bigint, cowork.visibility)',
     format($$SELECT cowork.can_view(%s, %s, 'network_members')$$, fuzz.id('loc2'), fuzz.id('employee'))),
    ('{credit_balance,credit_entry,company,customer}',
     'cowork.use_credits(bigint, bigint, numeric, cowork.credit_kind)',
     format('SELECT cowork.use_credits(%s, %s, 1)', fuzz.id('loc'), fuzz.id('employee'))),
    ('{credit_balance,credit_entry,customer}',
     'cowork.buy_credits(bigint, bigint, numeric, cowork.credit_kind)',
     format('SELECT cowork.buy_credits(%s, %s, 1)', fuzz.id('loc'), fuzz.id('contact'))),
    ('{credit_balance,credit_entry,customer}',
     'cowork.grant_credits(bigint, bigint, numeric, cowork.credit_kind)',
     format('SELECT cowork.grant_credits(%s, %s, 1)', fuzz.id('loc'), fuzz.id('member'))),
    ('{credit_balance,credit_entry,company}',
     'cowork.grant_company_credits(bigint, bigint, numeric, cowork.credit_kind)',
     format('SELECT cowork.grant_company_credits(%s, %s, 1)', fuzz.id('loc'), fuzz.id('company'))),
    ('{invitation,company,customer,person}',
     'cowork.approve_invitation(bigint)', format('SELECT cowork.approve_invitation(%s)', fuzz.id('invitation'))),
    ('{invitation,company,customer}',
     'cowork.invite_to_company(bigint, bigint, text, text)',
     format($$SELECT cowork.invite_to_company(%s, %s, 'Pia Probe', 'pia@example.com')$$, fuzz.id('loc'), fuzz.id('manager'))),
    ('{company,customer}',
     'cowork.set_primary_contact(bigint, bigint, bigint)',
     format('SELECT cowork.set_primary_contact(%s, %s, %s)', fuzz.id('loc'), fuzz.id('company'), fuzz.id('employee'))),
    ('{company,customer}',
     'cowork.set_company_manager(bigint, bigint, boolean)',
     format('SELECT cowork.set_company_manager(%s, %s)', fuzz.id('loc'), fuzz.id('employee'))),
    ('{customer}',
     'cowork.suspend(bigint, bigint)', format('SELECT cowork.suspend(%s, %s)', fuzz.id('loc'), fuzz.id('member'))),
    ('{action,customer,person}',
     'cowork.complete_action(bigint)', format('SELECT cowork.complete_action(%s)', fuzz.id('action_started'))),
    ('{person,customer}',
     'cowork.add_nonmember(bigint, text, text, text)',
     format($$SELECT cowork.add_nonmember(%s, 'Mia Member', 'mia@example.com')$$, fuzz.id('loc2'))),
    ('{person,customer,company}',
     'cowork.invite_member(bigint, text, text, text, bigint)',
     format($$SELECT cowork.invite_member(%s, 'Nora Nonmember', 'nora@example.com', NULL, %s)$$, fuzz.id('loc'), fuzz.id('company'))),
    ('{plan,location,subscription,customer,company}',
     'cowork.subscribe(bigint, bigint, bigint, timestamptz, timestamptz)',
     format($$SELECT cowork.subscribe(%s, %s, %s, now() - interval '1 day')$$, fuzz.id('loc'), fuzz.id('fresh'), fuzz.id('plan'))),
    ('{customer,person,action}',
     'cowork.track_actions(regclass, cowork.action_kind, name, name, name, text)',
     $$UPDATE fuzz_app.tracked SET state = 'paid'$$);

-- The chain calls, from the outcomes of the owner pass.
CREATE FUNCTION fuzz.generate_chains() RETURNS bigint
LANGUAGE sql AS $$
    WITH added AS (
        INSERT INTO fuzz.call (pass, target, variant, sql)
        SELECT 'chain', p.target::text,
               format('after %s = %s', c.target, split_part(c.variant, ' = ', 2)),
               c.sql || '; ' || p.sql
          FROM fuzz.call c
          JOIN fuzz.probe p
            ON substring(c.target FROM '^UPDATE cowork\.([a-z_]+)\(') = ANY (p.tables)
         WHERE c.pass = 'owner' AND c.sqlstate = '00000' AND c.variant NOT LIKE '%1 MB%'
         ORDER BY c.id, p.ord
        RETURNING 1)
    SELECT count(*) FROM added
$$;

-- fuzz.exec(sql, role): run one statement (as role, when given).  A
-- function, so that a CALL runs atomically, in the caller's subtransaction.
CREATE FUNCTION fuzz.exec(stmt text, role text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF role IS NOT NULL THEN
        EXECUTE format('SET LOCAL ROLE %I', role);
    END IF;
    EXECUTE stmt;
END $$;

-- fuzz.run_one(id, role): one call, in a subtransaction that is rolled
-- back; records its SQLSTATE and message.  fuzz-sql.sh runs each call as a
-- statement of its own (so statement_timeout applies to each), in the order
-- of the ids, each outcome committed before the next call: after a session
-- lost, the first call without an outcome is the one that was running.  A
-- cancel (57014) is not caught here: psql records it with fuzz.record().
CREATE FUNCTION fuzz.run_one(call_id int, role text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    stmt text;
    st text;
    msg text;
    t0 timestamptz;
BEGIN
    SELECT sql INTO STRICT stmt FROM fuzz.call WHERE id = call_id;
    t0 := clock_timestamp();
    BEGIN
        PERFORM fuzz.exec(stmt, role);
        RAISE EXCEPTION 'fuzz: roll back' USING ERRCODE = 'QZ999';
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    END;
    IF st = 'QZ999' THEN
        st := '00000';
        msg := NULL;
    END IF;
    UPDATE fuzz.call
       SET sqlstate = st, message = left(msg, 400),
           ms = round(extract(epoch FROM clock_timestamp() - t0)::numeric * 1000, 1)
     WHERE id = call_id;
END $$;

-- For the top-level pass (psql runs each CALL as a statement of its own):
-- fuzz.reseed() gives the next CALL work to do (the one before handled
-- everything due), a subscription whose start and end are both due.
CREATE FUNCTION fuzz.reseed() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    p bigint;
    s bigint;
BEGIN
    INSERT INTO cowork.person (email, full_name)
    VALUES (format('top%s@example.com', nextval('cowork.person_person_id_seq')), 'Top Level')
    RETURNING person_id INTO p;
    s := cowork.subscribe(fuzz.id('loc'), p, fuzz.id('plan'), now() - interval '2 days',
                          now() - interval '1 hour');
    UPDATE cowork.subscription SET start_processed_at = NULL
     WHERE location_id = fuzz.id('loc') AND subscription_id = s;
END $$;
-- fuzz.record(id, sqlstate, message): the outcome psql saw (a top-level
-- call's, or a cancelled fuzz.run_one's: TIMEOUT).
CREATE FUNCTION fuzz.record(call_id int, st text, msg text) RETURNS void
LANGUAGE sql AS $$
    UPDATE fuzz.call SET sqlstate = CASE WHEN st = '57014' THEN 'TIMEOUT' ELSE st END,
           message = CASE WHEN st <> '00000' THEN left(msg, 400) END
     WHERE id = call_id
$$;
-- The psql script of the calls of a pass that have no outcome yet.
CREATE FUNCTION fuzz.script(p_pass text, role text) RETURNS SETOF text
LANGUAGE sql AS $$
    SELECT CASE WHEN p_pass = 'toplevel' THEN
                concat_ws(E'\n', 'SELECT fuzz.reseed();', sql || ';',
                          format($f$SELECT fuzz.record(%s, :'SQLSTATE', :'LAST_ERROR_MESSAGE');$f$, id))
           ELSE
                concat_ws(E'\n', format('SELECT fuzz.run_one(%s, %L);', id, role),
                          '\if :ERROR',
                          format($f$SELECT fuzz.record(%s, :'SQLSTATE', :'LAST_ERROR_MESSAGE');$f$, id),
                          '\endif')
           END
      FROM fuzz.call WHERE pass = p_pass AND sqlstate IS NULL ORDER BY id
$$;
