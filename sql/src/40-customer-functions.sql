-- Functions: locations and customer statuses.

CREATE FUNCTION @extschema@.create_location(name text, network text DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'cowork_create_location'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.create_location(text, text) IS
'Creates a location (optionally in a network) and returns its id; the name is required';

CREATE FUNCTION @extschema@.add_nonmember(location_id bigint, full_name text,
                                         email text, phone text DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'cowork_add_nonmember'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.add_nonmember(bigint, text, text, text) IS
'Makes the person with this email (created if new) a nonmember of the location and returns the person id; an error if they are a member there';

CREATE FUNCTION @extschema@.invite_member(location_id bigint, full_name text,
                                         email text, phone text DEFAULT NULL,
                                         company_id bigint DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'cowork_invite_member'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.invite_member(bigint, text, text, text, bigint) IS
'Makes the person with this email (created if new) a member of the location, of company_id when given, and returns the person id; an existing nonmember or removed customer is restored with restore_member instead';

CREATE FUNCTION @extschema@.remove_member(location_id bigint, person_id bigint)
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_remove_member'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.remove_member(bigint, bigint) IS
'member -> nonmember at the location, and ends their running subscriptions there; nothing to do for a nonmember; an error for a removed or unknown customer';

CREATE FUNCTION @extschema@.delete_nonmember(location_id bigint, person_id bigint)
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_delete_nonmember'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.delete_nonmember(bigint, bigint) IS
'nonmember -> removed at the location (history kept); refused for a member; nothing to do when already removed';

CREATE FUNCTION @extschema@.restore_member(location_id bigint, person_id bigint)
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_restore_member'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.restore_member(bigint, bigint) IS
'nonmember or removed -> member at the location; nothing to do for a member; an error for an unknown customer';

CREATE FUNCTION @extschema@.status_of(location_id bigint, person_id bigint)
RETURNS @extschema@.customer_status
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT @extschema@.require_access(status_of.location_id, 'reader');
    SELECT c.status
      FROM @extschema@.customer AS c
     WHERE c.location_id OPERATOR(pg_catalog.=) status_of.location_id
       AND c.person_id OPERATOR(pg_catalog.=) status_of.person_id;
END;
COMMENT ON FUNCTION @extschema@.status_of(bigint, bigint) IS
'The person''s status at the location, NULL when they are not a customer there';
