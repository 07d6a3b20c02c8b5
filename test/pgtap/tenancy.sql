-- Tenancy, function by function: every function and procedure of the
-- schema, listed from the catalog (so that a new one without an access check
-- fails here), is called as an admin of another location and must refuse;
-- called at the role's own location it must not refuse for lack of access.
-- And the catalog facts row-level security rests on.
BEGIN;

-- Two locations with one of everything each.
SELECT cowork.create_location('Downtown') AS a, cowork.create_location('Old Town Loft') AS b \gset
CREATE TEMP TABLE tap_sides AS VALUES ('a', :a::bigint), ('b', :b::bigint);
CREATE TEMP TABLE tap_ids (side text PRIMARY KEY, ids jsonb);
GRANT SELECT ON tap_ids TO PUBLIC;
DO $$
DECLARE
    side text;
    loc bigint;
    person bigint;
    company bigint;
    plan bigint;
BEGIN
    FOR side, loc IN SELECT * FROM tap_sides LOOP
        person := cowork.invite_member(loc, 'Member ' || side, 'member-' || side || '@example.com');
        company := cowork.create_company(loc, 'Company ' || side);
        UPDATE cowork.customer SET company_id = company
         WHERE location_id = loc AND person_id = person;
        plan := cowork.create_plan(loc, 'Plan ' || side);
        INSERT INTO tap_ids VALUES (side, jsonb_build_object(
            'location_id', loc, 'person_id', person, 'company_id', company, 'plan_id', plan,
            'subscription_id', cowork.subscribe(loc, person, plan),
            'invitation_id', cowork.invite_to_company(loc, person, 'Invitee ' || side,
                                                      'invitee-' || side || '@example.com'),
            'action_id', cowork.record_action(loc, person, 'payment', 'started')));
    END LOOP;
END $$;
CREATE TABLE public.tap_bookings (loc bigint, person bigint, state text);

-- The call of a function with the values of one side's rows, by argument
-- name (an argument without a value here is an error: add one).
CREATE FUNCTION pg_temp.call_of(fn oid, ids jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    p pg_proc;
    args text[] := '{}';
    n text;
    t regtype;
    v text;
BEGIN
    SELECT * INTO p FROM pg_proc WHERE oid = fn;
    FOR i IN 1 .. p.pronargs LOOP
        n := p.proargnames[i];
        t := p.proargtypes[i - 1];
        v := CASE
            WHEN ids ? n THEN (ids ->> n)
            WHEN n = 'role' THEN quote_literal('regress_tap_admin_a')
            WHEN n = 'source' THEN quote_literal('public.tap_bookings')
            WHEN n IN ('full_name', 'name') THEN quote_literal('Tap Name')
            WHEN n = 'email' THEN quote_literal('tap@example.com')
            WHEN n IN ('phone', 'network') THEN 'NULL'
            WHEN n = 'capability' THEN quote_literal('use_credits')
            WHEN n = 'completed_value' THEN quote_literal('paid')
            WHEN n IN ('location_column', 'person_column', 'state_column')
                THEN quote_literal(CASE n WHEN 'location_column' THEN 'loc'
                                          WHEN 'person_column' THEN 'person' ELSE 'state' END)
            WHEN t = 'cowork.action_kind'::regtype THEN quote_literal('payment')
            WHEN t = 'cowork.credit_kind'::regtype THEN quote_literal('credits')
            WHEN t = 'cowork.action_state'::regtype THEN quote_literal('started')
            WHEN t = 'cowork.visibility'::regtype THEN quote_literal('public')
            WHEN t = 'cowork.staff_access'::regtype THEN quote_literal('admin')
            WHEN n = 'amount' THEN '1'
            WHEN t = 'timestamptz'::regtype THEN 'now()'
            WHEN n = 'batch_size' THEN '10'
            WHEN t = 'boolean'::regtype THEN 'true'
        END;
        IF v IS NULL THEN
            RAISE EXCEPTION 'no test value for argument % of %: add one to test/pgtap/tenancy.sql',
                n, fn::regprocedure;
        END IF;
        args := args || format('%I => %s::%s', n, v, t);
    END LOOP;
    RETURN format('%s %s(%s)', CASE p.prokind WHEN 'p' THEN 'CALL' ELSE 'SELECT' END,
                  fn::regproc, array_to_string(args, ', '));
END $$;

-- Every function and procedure but the trigger functions and these, which
-- read or change nothing of any location: the email rule, and what the
-- caller's own access is.
CREATE TEMP TABLE tap_functions AS
SELECT p.oid AS fn, p.oid::regprocedure::text AS name, p.provolatile AS volatility,
       coalesce(p.proargnames[1] IN ('location_id', 'action_id', 'subscription_id',
                                     'invitation_id'), false) AS at_a_location,
       coalesce(p.proargnames[1] IN ('action_id', 'subscription_id', 'invitation_id'), false) AS by_row_id
  FROM pg_proc p
 WHERE p.pronamespace = 'cowork'::regnamespace
   AND p.prorettype <> 'trigger'::regtype
   AND p.proname NOT IN ('normalize_email', 'is_valid_email', 'accessible_locations', 'has_access');
ALTER TABLE tap_functions ADD COLUMN call_b text, ADD COLUMN call_a text;
UPDATE tap_functions SET call_b = pg_temp.call_of(fn, (SELECT ids FROM tap_ids WHERE side = 'b')),
                         call_a = pg_temp.call_of(fn, (SELECT ids FROM tap_ids WHERE side = 'a'));
GRANT SELECT ON tap_functions TO PUBLIC;

-- The SQLSTATE a call ends with ('00000' when it succeeds), rolled back.
CREATE FUNCTION pg_temp.outcome(call text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        EXECUTE call;
        RAISE EXCEPTION USING ERRCODE = 'ZZ000';
    EXCEPTION WHEN OTHERS THEN
        RETURN CASE SQLSTATE WHEN 'ZZ000' THEN '00000' ELSE SQLSTATE END;
    END;
END $$;

SELECT plan((SELECT count(*)::int * 2 + count(*) FILTER (WHERE volatility = 'v')::int
                    + count(*) FILTER (WHERE at_a_location)::int FROM tap_functions) + 11);

-- The roles: an admin of Downtown, and one that is also a reader of the
-- Old Town Loft.  Every privilege, EXECUTE on every function included, so
-- that only the access check can refuse.
CREATE ROLE regress_tap_admin_a;
CREATE ROLE regress_tap_admin_a_reader_b;
GRANT USAGE ON SCHEMA cowork TO regress_tap_admin_a, regress_tap_admin_a_reader_b;
GRANT ALL ON ALL TABLES IN SCHEMA cowork TO regress_tap_admin_a, regress_tap_admin_a_reader_b;
GRANT ALL ON ALL SEQUENCES IN SCHEMA cowork TO regress_tap_admin_a, regress_tap_admin_a_reader_b;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA cowork TO regress_tap_admin_a, regress_tap_admin_a_reader_b;
GRANT EXECUTE ON ALL PROCEDURES IN SCHEMA cowork TO regress_tap_admin_a, regress_tap_admin_a_reader_b;
GRANT ALL ON public.tap_bookings TO regress_tap_admin_a, regress_tap_admin_a_reader_b;
SELECT cowork.grant_access('regress_tap_admin_a', :a, 'admin') \gset
SELECT cowork.grant_access('regress_tap_admin_a_reader_b', :a, 'admin') \gset
SELECT cowork.grant_access('regress_tap_admin_a_reader_b', :b, 'reader') \gset

SELECT cmp_ok((SELECT count(*)::int FROM tap_functions), '>=', 35, 'the catalog lists the functions');

-- 1. An admin of Downtown calls every function at the Old Town Loft: 42501;
-- a row (action, subscription, invitation) of a location it cannot read is
-- one that does not exist (P0002).
SET ROLE regress_tap_admin_a;
SELECT is(pg_temp.outcome(call_b), CASE WHEN by_row_id THEN 'P0002' ELSE '42501' END,
          name || ' refuses an admin of another location: ' || call_b)
  FROM tap_functions ORDER BY name;
RESET ROLE;

-- 2. One that also reads the Old Town Loft: every function that changes
-- something refuses with 42501, those that look the row up too.
SET ROLE regress_tap_admin_a_reader_b;
SELECT is(pg_temp.outcome(call_b), '42501', name || ' refuses a reader: ' || call_b)
  FROM tap_functions WHERE volatility = 'v' ORDER BY name;
RESET ROLE;

-- 3. At Downtown the admin is not refused for lack of access (a call may
-- still fail for its own reasons: a refused transition, a member already).
SET ROLE regress_tap_admin_a;
SELECT isnt(pg_temp.outcome(call_a), '42501', name || ' works for an admin of its location: ' || call_a)
  FROM tap_functions WHERE at_a_location ORDER BY name;
RESET ROLE;

-- 4. With no access row at all, nothing works: the same calls at Downtown.
CREATE ROLE regress_tap_nobody;
GRANT USAGE ON SCHEMA cowork TO regress_tap_nobody;
GRANT ALL ON ALL TABLES IN SCHEMA cowork TO regress_tap_nobody;
GRANT ALL ON ALL SEQUENCES IN SCHEMA cowork TO regress_tap_nobody;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA cowork TO regress_tap_nobody;
GRANT EXECUTE ON ALL PROCEDURES IN SCHEMA cowork TO regress_tap_nobody;
SET ROLE regress_tap_nobody;
SELECT is(pg_temp.outcome(call_a), CASE WHEN by_row_id THEN 'P0002' ELSE '42501' END,
          name || ' refuses a role without access: ' || call_a)
  FROM tap_functions ORDER BY name;
RESET ROLE;

-- 5. What row-level security rests on: every table with location_id (and
-- cowork.person) has it, none is FORCEd (the owner, whose rights the
-- extension's own records are written with, is not restricted; a COPY
-- restore by a non-superuser owner works), every view reads with the
-- caller's rights, and every policy compares location_id with an array
-- computed once per statement.
SELECT is_empty($$
    SELECT c.relname FROM pg_class c
     WHERE c.relnamespace = 'cowork'::regnamespace AND c.relkind IN ('r', 'p')
       AND (EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'location_id')
            OR c.relname = 'person')
       AND NOT c.relrowsecurity
$$, 'every table with location_id, and cowork.person, has row-level security');
SELECT is_empty($$
    SELECT c.relname FROM pg_class c
     WHERE c.relnamespace = 'cowork'::regnamespace AND c.relkind IN ('r', 'p')
       AND c.relrowsecurity
       AND NOT EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = c.oid AND p.polcmd IN ('r', '*'))
$$, 'every table with row-level security has a policy for reading');
SELECT is_empty($$
    SELECT c.relname FROM pg_class c
     WHERE c.relnamespace = 'cowork'::regnamespace AND c.relforcerowsecurity
$$, 'no table forces row-level security on its owner');
SELECT is_empty($$
    SELECT c.relname FROM pg_class c
     WHERE c.relnamespace = 'cowork'::regnamespace AND c.relkind = 'v'
       AND NOT coalesce('security_invoker=true' = ANY (c.reloptions), false)
$$, 'every view is security_invoker');
SELECT is_empty($$
    SELECT tablename, policyname FROM pg_policies
     WHERE schemaname = 'cowork' AND tablename <> 'person'
       AND coalesce(qual, with_check) NOT LIKE '%location_id = ANY (cowork.accessible_locations(%'
       AND coalesce(qual, with_check) NOT LIKE 'cowork.has_access(NULL::bigint, %'
$$, 'every policy compares location_id with the array of the statement');
SELECT is_empty($$
    SELECT c.relname FROM pg_class c
     WHERE c.relname IN ('customer_event', 'customer_audit') AND c.relnamespace = 'cowork'::regnamespace
       AND EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = c.oid AND p.polcmd <> 'r')
$$, 'no policy lets anyone write the event log or the audit');

-- 6. A direct INSERT into the log or the audit is refused to an admin of
-- every location holding INSERT on them; the triggers write them still.
CREATE ROLE regress_tap_all;
GRANT USAGE ON SCHEMA cowork TO regress_tap_all;
GRANT ALL ON ALL TABLES IN SCHEMA cowork TO regress_tap_all;
GRANT ALL ON ALL SEQUENCES IN SCHEMA cowork TO regress_tap_all;
SELECT cowork.grant_access('regress_tap_all', NULL, 'admin') \gset
SELECT ids ->> 'person_id' AS pa FROM tap_ids WHERE side = 'a' \gset
SET ROLE regress_tap_all;
SELECT throws_ok(format($$INSERT INTO cowork.customer_event (location_id, person_id, to_status, reason)
                          VALUES (%s, %s, 'removed', 'forged')$$, :a, :pa),
                 '42501', NULL, 'an admin of every location cannot forge an event');
SELECT throws_ok(format($$INSERT INTO cowork.customer_audit (location_id, person_id, field, new_value, reason)
                          VALUES (%s, %s, 'suspended', 'true', 'forged')$$, :a, :pa),
                 '42501', NULL, 'nor an audit row');
SELECT lives_ok(format($$SELECT cowork.remove_member(%s, %s)$$, :a, :pa), 'it removes a member');
SELECT results_eq($$SELECT actor::text, reason FROM cowork.customer_events ORDER BY event_id DESC LIMIT 1$$,
                  $$VALUES ('regress_tap_all', 'remove_member')$$, 'and the trigger logs it, naming it');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
