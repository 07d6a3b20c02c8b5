-- Functions: actions and tracked application tables.

CREATE FUNCTION @extschema@.record_action(location_id bigint, person_id bigint,
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
COMMENT ON FUNCTION @extschema@.record_action(bigint, bigint, @extschema@.action_kind, @extschema@.action_state, numeric) IS
'Records an action (completed unless said otherwise) and returns its id; a completed one makes the person a nonmember of the location unless they are a customer there';

CREATE FUNCTION @extschema@.complete_action(action_id bigint)
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_complete_action'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.complete_action(bigint) IS
'started -> completed (and so the person becomes a nonmember if new or removed there); nothing to do when completed; an error when cancelled';

CREATE FUNCTION @extschema@.track_actions(source regclass,
                                         kind @extschema@.action_kind,
                                         location_column name,
                                         person_column name,
                                         state_column name,
                                         completed_value text)
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_track_actions'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.track_actions(regclass, @extschema@.action_kind, name, name, name, text) IS
'Attaches cowork.action_trigger() to an application table and records it in cowork.tracked_source, so that its rows drive statuses as cowork.action does; checks the columns (the state column may be of any type with equality, completed_value is read with its type); calling it again replaces the attachment';

CREATE FUNCTION @extschema@.untrack_actions(source regclass)
RETURNS boolean
AS 'MODULE_PATHNAME', 'cowork_untrack_actions'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.untrack_actions(regclass) IS
'Detaches what track_actions() attached and removes it from cowork.tracked_source; false when the table was not tracked';
