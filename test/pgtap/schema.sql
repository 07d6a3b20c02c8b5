-- The schema contract (SPEC sections 6 and 7): tables, columns, keys,
-- types, functions, views, triggers, comments, pg_dump membership.
BEGIN;
SELECT plan(172);

SELECT has_schema('cowork');
SELECT has_extension('cowork');

-- Types
SELECT enum_has_labels('cowork', 'customer_status', ARRAY['member', 'nonmember', 'removed']);
SELECT enum_has_labels('cowork', 'customer_type', ARRAY['individual', 'company']);
SELECT enum_has_labels('cowork', 'action_kind', ARRAY['room_booking', 'desk_booking',
       'parking_booking', 'office_booking', 'payment', 'benefit_application',
       'shop_order', 'event_ticket']);
SELECT enum_has_labels('cowork', 'action_state', ARRAY['started', 'completed', 'cancelled']);
SELECT enum_has_labels('cowork', 'visibility', ARRAY['public', 'network_members',
       'location_members', 'admins']);

-- Tables and columns
SELECT tables_are('cowork', ARRAY['location', 'person', 'customer', 'customer_event', 'action',
       'company', 'plan', 'subscription', 'subscription_end_due', 'invitation', 'credit_balance',
       'credit_entry', 'customer_audit', 'tracked_source', 'location_access']);
SELECT enum_has_labels('cowork', 'credit_kind', ARRAY['credits', 'day_passes']);
SELECT enum_has_labels('cowork', 'invitation_status', ARRAY['pending', 'approved', 'rejected']);
SELECT columns_are('cowork', 'company', ARRAY['location_id', 'company_id', 'name', 'primary_contact_id',
       'auto_approve_members', 'members_use_company_credits', 'created_at']);
SELECT col_is_pk('cowork', 'credit_balance', ARRAY['location_id', 'owner_kind', 'owner_id', 'kind']::name[], 'one balance per owner and kind');
SELECT col_has_check('cowork', 'credit_balance', 'balance', 'a balance is checked never to go negative');
SELECT col_has_check('cowork', 'credit_entry', 'amount', 'a ledger amount is checked');
SELECT results_eq($$
    SELECT conrelid::regclass::text, conname::text COLLATE "default" FROM pg_constraint
     WHERE conrelid IN ('cowork.credit_balance'::regclass, 'cowork.credit_entry'::regclass)
       AND contype = 'c' AND conname ~ '(finite|hundredths)$' ORDER BY 1, 2
$$, $$ VALUES ('cowork.credit_balance', 'credit_balance_finite'),
              ('cowork.credit_balance', 'credit_balance_hundredths'),
              ('cowork.credit_entry', 'credit_entry_amount_finite'),
              ('cowork.credit_entry', 'credit_entry_amount_hundredths') $$,
   'balances and ledger amounts are checked to be finite and in hundredths');
SELECT throws_ok($$INSERT INTO cowork.credit_balance (location_id, owner_kind, owner_id, kind, balance)
                   VALUES (1, 'person', 1, 'credits', 'NaN')$$, '23514', NULL,
                 'a NaN balance is refused (balance >= 0 alone lets it through)');
SELECT throws_ok($$INSERT INTO cowork.credit_entry (location_id, owner_kind, owner_id, kind, amount, reason)
                   VALUES (1, 'person', 1, 'credits', 0.001, 'grant')$$, '23514', NULL,
                 'a ledger amount finer than hundredths is refused');
SELECT has_index('cowork', 'customer', 'customer_company_contact_key', ARRAY['location_id', 'company_id']::name[],
                 'a company''s primary contact is found by index');
SELECT index_is_unique('cowork', 'customer', 'customer_company_contact_key',
                       'a company has one primary contact');
SELECT is((SELECT pg_get_expr(indpred, indrelid) FROM pg_index
            WHERE indexrelid = 'cowork.customer_company_contact_key'::regclass),
          '(customer_type = ''company''::cowork.customer_type)',
          'the index covers the customers of customer_type company only');
SELECT columns_are('cowork', 'plan', ARRAY['location_id', 'plan_id', 'name', 'grants_membership', 'created_at']);
SELECT col_default_is('cowork', 'plan', 'grants_membership', 'true', 'plans grant membership unless said otherwise');
SELECT columns_are('cowork', 'subscription', ARRAY['location_id', 'subscription_id', 'plan_id', 'person_id',
       'company_id', 'starts_at', 'ends_at', 'ended_by', 'ended_at', 'start_processed_at',
       'created_at']);
SELECT col_is_pk('cowork', 'subscription', ARRAY['location_id', 'subscription_id']::name[], 'subscriptions are keyed by location');
SELECT fk_ok('cowork', 'customer', ARRAY['location_id', 'company_id'], 'cowork', 'company', ARRAY['location_id', 'company_id']);
SELECT fk_ok('cowork', 'subscription', ARRAY['location_id', 'plan_id'], 'cowork', 'plan', ARRAY['location_id', 'plan_id']);
SELECT has_index('cowork', 'subscription', 'subscription_start_due_idx', 'starts_at'::name, 'due starts are found by index');
SELECT has_index('cowork', 'subscription_end_due', 'subscription_end_due_ends_idx', 'ends_at'::name, 'due ends are found by index');
SELECT columns_are('cowork', 'action', ARRAY['location_id', 'action_id', 'person_id', 'kind',
       'state', 'amount', 'reference', 'created_at', 'completed_at']);
SELECT col_type_is('cowork', 'action', 'kind', 'cowork.action_kind', 'cowork.action.kind is cowork.action_kind');
SELECT col_type_is('cowork', 'action', 'state', 'cowork.action_state', 'cowork.action.state is cowork.action_state');
SELECT col_default_is('cowork', 'action', 'state', 'completed', 'cowork.action.state defaults to completed');
SELECT col_is_pk('cowork', 'action', ARRAY['location_id', 'action_id']::name[], 'actions are keyed by location');
SELECT fk_ok('cowork', 'action', 'person_id', 'cowork', 'person', 'person_id');
SELECT fk_ok('cowork', 'action', 'location_id', 'cowork', 'location', 'location_id');
SELECT columns_are('cowork', 'location', ARRAY['location_id', 'name', 'network',
       'auto_remove_members', 'auto_remove_grace', 'created_at']);
SELECT columns_are('cowork', 'person', ARRAY['person_id', 'email', 'full_name', 'phone', 'created_at']);
SELECT columns_are('cowork', 'customer', ARRAY['location_id', 'person_id', 'status',
       'customer_type', 'company_id', 'is_company_manager', 'is_admin', 'suspended', 'since']);
SELECT columns_are('cowork', 'customer_event', ARRAY['location_id', 'event_id', 'person_id',
       'from_status', 'to_status', 'reason', 'at', 'actor', 'source', 'source_key']);
SELECT columns_are('cowork', 'customer_audit', ARRAY['location_id', 'audit_id', 'person_id',
       'field', 'old_value', 'new_value', 'reason', 'at', 'actor']);
SELECT col_is_pk('cowork', 'customer_audit', ARRAY['location_id', 'person_id', 'audit_id']::name[],
       'audit rows are keyed by location and person');
SELECT columns_are('cowork', 'tracked_source', ARRAY['source_schema', 'source_table', 'kind',
       'location_column', 'person_column', 'state_column', 'completed_value', 'id_column',
       'tracked_at', 'tracked_by']);

SELECT col_type_is('cowork', 'location', 'location_id', 'bigint', 'cowork.location.location_id is bigint');
SELECT col_type_is('cowork', 'location', 'auto_remove_members', 'boolean', 'cowork.location.auto_remove_members is boolean');
SELECT col_type_is('cowork', 'location', 'auto_remove_grace', 'interval', 'cowork.location.auto_remove_grace is interval');
SELECT col_default_is('cowork', 'location', 'auto_remove_members', 'true', 'cowork.location.auto_remove_members defaults to true');
SELECT col_default_is('cowork', 'location', 'auto_remove_grace', '0'::interval, 'cowork.location.auto_remove_grace defaults to 0');
SELECT col_type_is('cowork', 'person', 'person_id', 'bigint', 'cowork.person.person_id is bigint');
SELECT col_type_is('cowork', 'person', 'email', 'text', 'cowork.person.email is text');
SELECT col_not_null('cowork', 'person', 'email', 'cowork.person.email is NOT NULL');
SELECT col_not_null('cowork', 'person', 'full_name', 'cowork.person.full_name is NOT NULL');
SELECT col_is_null('cowork', 'person', 'phone', 'cowork.person.phone may be NULL');
SELECT col_type_is('cowork', 'customer', 'status', 'cowork.customer_status', 'cowork.customer.status is cowork.customer_status');
SELECT col_type_is('cowork', 'customer', 'customer_type', 'cowork.customer_type', 'cowork.customer.customer_type is cowork.customer_type');
SELECT col_default_is('cowork', 'customer', 'customer_type', 'individual', 'cowork.customer.customer_type defaults to individual');
SELECT col_type_is('cowork', 'customer', 'company_id', 'bigint', 'cowork.customer.company_id is bigint');
SELECT col_type_is('cowork', 'customer', 'since', 'timestamp with time zone', 'cowork.customer.since is timestamp with time zone');
SELECT col_not_null('cowork', 'customer', 'status', 'cowork.customer.status is NOT NULL');
SELECT col_not_null('cowork', 'customer', 'since', 'cowork.customer.since is NOT NULL');
SELECT col_is_null('cowork', 'customer', 'company_id', 'cowork.customer.company_id may be NULL');
SELECT col_type_is('cowork', 'customer_event', 'from_status', 'cowork.customer_status', 'cowork.customer_event.from_status is cowork.customer_status');
SELECT col_is_null('cowork', 'customer_event', 'from_status', 'cowork.customer_event.from_status may be NULL');
SELECT col_not_null('cowork', 'customer_event', 'to_status', 'cowork.customer_event.to_status is NOT NULL');
SELECT col_not_null('cowork', 'customer_event', 'reason', 'cowork.customer_event.reason is NOT NULL');
SELECT col_not_null('cowork', 'customer_event', 'actor', 'cowork.customer_event.actor is NOT NULL');
SELECT col_type_is('cowork', 'customer_event', 'at', 'timestamp with time zone', 'cowork.customer_event.at is timestamp with time zone');

-- Keys: every key but the person's carries location_id (SPEC section 7).
SELECT col_is_pk('cowork', 'location', 'location_id'::name, 'location_id is the key of cowork.location');
SELECT col_is_pk('cowork', 'person', 'person_id'::name, 'person_id is the key of cowork.person');
SELECT col_is_unique('cowork', 'person', ARRAY['email']::name[], 'emails are unique');
SELECT col_is_pk('cowork', 'customer', ARRAY['location_id', 'person_id']::name[], 'a customer is a location and a person');
SELECT col_is_pk('cowork', 'customer_event', ARRAY['location_id', 'person_id', 'event_id']::name[], 'events are keyed by location and person');
SELECT fk_ok('cowork', 'customer', 'location_id', 'cowork', 'location', 'location_id');
SELECT fk_ok('cowork', 'customer', 'person_id', 'cowork', 'person', 'person_id');
SELECT is_empty($$
    SELECT c.conrelid::regclass, c.conname
      FROM pg_constraint c
     WHERE c.connamespace = 'cowork'::regnamespace
       AND c.contype IN ('p', 'u')
       AND c.conrelid NOT IN ('cowork.person'::regclass, 'cowork.tracked_source'::regclass)
       AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                        WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
                          AND a.attname = 'location_id')
$$, 'every primary key and unique constraint but those of the reference tables (person, tracked_source) includes location_id');
SELECT is_empty($$
    SELECT conrelid::regclass, conname FROM pg_constraint
     WHERE connamespace = 'cowork'::regnamespace AND conname ~ '^\d|^$'
$$, 'every constraint is named');

-- Functions: names, arguments and return types of SPEC section 6.
SELECT has_function('cowork', 'create_location', ARRAY['text', 'text']);
SELECT function_returns('cowork', 'create_location', ARRAY['text', 'text'], 'bigint');
SELECT has_function('cowork', 'add_nonmember', ARRAY['bigint', 'text', 'text', 'text']);
SELECT function_returns('cowork', 'add_nonmember', ARRAY['bigint', 'text', 'text', 'text'], 'bigint');
SELECT has_function('cowork', 'invite_member', ARRAY['bigint', 'text', 'text', 'text', 'bigint']);
SELECT function_returns('cowork', 'invite_member', ARRAY['bigint', 'text', 'text', 'text', 'bigint'], 'bigint');
SELECT function_returns('cowork', 'create_company', ARRAY['bigint', 'text'], 'bigint');
SELECT function_returns('cowork', 'create_plan', ARRAY['bigint', 'text', 'boolean'], 'bigint');
SELECT function_returns('cowork', 'subscribe', ARRAY['bigint', 'bigint', 'bigint', 'timestamp with time zone', 'timestamp with time zone'], 'bigint');
SELECT function_returns('cowork', 'subscribe_company', ARRAY['bigint', 'bigint', 'bigint', 'timestamp with time zone', 'timestamp with time zone'], 'bigint');
SELECT function_returns('cowork', 'end_subscription', ARRAY['bigint', 'timestamp with time zone'], 'void');
SELECT function_returns('cowork', 'run_auto_remove', ARRAY['timestamp with time zone'], 'bigint');
SELECT function_returns('cowork', 'can', ARRAY['bigint', 'bigint', 'text'], 'boolean');
SELECT function_returns('cowork', 'can_view', ARRAY['bigint', 'bigint', 'cowork.visibility'], 'boolean');
SELECT function_returns('cowork', 'suspend', ARRAY['bigint', 'bigint'], 'void');
SELECT function_returns('cowork', 'unsuspend', ARRAY['bigint', 'bigint'], 'void');
SELECT function_returns('cowork', 'invite_to_company', ARRAY['bigint', 'bigint', 'text', 'text'], 'bigint');
SELECT function_returns('cowork', 'approve_invitation', ARRAY['bigint'], 'bigint');
SELECT function_returns('cowork', 'use_credits', ARRAY['bigint', 'bigint', 'numeric', 'cowork.credit_kind'], 'text');
SELECT isnt_strict('cowork', 'can', ARRAY['bigint', 'bigint', 'text']);
SELECT is((SELECT prokind::text FROM pg_proc WHERE oid = 'cowork.run_maintenance(timestamptz, integer)'::regprocedure),
          'p', 'run_maintenance is a procedure (it commits between batches)');
SELECT has_function('cowork', 'remove_member', ARRAY['bigint', 'bigint']);
SELECT function_returns('cowork', 'remove_member', ARRAY['bigint', 'bigint'], 'void');
SELECT has_function('cowork', 'delete_nonmember', ARRAY['bigint', 'bigint']);
SELECT has_function('cowork', 'restore_member', ARRAY['bigint', 'bigint']);
SELECT has_function('cowork', 'status_of', ARRAY['bigint', 'bigint']);
SELECT function_returns('cowork', 'status_of', ARRAY['bigint', 'bigint'], 'cowork.customer_status');
SELECT is_strict('cowork', 'status_of', ARRAY['bigint', 'bigint']);
SELECT volatility_is('cowork', 'status_of', ARRAY['bigint', 'bigint'], 'stable');
SELECT function_returns('cowork', 'status_at', ARRAY['bigint', 'bigint', 'timestamp with time zone'], 'cowork.customer_status');
SELECT function_returns('cowork', 'members_at', ARRAY['bigint', 'timestamp with time zone'], 'setof record');
SELECT function_returns('cowork', 'active_users', ARRAY['bigint', 'timestamp with time zone', 'timestamp with time zone'], 'setof record');
SELECT is_empty($$
    SELECT p.oid::regprocedure FROM pg_proc p
     WHERE p.oid IN ('cowork.status_at(bigint, bigint, timestamptz)'::regprocedure,
                     'cowork.members_at(bigint, timestamptz)'::regprocedure,
                     'cowork.active_users(bigint, timestamptz, timestamptz)'::regprocedure)
       AND (p.prosecdef OR NOT p.proisstrict OR p.provolatile <> 's')
$$, 'the reporting functions are SECURITY INVOKER, STRICT and STABLE');
SELECT is((SELECT array_agg(pg_get_function_result(p.oid) ORDER BY p.proname) FROM pg_proc p
            WHERE p.pronamespace = 'cowork'::regnamespace AND p.proname IN ('members_at', 'active_users')),
          ARRAY['TABLE(person_id bigint, reason text)', 'TABLE(person_id bigint, since timestamp with time zone)'],
          'the reporting functions'' result columns');
SELECT isnt_strict('cowork', 'add_nonmember', ARRAY['bigint', 'text', 'text', 'text']);
SELECT isnt_strict('cowork', 'normalize_email', ARRAY['text']);
SELECT volatility_is('cowork', 'normalize_email', ARRAY['text'], 'immutable');
SELECT has_function('cowork', 'is_valid_email', ARRAY['text']);
SELECT function_returns('cowork', 'record_action',
       ARRAY['bigint', 'bigint', 'cowork.action_kind', 'cowork.action_state', 'numeric'], 'bigint');
SELECT function_returns('cowork', 'complete_action', ARRAY['bigint'], 'void');
SELECT function_returns('cowork', 'track_actions',
       ARRAY['regclass', 'cowork.action_kind', 'name', 'name', 'name', 'text'], 'void');
SELECT function_returns('cowork', 'untrack_actions', ARRAY['regclass'], 'boolean');
SELECT is(
    (SELECT array_agg(p.proargnames[1:2] ORDER BY p.proname)::text
       FROM pg_proc p
      WHERE p.pronamespace = 'cowork'::regnamespace
        AND p.proname IN ('add_nonmember', 'invite_member', 'remove_member',
                          'delete_nonmember', 'restore_member', 'status_of', 'subscribe',
                          'status_at')),
    '{{location_id,full_name},{location_id,person_id},{location_id,full_name},{location_id,person_id},{location_id,person_id},{location_id,person_id},{location_id,person_id},{location_id,person_id}}',
    'every function takes location_id first');
SELECT is_empty($$
    SELECT p.oid::regprocedure FROM pg_proc p
     WHERE p.pronamespace = 'cowork'::regnamespace AND p.prosecdef
       AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) AS c WHERE c LIKE 'search_path=%')
$$, 'every SECURITY DEFINER function pins search_path');

-- Views
SELECT views_are('cowork', ARRAY['members', 'nonmembers', 'customer_events', 'location_summary',
       'customer_history', 'tracked_actions', 'monthly_movement', 'tenure']);
SELECT columns_are('cowork', 'monthly_movement', ARRAY['location_id', 'month', 'new_customers',
       'joined', 'left', 'converted', 'members_at_end']);
SELECT columns_are('cowork', 'tenure', ARRAY['location_id', 'person_id', 'member_days',
       'times_member', 'member_since']);
SELECT is((SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_class c
            WHERE c.relnamespace = 'cowork'::regnamespace AND c.relkind = 'v'
              AND c.reloptions @> ARRAY['security_invoker=true']
              AND c.relname IN ('monthly_movement', 'tenure')),
          ARRAY['monthly_movement', 'tenure'], 'the reporting views are security_invoker');
SELECT columns_are('cowork', 'customer_history', ARRAY['location_id', 'person_id', 'action_id', 'kind',
       'state', 'amount', 'reference', 'created_at', 'completed_at']);
SELECT columns_are('cowork', 'tracked_actions', ARRAY['source', 'kind', 'location_column',
       'person_column', 'state_column', 'completed_value', 'id_column', 'source_schema',
       'source_table', 'tracked_at', 'tracked_by']);
SELECT columns_are('cowork', 'members', ARRAY['location_id', 'person_id', 'full_name', 'email',
       'phone', 'customer_type', 'company_id', 'since']);
SELECT columns_are('cowork', 'nonmembers', ARRAY['location_id', 'person_id', 'full_name', 'email',
       'phone', 'customer_type', 'company_id', 'since']);
SELECT columns_are('cowork', 'customer_events', ARRAY['location_id', 'person_id', 'from_status',
       'to_status', 'reason', 'at', 'actor', 'event_id', 'source', 'source_key']);
SELECT columns_are('cowork', 'location_summary', ARRAY['location_id', 'name', 'network',
       'members', 'nonmembers', 'removed', 'companies']);

-- Triggers: the rules hold for direct DML too.
SELECT trigger_is('cowork', 'person', 'person_normalize', 'cowork', 'person_trigger');
SELECT trigger_is('cowork', 'customer', 'customer_check', 'cowork', 'customer_check_trigger');
SELECT trigger_is('cowork', 'customer', 'customer_event', 'cowork', 'customer_event_trigger');
SELECT trigger_is('cowork', 'customer_event', 'customer_event_append_only', 'cowork', 'append_only_trigger');
SELECT trigger_is('cowork', 'action', 'action_state', 'cowork', 'action_state_trigger');
SELECT trigger_is('cowork', 'customer', 'customer_no_truncate', 'cowork', 'append_only_trigger');
SELECT trigger_is('cowork', 'subscription', 'subscription_rules', 'cowork', 'subscription_check_trigger');
SELECT trigger_is('cowork', 'subscription', 'subscription_start', 'cowork', 'subscription_trigger');
SELECT trigger_is('cowork', 'action', 'action_status', 'cowork', 'action_trigger');
SELECT trigger_is('cowork', 'customer_event', 'customer_event_no_truncate', 'cowork', 'append_only_trigger');
SELECT is(
    (SELECT string_agg(tgname || '=' || tgenabled::text, ',' ORDER BY tgname) FROM pg_trigger
      WHERE tgrelid = 'cowork.customer_event'::regclass AND NOT tgisinternal),
    'customer_event_append_only=A,customer_event_no_truncate=A',
    'the event log''s guards fire ALWAYS, also for replicas and restores');

-- Comments on every table, column, view, function, type, index, sequence.
SELECT is_empty($$
    SELECT c.oid::regclass FROM pg_class c
     WHERE c.relnamespace = 'cowork'::regnamespace
       AND obj_description(c.oid, 'pg_class') IS NULL
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
$$, 'every table, view, index and sequence has a comment');
SELECT is_empty($$
    SELECT conrelid::regclass, conname FROM pg_constraint
     WHERE connamespace = 'cowork'::regnamespace
       AND obj_description(oid, 'pg_constraint') IS NULL
$$, 'every constraint has a comment');
SELECT is_empty($$
    SELECT c.oid::regclass, a.attname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
     WHERE c.relnamespace = 'cowork'::regnamespace AND c.relkind = 'r'
       AND a.attnum > 0 AND NOT a.attisdropped
       AND col_description(c.oid, a.attnum) IS NULL
$$, 'every table column has a comment');
SELECT is_empty($$
    SELECT p.oid::regprocedure FROM pg_proc p
     WHERE p.pronamespace = 'cowork'::regnamespace
       AND obj_description(p.oid, 'pg_proc') IS NULL
$$, 'every function has a comment');
SELECT is_empty($$
    SELECT t.oid::regtype FROM pg_type t
     WHERE t.typnamespace = 'cowork'::regnamespace AND t.typtype = 'e'
       AND obj_description(t.oid, 'pg_type') IS NULL
$$, 'every type has a comment');
SELECT is_empty($$
    SELECT t.tgrelid::regclass, t.tgname FROM pg_trigger t
      JOIN pg_class c ON c.oid = t.tgrelid
     WHERE c.relnamespace = 'cowork'::regnamespace AND NOT t.tgisinternal
       AND obj_description(t.oid, 'pg_trigger') IS NULL
$$, 'every trigger has a comment');
SELECT isnt(obj_description('cowork'::regnamespace, 'pg_namespace'), NULL, 'the schema has a comment');

-- pg_dump keeps every table and sequence of user data.
SELECT set_eq(
    $$ SELECT unnest(extconfig)::regclass::text FROM pg_extension WHERE extname = 'cowork' $$,
    $$ SELECT c.oid::regclass::text FROM pg_class c
        WHERE c.relnamespace = 'cowork'::regnamespace AND c.relkind IN ('r', 'S') $$,
    'every table and sequence is marked for pg_dump');

-- Privileges: nothing for PUBLIC on the data.
SELECT table_privs_are('cowork', 'location', 'public', ARRAY[]::text[]);
SELECT table_privs_are('cowork', 'person', 'public', ARRAY[]::text[]);
SELECT table_privs_are('cowork', 'customer', 'public', ARRAY[]::text[]);
SELECT table_privs_are('cowork', 'customer_event', 'public', ARRAY[]::text[]);
SELECT table_privs_are('cowork', 'members', 'public', ARRAY[]::text[]);
SELECT table_privs_are('cowork', 'nonmembers', 'public', ARRAY[]::text[]);
SELECT table_privs_are('cowork', 'customer_events', 'public', ARRAY[]::text[]);
SELECT table_privs_are('cowork', 'location_summary', 'public', ARRAY[]::text[]);
SELECT table_privs_are('cowork', 'action', 'public', ARRAY[]::text[]);
SELECT table_privs_are('cowork', 'customer_history', 'public', ARRAY[]::text[]);
SELECT table_privs_are('cowork', 'tracked_actions', 'public', ARRAY[]::text[]);
SELECT table_privs_are('cowork', 'customer_audit', 'public', ARRAY[]::text[]);
SELECT table_privs_are('cowork', 'tracked_source', 'public', ARRAY[]::text[]);
SELECT table_privs_are('cowork', 'monthly_movement', 'public', ARRAY[]::text[]);
SELECT table_privs_are('cowork', 'tenure', 'public', ARRAY[]::text[]);
SELECT sequence_privs_are('cowork', 'person_person_id_seq', 'public', ARRAY[]::text[]);
SELECT sequence_privs_are('cowork', 'customer_event_event_id_seq', 'public', ARRAY[]::text[]);
SELECT function_privs_are('cowork', 'person_trigger', ARRAY[]::text[], 'public', ARRAY[]::text[]);
SELECT function_privs_are('cowork', 'customer_check_trigger', ARRAY[]::text[], 'public', ARRAY[]::text[]);
SELECT function_privs_are('cowork', 'customer_event_trigger', ARRAY[]::text[], 'public', ARRAY[]::text[]);
SELECT function_privs_are('cowork', 'action_trigger', ARRAY[]::text[], 'public', ARRAY[]::text[]);
SELECT function_privs_are('cowork', 'run_auto_remove', ARRAY['timestamp with time zone'], 'public', ARRAY[]::text[]);
SELECT table_privs_are('cowork', 'subscription', 'public', ARRAY[]::text[]);
SELECT function_privs_are('cowork', 'add_nonmember', ARRAY['bigint', 'text', 'text', 'text'], 'public', ARRAY['EXECUTE']);

SELECT * FROM finish();
ROLLBACK;
