-- The C entry points the tables' triggers call (defined before the tables).

CREATE FUNCTION @extschema@.normalize_email(email text)
RETURNS text
AS 'MODULE_PATHNAME', 'cowork_normalize_email'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.normalize_email(text) IS
'The email rule: returns the address trimmed and lower-cased, or raises 22023 saying what is wrong (NULL included)';

CREATE FUNCTION @extschema@.is_valid_email(email text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'cowork_is_valid_email'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.is_valid_email(text) IS
'true when normalize_email would accept the address, false otherwise (NULL included); for checking imports and forms';

CREATE FUNCTION @extschema@.person_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'cowork_person_trigger'
LANGUAGE C;
COMMENT ON FUNCTION @extschema@.person_trigger() IS
'BEFORE INSERT OR UPDATE on cowork.person: normalises and validates email, full_name and phone';

CREATE FUNCTION @extschema@.customer_check_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'cowork_customer_check_trigger'
LANGUAGE C;
COMMENT ON FUNCTION @extschema@.customer_check_trigger() IS
'BEFORE INSERT, UPDATE or DELETE on cowork.customer: checks the status transition against the transition table; refuses key changes and deletes';

CREATE FUNCTION @extschema@.customer_event_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'cowork_customer_event_trigger'
LANGUAGE C;
COMMENT ON FUNCTION @extschema@.customer_event_trigger() IS
'AFTER INSERT or UPDATE on cowork.customer: writes one cowork.customer_event row per status change';

CREATE FUNCTION @extschema@.append_only_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'cowork_append_only_trigger'
LANGUAGE C;
COMMENT ON FUNCTION @extschema@.append_only_trigger() IS
'Refuses UPDATE, DELETE and TRUNCATE on a table whose rows are kept (the event log; TRUNCATE of customers); its argument is the error detail';

CREATE FUNCTION @extschema@.action_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'cowork_action_trigger'
LANGUAGE C;
COMMENT ON FUNCTION @extschema@.action_trigger() IS
'AFTER INSERT OR UPDATE on cowork.action and on tables attached by track_actions(): a row that becomes completed makes its person a nonmember (a member stays a member)';

CREATE FUNCTION @extschema@.action_state_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'cowork_action_state_trigger'
LANGUAGE C;
COMMENT ON FUNCTION @extschema@.action_state_trigger() IS
'BEFORE INSERT OR UPDATE on cowork.action: started -> completed or cancelled, completed -> cancelled, cancelled is final; completed_at is set when the action completes, NULL before';

CREATE FUNCTION @extschema@.subscription_check_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'cowork_subscription_check_trigger'
LANGUAGE C;
COMMENT ON FUNCTION @extschema@.subscription_check_trigger() IS
'BEFORE INSERT OR UPDATE on cowork.subscription: a subscription keeps its location, subscriber and plan (55000); one ended before its start never starts';

CREATE FUNCTION @extschema@.subscription_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'cowork_subscription_trigger'
LANGUAGE C;
COMMENT ON FUNCTION @extschema@.subscription_trigger() IS
'AFTER INSERT OR UPDATE on cowork.subscription: a started membership subscription makes its people members; the end date is queued for the sweep';

CREATE FUNCTION @extschema@.location_switch_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'cowork_location_switch_trigger'
LANGUAGE C;
COMMENT ON FUNCTION @extschema@.location_switch_trigger() IS
'AFTER UPDATE OF auto_remove_members on cowork.location: takes the location''s subscription lock; switched on, releases the ends held while it was off';
