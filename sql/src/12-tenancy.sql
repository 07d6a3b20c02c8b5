-- Tenancy: which role may see and change which location (docs/model.md,
-- "Tenancy").  The access rows and the functions that keep and check them;
-- the row-level security that applies them to the tables is in
-- 60-tenancy-policies.sql.

CREATE TYPE @extschema@.staff_access AS ENUM ('reader', 'admin');
COMMENT ON TYPE @extschema@.staff_access IS
'Access of a role to a location: reader (reads it), admin (reads it and changes its customers, plans, subscriptions, companies, credits: everything the functions do there)';

CREATE TABLE @extschema@.location_access (
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

CREATE FUNCTION @extschema@.accessible_locations(access @extschema@.staff_access DEFAULT 'reader')
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'cowork_accessible_locations'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.accessible_locations(@extschema@.staff_access) IS
'The locations where the current role has at least this access (every location for superusers, the extension''s owner and roles with access to every location); what the row-level security policies compare location_id with, once per statement';

CREATE FUNCTION @extschema@.has_access(location_id bigint,
                                      access @extschema@.staff_access DEFAULT 'reader')
RETURNS boolean
AS 'MODULE_PATHNAME', 'cowork_has_access'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.has_access(bigint, @extschema@.staff_access) IS
'Whether the current role has at least this access at the location; a NULL location asks about every location';

CREATE FUNCTION @extschema@.require_access(location_id bigint,
                                          access @extschema@.staff_access DEFAULT 'reader')
RETURNS boolean
AS 'MODULE_PATHNAME', 'cowork_require_access'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.require_access(bigint, @extschema@.staff_access) IS
'true when the current role has at least this access at the location, else 42501 "permission denied for location N (name)" (P0002 for an unknown location, 22004 for NULL): the check every function of the extension makes first';

CREATE FUNCTION @extschema@.grant_access(role name, location_id bigint DEFAULT NULL,
                                        access @extschema@.staff_access DEFAULT 'reader')
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_grant_access'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.grant_access(name, bigint, @extschema@.staff_access) IS
'Gives an existing role reader or admin access to a location (NULL: every location), replacing the access it had there; for the extension''s owner, superusers and roles with admin access to every location';

CREATE FUNCTION @extschema@.revoke_access(role name, location_id bigint DEFAULT NULL)
RETURNS boolean
AS 'MODULE_PATHNAME', 'cowork_revoke_access'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.revoke_access(name, bigint) IS
'Removes the role''s access row of the location (NULL: its row for every location, not those of single locations); false when there was none; for the same roles as grant_access';

CREATE FUNCTION @extschema@.access_changed_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'cowork_access_changed_trigger'
LANGUAGE C;
COMMENT ON FUNCTION @extschema@.access_changed_trigger() IS
'AFTER ... FOR EACH STATEMENT on cowork.location_access and cowork.location: tells every session to work out the roles'' access again';
