-- Tenancy: each role sees and changes only the locations it was granted.
-- Readers, admins, a role with no access, a group, the rights to grant,
-- the plans the policies give, and what cannot be forged.
SET client_min_messages = warning;
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['regress_tn_reader', 'regress_tn_admin', 'regress_tn_none',
                             'regress_tn_member', 'regress_tn_group', 'regress_tn_all',
                             'regress_tn_admin_b'] LOOP
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('DROP OWNED BY %I', r);
            EXECUTE format('DROP ROLE %I', r);
        END IF;
    END LOOP;
END $$;
RESET client_min_messages;
\i test/sql/create-extension.sql
\set SHOW_CONTEXT never

-- Two locations with a bit of everything each, and a third one.
SELECT cowork.create_location('Downtown') AS a, cowork.create_location('Old Town Loft') AS b,
       cowork.create_location('Harbour') AS c \gset
SELECT cowork.invite_member(:a, 'Ada Lovelace', 'ada@example.com') AS ada \gset
SELECT cowork.invite_member(:b, 'Bob Builder', 'bob@example.com') AS bob \gset
SELECT cowork.add_nonmember(:b, 'Nina Nonmember', 'nina@example.com') AS nina \gset
SELECT cowork.add_nonmember(:a, 'Sam Shared', 'sam@example.com') AS sam \gset
SELECT cowork.add_nonmember(:b, 'Sam Shared', 'sam@example.com') = :sam AS sam_is_one_person;
SELECT cowork.create_company(:a, 'Acme') AS acme, cowork.create_company(:b, 'Bolt') AS bolt \gset
SELECT cowork.invite_member(:b, 'Carla Contact', 'carla@example.com', NULL, :bolt) AS carla \gset
SELECT cowork.create_plan(:a, 'Desk A') AS plan_a, cowork.create_plan(:b, 'Desk B') AS plan_b \gset
SELECT cowork.subscribe(:a, :ada, :plan_a) AS sub_a, cowork.subscribe(:b, :bob, :plan_b) AS sub_b \gset
SELECT cowork.record_action(:a, :ada, 'room_booking', 'started') AS act_a,
       cowork.record_action(:b, :bob, 'room_booking', 'started') AS act_b \gset
SELECT cowork.grant_credits(:a, :ada, 5), cowork.grant_credits(:b, :bob, 5);
SELECT cowork.invite_to_company(:b, :carla, 'Ivan Invitee', 'ivan@example.com') AS inv_b \gset
SELECT cowork.suspend(:b, :bob);
SELECT cowork.unsuspend(:b, :bob);
SELECT cowork.add_nonmember(:c, 'Otto Other', 'otto@example.com') AS otto \gset
INSERT INTO cowork.person (email, full_name) VALUES ('nobody@example.com', 'No Customer');

-- The roles.  The grants are the documented ones (docs/reference.md,
-- "Privileges"): the table privileges say what a role may do at all, its
-- access rows where.
CREATE ROLE regress_tn_reader;    -- reads Downtown
CREATE ROLE regress_tn_admin;     -- changes Downtown, reads nothing else
CREATE ROLE regress_tn_none;      -- the grants, but no access row
CREATE ROLE regress_tn_group NOLOGIN;   -- admin of Downtown, through a group
CREATE ROLE regress_tn_member IN ROLE regress_tn_group;
CREATE ROLE regress_tn_all;       -- admin of every location
CREATE ROLE regress_tn_admin_b;   -- admin of Old Town Loft, reader of Downtown
GRANT USAGE ON SCHEMA cowork TO regress_tn_reader, regress_tn_admin, regress_tn_none,
      regress_tn_group, regress_tn_all, regress_tn_admin_b;
GRANT SELECT ON ALL TABLES IN SCHEMA cowork TO regress_tn_reader, regress_tn_admin, regress_tn_none,
      regress_tn_group, regress_tn_all, regress_tn_admin_b;
GRANT INSERT, UPDATE ON cowork.location, cowork.person, cowork.customer, cowork.company, cowork.plan,
      cowork.subscription, cowork.action, cowork.invitation
   TO regress_tn_admin, regress_tn_none, regress_tn_group, regress_tn_all, regress_tn_admin_b;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA cowork
   TO regress_tn_admin, regress_tn_none, regress_tn_group, regress_tn_all, regress_tn_admin_b;
GRANT EXECUTE ON FUNCTION cowork.run_auto_remove(timestamptz) TO regress_tn_admin, regress_tn_all;

\set VERBOSITY default
-- Granting: an existing role (42704 otherwise) and location (P0002); a
-- second grant replaces the first (here: reader, then admin).
SELECT cowork.grant_access('regress_tn_reader', :a);
SELECT cowork.grant_access('regress_tn_admin', :a, 'reader');
SELECT cowork.grant_access('regress_tn_admin', :a, 'admin');
SELECT cowork.grant_access('regress_tn_group', :a, 'admin');
SELECT cowork.grant_access('regress_tn_all', NULL, 'admin');
SELECT cowork.grant_access('regress_tn_admin_b', :b, 'admin'), cowork.grant_access('regress_tn_admin_b', :a);
SELECT cowork.grant_access('regress_tn_nosuchrole', :a);
SELECT cowork.grant_access('regress_tn_reader', 999);
SELECT cowork.grant_access(NULL, :a);
SELECT cowork.grant_access('regress_tn_reader', :a, NULL);
SELECT role, location_id, access, granted_by FROM cowork.location_access ORDER BY role, location_id;

-- Only the owner, a superuser or an admin of every location grants.
SET ROLE regress_tn_admin;
SELECT cowork.grant_access('regress_tn_admin', :b, 'admin');
SELECT cowork.revoke_access('regress_tn_reader', :a);
RESET ROLE;
SET ROLE regress_tn_all;
SELECT cowork.grant_access('regress_tn_none', :c);
SELECT cowork.revoke_access('regress_tn_none', :c), cowork.revoke_access('regress_tn_none', :c);
SELECT cowork.revoke_access('regress_tn_dropped_long_ago', NULL);
RESET ROLE;

-- What each role has.
SELECT format('SET ROLE %I', r),
       format('SELECT %L AS role, cowork.accessible_locations() AS reads, cowork.accessible_locations(''admin'') AS changes, cowork.has_access(NULL) AS reads_every, cowork.has_access(%s, ''admin'') AS admin_of_a', r, :a),
       'RESET ROLE'
  FROM unnest(ARRAY['regress_tn_reader', 'regress_tn_admin', 'regress_tn_none', 'regress_tn_member',
                    'regress_tn_all', 'regress_tn_admin_b']) AS r \gexec

-- 1. A reader of Downtown: of every table and view, the rows it sees are
-- Downtown's; people only through Downtown's customers.
SELECT string_agg(format('SELECT %L AS relation, count(*) AS seen, count(*) FILTER (WHERE location_id <> %s) AS elsewhere FROM cowork.%I',
                         c.relname, :a, c.relname), ' UNION ALL ' ORDER BY c.relname) AS q
  FROM pg_class c
 WHERE c.relnamespace = 'cowork'::regnamespace AND c.relkind IN ('r', 'v')
   AND EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'location_id'
                  AND NOT a.attisdropped) \gset
SET ROLE regress_tn_reader;
:q ORDER BY relation;
SELECT person_id, full_name FROM cowork.person ORDER BY person_id;
-- ... and a role with no access row sees nothing at all.
SET ROLE regress_tn_none;
:q ORDER BY relation;
SELECT count(*) AS people FROM cowork.person;
RESET ROLE;

-- 2. A cheap function in the WHERE clause sees only the rows the policies
-- let through first: neither the people of other locations nor those who
-- are nobody's customer.
SET ROLE regress_tn_reader;
CREATE FUNCTION pg_temp.leak(email text, full_name text) RETURNS boolean
LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN
    RAISE NOTICE 'leak: % %', email, full_name;
    RETURN true;
END $$;
SELECT count(*) FROM cowork.members WHERE pg_temp.leak(email, full_name);
SELECT count(*) FROM cowork.person WHERE pg_temp.leak(email, full_name);
RESET ROLE;

-- 3. The policies compare location_id with the array accessible_locations()
-- returns, which an index scan takes as its key (evaluated once, when the
-- scan starts); the member list uses its partial index.
SET enable_seqscan = off;
SET ROLE regress_tn_reader;
EXPLAIN (COSTS OFF) SELECT * FROM cowork.customer;
EXPLAIN (COSTS OFF) SELECT full_name FROM cowork.members WHERE location_id = 1;
RESET ROLE;
RESET enable_seqscan;

-- 4. A reader cannot write its own location: functions say so (42501,
-- naming the location and, in the detail, the role); direct DML is refused
-- or finds nothing to change.
SET ROLE regress_tn_reader;
SELECT cowork.add_nonmember(:a, 'Rex Reader', 'rex@example.com');
SELECT cowork.remove_member(:a, :ada);
SELECT cowork.complete_action(:act_a);
SELECT cowork.create_plan(:a, 'Reader plan');
DO $$
BEGIN
    PERFORM cowork.grant_credits(1, 1, 1);
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'SQLSTATE %: %', SQLSTATE, SQLERRM;
END $$;
INSERT INTO cowork.plan (location_id, name) VALUES (:a, 'Direct');
-- (A reader with the privileges to write: the policies refuse it.)
SET ROLE regress_tn_admin_b;
INSERT INTO cowork.plan (location_id, name) VALUES (:a, 'Direct');
WITH changed AS (UPDATE cowork.customer SET status = 'removed' WHERE location_id = :a RETURNING 1)
SELECT count(*) AS customers_changed FROM changed;
WITH changed AS (UPDATE cowork.location SET name = 'Renamed' WHERE location_id = :a RETURNING 1)
SELECT count(*) AS locations_changed FROM changed;
RESET ROLE;
SELECT cowork.status_of(:a, :ada) AS ada_at_a, cowork.credit_balance(:a, :ada) AS ada_credits,
       (SELECT count(*) FROM cowork.plan) AS plans;

-- 5. An admin of Downtown does everything there, through the functions and
-- direct DML; the triggers write the events and the audit, naming it.
SET ROLE regress_tn_admin;
SELECT cowork.add_nonmember(:a, 'Dora Direct', 'dora@example.com') AS dora \gset
SELECT cowork.add_nonmember(:a, 'Bob Builder', 'bob@example.com') = :bob AS bob_found_by_email;
SELECT cowork.complete_action(:act_a);
SELECT cowork.record_action(:a, :nina, 'payment');
SELECT cowork.suspend(:a, :ada), cowork.unsuspend(:a, :ada);
SELECT cowork.end_subscription(:sub_a);
SELECT cowork.remove_member(:a, :ada);
UPDATE cowork.customer SET status = 'member' WHERE location_id = :a AND person_id = :ada;
SELECT cowork.use_credits(:a, :ada, 1);
SELECT cowork.credit_balance(:a, :ada);
SELECT cowork.can(:a, :ada, 'use_credits'), cowork.can_view(:a, :ada, 'location_members');
INSERT INTO cowork.plan (location_id, name) VALUES (:a, 'Direct plan');
UPDATE cowork.location SET auto_remove_grace = '1 day' WHERE location_id = :a;
RESET ROLE;
SELECT person_id, from_status, to_status, reason, actor FROM cowork.customer_events
 WHERE location_id = :a AND actor = 'regress_tn_admin' ORDER BY event_id;
SELECT person_id, field, new_value, reason, actor FROM cowork.customer_audit
 WHERE location_id = :a AND actor = 'regress_tn_admin' ORDER BY audit_id;

-- 6. ... and nothing at Old Town Loft: every function refuses, and direct
-- DML is refused (INSERT) or finds no row (UPDATE, DELETE).
SET ROLE regress_tn_admin;
SELECT cowork.add_nonmember(:b, 'Eve Elsewhere', 'eve@example.com');
SELECT cowork.remove_member(:b, :bob);
SELECT cowork.status_of(:b, :bob);
SELECT cowork.can(:b, :bob, 'use_credits');
SELECT cowork.credit_balance(:b, :bob);
SELECT cowork.record_action(:b, :bob, 'payment');
SELECT cowork.subscribe(:b, :bob, :plan_b);
-- A row of a location the role cannot read is one that does not exist.
SELECT cowork.complete_action(:act_b);
SELECT cowork.end_subscription(:sub_b);
SELECT cowork.approve_invitation(:inv_b);
SELECT cowork.complete_action(999999);
INSERT INTO cowork.plan (location_id, name) VALUES (:b, 'Sneaky');
INSERT INTO cowork.customer (location_id, person_id, status) VALUES (:b, :ada, 'member');
WITH changed AS (UPDATE cowork.customer SET status = 'removed' WHERE location_id = :b RETURNING 1)
SELECT count(*) AS customers_changed FROM changed;
WITH changed AS (UPDATE cowork.location SET name = 'Mine now' WHERE location_id = :b RETURNING 1)
SELECT count(*) AS locations_changed FROM changed;
WITH changed AS (UPDATE cowork.person SET full_name = 'Renamed' WHERE person_id = :carla RETURNING 1)
SELECT count(*) AS people_changed FROM changed;
-- The sweep is for the DBA.
SELECT cowork.run_auto_remove();
CALL cowork.run_maintenance();
SELECT cowork.create_location('Annex');
RESET ROLE;
-- A reader of the row's location learns it exists and may not change it.
SET ROLE regress_tn_admin_b;
SELECT cowork.complete_action(:act_a);
SELECT cowork.end_subscription(:sub_a);
RESET ROLE;
SELECT location_id, count(*) FILTER (WHERE status = 'member') AS members,
       count(*) FILTER (WHERE status = 'removed') AS removed
  FROM cowork.customer GROUP BY 1 ORDER BY 1;
SELECT name FROM cowork.location WHERE location_id = :b;
SELECT full_name FROM cowork.person WHERE person_id = :carla;

-- 7. Through a group: its members have its access, until it is revoked.
SET ROLE regress_tn_member;
SELECT cowork.add_nonmember(:a, 'Greta Group', 'greta@example.com') IS NOT NULL AS added_through_group;
SELECT count(*) AS people_seen FROM cowork.person;
RESET ROLE;
SELECT cowork.revoke_access('regress_tn_group', :a);
SET ROLE regress_tn_member;
SELECT count(*) AS people_seen FROM cowork.person;
SELECT cowork.add_nonmember(:a, 'Greta Again', 'greta2@example.com');
RESET ROLE;
-- In one transaction: a grant is in force at once, and gone after a
-- rollback to a savepoint.
BEGIN;
SELECT cowork.grant_access('regress_tn_group', :c, 'reader');
SET LOCAL ROLE regress_tn_member;
SELECT cowork.accessible_locations() AS after_grant;
RESET ROLE;
SAVEPOINT s;
SELECT cowork.grant_access('regress_tn_group', :b, 'reader');
SET LOCAL ROLE regress_tn_member;
SELECT cowork.accessible_locations() AS in_savepoint;
ROLLBACK TO SAVEPOINT s;
SET LOCAL ROLE regress_tn_member;
SELECT cowork.accessible_locations() AS after_rollback;
ROLLBACK;

-- 8. An admin of every location reaches a location created after its
-- grant, in the same statement too; it runs the sweep.
SET ROLE regress_tn_all;
SELECT cowork.create_plan(cowork.create_location('Annex'), 'Annex desk') IS NOT NULL AS plan_at_new_location;
SELECT count(*) AS locations_seen FROM cowork.location;
SELECT cowork.run_auto_remove() >= 0 AS swept;
RESET ROLE;

-- 9. Nobody forges the log or the audit, whatever its access and its
-- privileges, nor switches the triggers off.
GRANT INSERT ON cowork.customer_event, cowork.customer_audit TO regress_tn_all;
SET ROLE regress_tn_all;
INSERT INTO cowork.customer_event (location_id, person_id, to_status, reason)
VALUES (:a, :ada, 'removed', 'forged');
INSERT INTO cowork.customer_audit (location_id, person_id, field, new_value, reason)
VALUES (:a, :ada, 'suspended', 'true', 'forged');
ALTER TABLE cowork.customer DISABLE TRIGGER customer_event;
SET session_replication_role = replica;
RESET ROLE;
SELECT count(*) AS forged FROM cowork.customer_event WHERE reason = 'forged';

-- 10. The restore path still takes rows as they are (the owner's COPY).
COPY cowork.plan (location_id, plan_id, name) FROM STDIN;
2	900	Restored plan
\.
SELECT name FROM cowork.plan WHERE plan_id = 900;

SET client_min_messages = warning;
DROP OWNED BY regress_tn_reader, regress_tn_admin, regress_tn_none, regress_tn_member,
              regress_tn_group, regress_tn_all, regress_tn_admin_b;
DROP ROLE regress_tn_reader, regress_tn_admin, regress_tn_none, regress_tn_member,
          regress_tn_group, regress_tn_all, regress_tn_admin_b;
