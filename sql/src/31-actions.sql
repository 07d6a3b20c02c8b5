-- Actions (bookings, payments, orders...) whose completion makes customers.

CREATE TABLE @extschema@.action (
    location_id  bigint NOT NULL,
    action_id    bigserial,
    person_id    bigint NOT NULL,
    kind         @extschema@.action_kind NOT NULL,
    state        @extschema@.action_state NOT NULL DEFAULT 'completed',
    amount       numeric NOT NULL DEFAULT 0,
    reference    text,
    created_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    completed_at timestamptz DEFAULT pg_catalog.now(),
    CONSTRAINT action_pkey PRIMARY KEY (location_id, action_id),
    CONSTRAINT action_location_fkey FOREIGN KEY (location_id)
        REFERENCES @extschema@.location (location_id),
    CONSTRAINT action_person_fkey FOREIGN KEY (person_id)
        REFERENCES @extschema@.person (person_id),
    CONSTRAINT action_amount_not_negative CHECK (amount >= 0)
);
COMMENT ON TABLE @extschema@.action IS
'Bookings, payments, benefit applications, shop orders and event tickets; one that becomes completed makes its person a nonmember of the location';
COMMENT ON COLUMN @extschema@.action.location_id IS 'Where the action happens';
COMMENT ON COLUMN @extschema@.action.action_id IS 'Identifier of the action';
COMMENT ON COLUMN @extschema@.action.person_id IS 'Who acts';
COMMENT ON COLUMN @extschema@.action.kind IS 'What kind of action';
COMMENT ON COLUMN @extschema@.action.state IS 'started, completed (makes the person a customer) or cancelled';
COMMENT ON COLUMN @extschema@.action.amount IS 'Amount paid or due, zero or more';
COMMENT ON COLUMN @extschema@.action.reference IS 'The application''s own reference (booking number, invoice, order)';
COMMENT ON COLUMN @extschema@.action.created_at IS 'When the action was recorded';
COMMENT ON COLUMN @extschema@.action.completed_at IS 'When it became completed: NULL until then (the trigger keeps it so)';
COMMENT ON CONSTRAINT action_pkey ON @extschema@.action IS 'Actions are keyed by location';
COMMENT ON CONSTRAINT action_location_fkey ON @extschema@.action IS 'An action happens at an existing location';
COMMENT ON CONSTRAINT action_person_fkey ON @extschema@.action IS 'An action is done by an existing person';
COMMENT ON CONSTRAINT action_amount_not_negative ON @extschema@.action IS 'Amounts are zero or more; a refund cancels the action';

CREATE INDEX action_person_idx
    ON @extschema@.action (location_id, person_id, created_at DESC, action_id DESC);
COMMENT ON INDEX @extschema@.action_person_idx IS
'Serves cowork.customer_history: a person''s actions at a location, newest first';
CREATE INDEX action_id_idx ON @extschema@.action (action_id);
COMMENT ON INDEX @extschema@.action_id_idx IS
'Serves complete_action(action_id)';
CREATE INDEX action_person_id_idx ON @extschema@.action (person_id);
COMMENT ON INDEX @extschema@.action_person_id_idx IS
'Serves the foreign key from cowork.person';

CREATE TRIGGER action_state
    BEFORE INSERT OR UPDATE ON @extschema@.action
    FOR EACH ROW EXECUTE FUNCTION @extschema@.action_state_trigger();
COMMENT ON TRIGGER action_state ON @extschema@.action IS
'Keeps the action''s own states: cancelled is final, completed never goes back to started; stamps completed_at';
CREATE TRIGGER action_status
    AFTER INSERT OR UPDATE OF state ON @extschema@.action
    FOR EACH ROW EXECUTE FUNCTION @extschema@.action_trigger(
        '', 'location_id', 'person_id', 'state', 'completed', 'action_id', '');
COMMENT ON TRIGGER action_status ON @extschema@.action IS
'A completed action makes its person a nonmember of the location (a member stays a member)';

CREATE TABLE @extschema@.tracked_source (
    source_schema   name NOT NULL,
    source_table    name NOT NULL,
    kind            @extschema@.action_kind NOT NULL,
    location_column name NOT NULL,
    person_column   name NOT NULL,
    state_column    name NOT NULL,
    completed_value text NOT NULL,
    id_column       name,
    tracked_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    tracked_by      name NOT NULL DEFAULT CURRENT_USER,
    CONSTRAINT tracked_source_pkey PRIMARY KEY (source_schema, source_table)
);
COMMENT ON TABLE @extschema@.tracked_source IS
'The application tables attached by track_actions(), with their columns: the action trigger acts only for a table and arguments found here.  Written only by track_actions() and untrack_actions()';
COMMENT ON COLUMN @extschema@.tracked_source.source_schema IS 'Schema of the tracked table';
COMMENT ON COLUMN @extschema@.tracked_source.source_table IS 'Name of the tracked table';
COMMENT ON COLUMN @extschema@.tracked_source.kind IS 'The kind of action its rows are';
COMMENT ON COLUMN @extschema@.tracked_source.location_column IS 'Its integer column holding the location id';
COMMENT ON COLUMN @extschema@.tracked_source.person_column IS 'Its integer column holding the person id';
COMMENT ON COLUMN @extschema@.tracked_source.state_column IS 'Its column holding the state';
COMMENT ON COLUMN @extschema@.tracked_source.completed_value IS 'The state value that means completed, as text (read with the state column''s type)';
COMMENT ON COLUMN @extschema@.tracked_source.id_column IS 'Its one-column primary key, whose value the events name as source_key; NULL when it has none';
COMMENT ON COLUMN @extschema@.tracked_source.tracked_at IS 'When track_actions() attached it';
COMMENT ON COLUMN @extschema@.tracked_source.tracked_by IS 'The role that called track_actions()';
COMMENT ON CONSTRAINT tracked_source_pkey ON @extschema@.tracked_source IS 'A table is tracked once';
