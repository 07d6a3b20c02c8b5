-- Tenancy: row-level security on every table with location_id and on
-- cowork.person, the views run with the caller's rights, and the triggers
-- that tell sessions when access changed.  Each policy compares the row's
-- location_id with the array of the locations the role reaches
-- (accessible_locations(), STABLE, so that an index scan on location_id
-- evaluates it once, when it starts, and takes it as its key; no subquery,
-- which Citus does not allow in the policies of distributed tables).
-- The same DO blocks run in the upgrade script: they drop a policy before
-- they create it, and ENABLE ROW LEVEL SECURITY is idempotent.

CREATE TRIGGER location_access_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.location_access
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.access_changed_trigger();
COMMENT ON TRIGGER location_access_changed ON @extschema@.location_access IS
'Sessions work out the roles'' access again after a change of the access rows';
CREATE TRIGGER location_list_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.location
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.access_changed_trigger();
COMMENT ON TRIGGER location_list_changed ON @extschema@.location IS
'Sessions work out again which locations the roles with access to every location reach';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.location_access', '');

-- The member and nonmember lists of a location under row-level security:
-- there the lists' status comparison (enum equality, which PostgreSQL does
-- not mark leakproof) may not run before the policies, so it cannot be a
-- condition of customer_location_status_idx; the planner still uses a
-- partial index whose predicate the comparison proves.
CREATE INDEX customer_members_idx ON @extschema@.customer (location_id)
    WHERE status = 'member';
COMMENT ON INDEX @extschema@.customer_members_idx IS
'Serves the members of a location (cowork.members) for roles that row-level security restricts';
CREATE INDEX customer_nonmembers_idx ON @extschema@.customer (location_id)
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

-- The trigger is not for calling.
REVOKE ALL ON FUNCTION @extschema@.access_changed_trigger() FROM PUBLIC;
