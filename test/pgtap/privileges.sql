-- Privileges and safety: the grants docs/reference.md gives an application
-- role and a reporting role are enough and no more; the event log is
-- written only by the trigger; search_path cannot redirect the functions.
-- Since 0.2.0 a role also needs access to the locations (grant_access):
-- the application role has admin access to every location, the reporting
-- role reader access to one.
BEGIN;
SELECT plan(31);

SELECT cowork.create_location('Downtown') AS loc \gset
SELECT cowork.invite_member(:loc, 'Ada Lovelace', 'ada@example.com') AS ada \gset
SELECT cowork.invite_member(:loc, 'Grace Hopper', 'grace@example.com') AS grace \gset

-- The documented grants (docs/reference.md, "Privileges").
CREATE ROLE regress_app;
GRANT USAGE ON SCHEMA cowork TO regress_app;
GRANT SELECT, INSERT, UPDATE ON cowork.location, cowork.person, cowork.customer,
      cowork.company, cowork.plan, cowork.subscription, cowork.action, cowork.invitation TO regress_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA cowork TO regress_app;
GRANT SELECT ON ALL TABLES IN SCHEMA cowork TO regress_app;
SELECT cowork.grant_access('regress_app', NULL, 'admin') \gset
CREATE ROLE regress_report;
GRANT USAGE ON SCHEMA cowork TO regress_report;
GRANT SELECT ON ALL TABLES IN SCHEMA cowork TO regress_report;   -- the views and the tables under them
SELECT cowork.grant_access('regress_report', :loc, 'reader') \gset
CREATE ROLE regress_nobody;
GRANT USAGE ON SCHEMA cowork TO regress_nobody;

SET ROLE regress_app;
SELECT lives_ok(format('SELECT cowork.add_nonmember(%s, %L, %L)', :loc, 'Linus', 'linus@example.com'),
                'the application role adds a nonmember');
SELECT lives_ok(format('SELECT cowork.remove_member(%s, %s)', :loc, :ada),
                'the application role removes a member');
SELECT lives_ok(format('UPDATE cowork.customer SET status = %L WHERE person_id = %s', 'member', :ada),
                'the application role updates a status directly');
SELECT lives_ok('SELECT cowork.create_location(''Harbour'')', 'the application role creates a location');
SELECT lives_ok(format('SELECT cowork.complete_action(cowork.record_action(%s, %s, %L, %L))', :loc, :grace, 'room_booking', 'started'),
                'the application role records and completes an action');
SELECT throws_ok(format('SELECT cowork.track_actions(%L, %L, %L, %L, %L, %L)', 'cowork.person', 'payment', 'person_id', 'person_id', 'email', 'x'),
                 '22023', NULL, 'cowork''s own tables are never tracked');
SELECT lives_ok(format('SELECT cowork.subscribe(%s, %s, cowork.create_plan(%s, %L))', :loc, :ada, :loc, 'Desk'),
                'the application role subscribes a member');
SELECT lives_ok(format('SELECT cowork.remove_member(%s, %s)', :loc, :ada),
                'the application role removes a member with a running subscription');
SELECT lives_ok(format('SELECT cowork.restore_member(%s, %s)', :loc, :ada), 'and restores them');
SELECT lives_ok(format('SELECT cowork.grant_credits(%s, %s, 3), cowork.use_credits(%s, %s, 1)', :loc, :ada, :loc, :ada),
                'the application role grants and spends credits');
SELECT throws_ok(format('INSERT INTO cowork.credit_entry (location_id, owner_kind, owner_id, kind, amount, reason) VALUES (%s, %L, %s, %L, 100, %L)',
                        :loc, 'person', :ada, 'credits', 'forged'),
                 '42501', NULL, 'the application role cannot forge credits');
SELECT throws_ok(format('INSERT INTO cowork.customer_event (location_id, person_id, to_status, reason) VALUES (%s, %s, %L, %L)',
                        :loc, :ada, 'removed', 'forged'),
                 '42501', NULL, 'the application role cannot forge an event');
SELECT throws_ok('UPDATE cowork.customer_event SET reason = ''forged''', '42501', NULL,
                 'the application role cannot rewrite the log');
SELECT throws_ok(format('DELETE FROM cowork.customer WHERE person_id = %s', :ada), '42501', NULL,
                 'the application role cannot delete customers');
RESET ROLE;

SELECT results_eq(
    format('SELECT from_status::text, to_status::text, reason, actor FROM cowork.customer_events WHERE person_id = %s ORDER BY event_id', :ada),
    $$ VALUES (NULL, 'member', 'invite_member', 'postgres'),
              ('member', 'nonmember', 'remove_member', 'regress_app'),
              ('nonmember', 'member', 'direct_update', 'regress_app'),
              ('member', 'nonmember', 'remove_member', 'regress_app'),
              ('nonmember', 'member', 'restore_member', 'regress_app') $$,
    'events name the role that made each change');

SET ROLE regress_report;
SELECT results_eq('SELECT count(*)::int FROM cowork.members', ARRAY[2], 'the reporting role reads the members');
SELECT results_eq('SELECT members::int, nonmembers::int FROM cowork.location_summary ORDER BY location_id',
                  $$ VALUES (2, 1) $$, 'the reporting role reads the summary of its location only');
SELECT results_eq('SELECT count(*)::int FROM cowork.person', ARRAY[3],
                  'the reporting role reads the people of its location');
SELECT results_eq('SELECT count(*)::int FROM cowork.location', ARRAY[1],
                  'and not the location the application role created');
SELECT throws_ok(format('SELECT cowork.remove_member(%s, %s)', :loc, :ada), '42501', NULL,
                 'the reporting role cannot change customers');
SELECT throws_ok(format('INSERT INTO cowork.plan (location_id, name) VALUES (%s, %L)', :loc, 'Report plan'), '42501', NULL,
                 'nor write the tables');
RESET ROLE;
SELECT cowork.revoke_access('regress_report', :loc) \gset
SET ROLE regress_report;
SELECT results_eq('SELECT count(*)::int FROM cowork.members', ARRAY[0], 'without access the reporting role reads nothing');
RESET ROLE;

CREATE TABLE public.my_payments (loc bigint, person bigint, state text);
ALTER TABLE public.my_payments OWNER TO regress_nobody;
SET ROLE regress_nobody;
SELECT throws_ok(format('SELECT cowork.add_nonmember(%s, %L, %L)', :loc, 'X', 'x@example.com'), '42501', NULL,
                 'a role without grants cannot add customers');
SELECT throws_ok('SELECT * FROM cowork.members', '42501', NULL, 'a role without grants cannot read the lists');
SELECT throws_ok(format('SELECT cowork.track_actions(%L, %L, %L, %L, %L, %L)', 'public.my_payments', 'payment', 'loc', 'person', 'state', 'paid'),
                 '42501', NULL, 'attaching the action trigger needs EXECUTE on cowork.action_trigger()');
RESET ROLE;

-- A search_path that puts a hostile "=" before pg_catalog changes nothing:
-- every statement the extension runs names pg_catalog's operators.
CREATE SCHEMA regress_evil;
CREATE FUNCTION regress_evil.always(bigint, bigint) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR regress_evil.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = regress_evil.always);
CREATE FUNCTION regress_evil.lower(text) RETURNS text LANGUAGE sql AS 'SELECT ''hijacked''';
SET LOCAL search_path = regress_evil, pg_catalog, public;
SELECT is(1::bigint = 2::bigint, true, 'the hostile operator is in force');
SELECT lives_ok(format('SELECT cowork.remove_member(%s, %s)', :loc, :grace), 'remove_member runs');
SELECT is(cowork.status_of(:loc, :ada), 'member', 'the other member is untouched');
SELECT is(cowork.status_of(:loc, :grace), 'nonmember', 'only the named member was removed');
SELECT is(cowork.normalize_email('New@Example.com'), 'new@example.com', 'the email rule ignores search_path');
SELECT is((SELECT count(*)::int FROM cowork.customer_event WHERE person_id = :grace), 2,
          'one event for the one change');
RESET search_path;

SELECT * FROM finish();
ROLLBACK;
