-- Locations, people, companies, customers and the append-only event log.

CREATE TABLE @extschema@.location (
    location_id         bigserial,
    name                text NOT NULL,
    network             text,
    auto_remove_members boolean NOT NULL DEFAULT true,
    auto_remove_grace   interval NOT NULL DEFAULT '0'::interval,
    created_at          timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT location_pkey PRIMARY KEY (location_id),
    CONSTRAINT location_name_not_blank CHECK (pg_catalog.btrim(name) <> ''),
    CONSTRAINT location_network_not_blank CHECK (pg_catalog.btrim(network) <> ''),
    CONSTRAINT location_grace_not_negative CHECK (auto_remove_grace >= '0'::interval)
);
COMMENT ON TABLE @extschema@.location IS
'One space (building) of an operator; locations with the same network share network content';
COMMENT ON COLUMN @extschema@.location.location_id IS 'Identifier of the location';
COMMENT ON COLUMN @extschema@.location.name IS 'Display name of the location';
COMMENT ON COLUMN @extschema@.location.network IS 'Network the location belongs to; NULL shares network content with no other location';
COMMENT ON COLUMN @extschema@.location.auto_remove_members IS 'Whether members whose membership subscriptions have all ended become nonmembers automatically';
COMMENT ON COLUMN @extschema@.location.auto_remove_grace IS 'How long after the last membership subscription ended auto-removal waits';
COMMENT ON COLUMN @extschema@.location.created_at IS 'When the location was created';

CREATE TABLE @extschema@.person (
    person_id  bigserial,
    email      text NOT NULL,
    full_name  text NOT NULL,
    phone      text,
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT person_pkey PRIMARY KEY (person_id),
    CONSTRAINT person_email_key UNIQUE (email),
    CONSTRAINT person_full_name_not_blank CHECK (pg_catalog.btrim(full_name) <> ''),
    CONSTRAINT person_phone_not_blank CHECK (pg_catalog.btrim(phone) <> '')
);
COMMENT ON TABLE @extschema@.person IS
'One human with one login identity, unique by email across all locations (the one table shared by all locations)';
COMMENT ON COLUMN @extschema@.person.person_id IS 'Identifier of the person';
COMMENT ON COLUMN @extschema@.person.email IS 'Login email, stored trimmed and lower-case; required and unique';
COMMENT ON COLUMN @extschema@.person.full_name IS 'Name of the person, trimmed; required';
COMMENT ON COLUMN @extschema@.person.phone IS 'Phone number, trimmed; NULL when unknown';
COMMENT ON COLUMN @extschema@.person.created_at IS 'When the person was first added';

CREATE TRIGGER person_normalize
    BEFORE INSERT OR UPDATE ON @extschema@.person
    FOR EACH ROW EXECUTE FUNCTION @extschema@.person_trigger();
COMMENT ON TRIGGER person_normalize ON @extschema@.person IS
'Applies the email rule (and trims name and phone) on every insert and update, however made';

CREATE TABLE @extschema@.company (
    location_id bigint NOT NULL,
    company_id  bigserial,
    name        text NOT NULL,
    primary_contact_id bigint,
    auto_approve_members boolean NOT NULL DEFAULT false,
    members_use_company_credits boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT company_pkey PRIMARY KEY (location_id, company_id),
    CONSTRAINT company_location_fkey FOREIGN KEY (location_id)
        REFERENCES @extschema@.location (location_id),
    CONSTRAINT company_name_not_blank CHECK (pg_catalog.btrim(name) <> '')
);
COMMENT ON TABLE @extschema@.company IS
'An organisation that is a customer of a location; its members are the customers whose company_id names it';
COMMENT ON COLUMN @extschema@.company.location_id IS 'The location';
COMMENT ON COLUMN @extschema@.company.company_id IS 'Identifier of the company';
COMMENT ON COLUMN @extschema@.company.name IS 'Name of the company';
COMMENT ON COLUMN @extschema@.company.primary_contact_id IS 'The person who is the company as a customer (customer_type company); set by set_primary_contact';
COMMENT ON COLUMN @extschema@.company.auto_approve_members IS 'Whether its members'' invitations of coworkers are approved at once';
COMMENT ON COLUMN @extschema@.company.members_use_company_credits IS 'Whether its members may spend the company''s credits and day passes';
COMMENT ON COLUMN @extschema@.company.created_at IS 'When the company was created';
COMMENT ON CONSTRAINT company_pkey ON @extschema@.company IS 'Companies are keyed by location';
COMMENT ON CONSTRAINT company_location_fkey ON @extschema@.company IS 'A company is a customer of an existing location';
COMMENT ON CONSTRAINT company_name_not_blank ON @extschema@.company IS 'A company has a name';

CREATE TABLE @extschema@.customer (
    location_id        bigint NOT NULL,
    person_id          bigint NOT NULL,
    status             @extschema@.customer_status NOT NULL,
    customer_type      @extschema@.customer_type NOT NULL DEFAULT 'individual',
    company_id         bigint,
    is_company_manager boolean NOT NULL DEFAULT false,
    is_admin           boolean NOT NULL DEFAULT false,
    suspended          boolean NOT NULL DEFAULT false,
    since              timestamptz NOT NULL,
    CONSTRAINT customer_pkey PRIMARY KEY (location_id, person_id),
    CONSTRAINT customer_location_fkey FOREIGN KEY (location_id)
        REFERENCES @extschema@.location (location_id),
    CONSTRAINT customer_person_fkey FOREIGN KEY (person_id)
        REFERENCES @extschema@.person (person_id),
    CONSTRAINT customer_company_fkey FOREIGN KEY (location_id, company_id)
        REFERENCES @extschema@.company (location_id, company_id)
);
COMMENT ON TABLE @extschema@.customer IS
'A person''s standing at one location; status changes only along the transition table, each change logged in cowork.customer_event';
COMMENT ON COLUMN @extschema@.customer.location_id IS 'The location';
COMMENT ON COLUMN @extschema@.customer.person_id IS 'The person';
COMMENT ON COLUMN @extschema@.customer.status IS 'member, nonmember or removed; every change is checked and logged';
COMMENT ON COLUMN @extschema@.customer.customer_type IS 'individual, or company for the primary contact of a company';
COMMENT ON COLUMN @extschema@.customer.company_id IS 'The company the customer belongs to at this location, if any';
COMMENT ON COLUMN @extschema@.customer.is_company_manager IS 'Whether the customer manages their company''s details';
COMMENT ON COLUMN @extschema@.customer.is_admin IS 'Whether the customer is an administrator of the location';
COMMENT ON COLUMN @extschema@.customer.suspended IS 'A suspended member keeps the status but loses every capability';
COMMENT ON COLUMN @extschema@.customer.since IS 'When the current status began; set by the status rules (an INSERT or UPDATE cannot set it)';

CREATE INDEX customer_location_status_idx
    ON @extschema@.customer (location_id, status);
COMMENT ON INDEX @extschema@.customer_location_status_idx IS
'Serves the member and nonmember lists of a location';
CREATE INDEX customer_person_idx ON @extschema@.customer (person_id, location_id);
CREATE INDEX customer_company_idx ON @extschema@.customer (location_id, company_id)
    WHERE company_id IS NOT NULL;
COMMENT ON INDEX @extschema@.customer_company_idx IS
'Serves the members of a company, and the foreign key from cowork.company';
COMMENT ON INDEX @extschema@.customer_person_idx IS
'Serves a person''s standing across locations, the foreign key from cowork.person, and the person policy (an index-only probe: is this person a customer of a location the role reads?)';
CREATE UNIQUE INDEX customer_company_contact_key ON @extschema@.customer (location_id, company_id)
    WHERE customer_type = 'company';
COMMENT ON INDEX @extschema@.customer_company_contact_key IS
'A company has one primary contact: one customer of customer_type company per company';

CREATE TRIGGER customer_check
    BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.customer
    FOR EACH ROW EXECUTE FUNCTION @extschema@.customer_check_trigger();
COMMENT ON TRIGGER customer_check ON @extschema@.customer IS
'Checks every status transition (functions and direct DML alike) against the transition table';

CREATE TRIGGER customer_no_truncate
    BEFORE TRUNCATE ON @extschema@.customer
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.append_only_trigger(
        'Customers are never deleted: a removed customer keeps their row, with status removed, and their history.');
COMMENT ON TRIGGER customer_no_truncate ON @extschema@.customer IS
'Customers are never deleted, so their log always has its customer: TRUNCATE is refused';

CREATE TRIGGER customer_event
    AFTER INSERT OR UPDATE ON @extschema@.customer
    FOR EACH ROW EXECUTE FUNCTION @extschema@.customer_event_trigger();
COMMENT ON TRIGGER customer_event ON @extschema@.customer IS
'Writes exactly one cowork.customer_event row for each status change';

CREATE TABLE @extschema@.customer_event (
    location_id bigint NOT NULL,
    event_id    bigserial,
    person_id   bigint NOT NULL,
    from_status @extschema@.customer_status,
    to_status   @extschema@.customer_status NOT NULL,
    reason      text NOT NULL,
    at          timestamptz NOT NULL DEFAULT pg_catalog.now(),
    actor       text NOT NULL DEFAULT CURRENT_USER,
    source      text,
    source_key  text,
    CONSTRAINT customer_event_pkey PRIMARY KEY (location_id, person_id, event_id)
);
COMMENT ON TABLE @extschema@.customer_event IS
'Append-only log of customer status changes: one row per change, written by the customer trigger; UPDATE, DELETE and TRUNCATE are refused';
COMMENT ON COLUMN @extschema@.customer_event.location_id IS 'The location';
COMMENT ON COLUMN @extschema@.customer_event.event_id IS 'Order of the events';
COMMENT ON COLUMN @extschema@.customer_event.person_id IS 'The person';
COMMENT ON COLUMN @extschema@.customer_event.from_status IS 'Status before the change; NULL when the customer row was created';
COMMENT ON COLUMN @extschema@.customer_event.to_status IS 'Status after the change';
COMMENT ON COLUMN @extschema@.customer_event.reason IS 'Reason code: the function or the kind of statement that made the change (see docs/model.md)';
COMMENT ON COLUMN @extschema@.customer_event.at IS 'When the change happened (transaction time)';
COMMENT ON COLUMN @extschema@.customer_event.actor IS 'The role that made the change (current_user)';
COMMENT ON COLUMN @extschema@.customer_event.source IS 'For a change made by a completed action: the table the action is a row of (cowork.action or a table attached by track_actions)';
COMMENT ON COLUMN @extschema@.customer_event.source_key IS 'For a change made by a completed action: the key of its row in source, when the table has a one-column primary key';

CREATE TRIGGER customer_event_append_only
    BEFORE UPDATE OR DELETE ON @extschema@.customer_event
    FOR EACH ROW EXECUTE FUNCTION @extschema@.append_only_trigger(
        'cowork.customer_event is append-only: the log keeps every status change.');
COMMENT ON TRIGGER customer_event_append_only ON @extschema@.customer_event IS
'The event log refuses UPDATE and DELETE';
CREATE TRIGGER customer_event_no_truncate
    BEFORE TRUNCATE ON @extschema@.customer_event
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.append_only_trigger(
        'cowork.customer_event is append-only: the log keeps every status change.');
COMMENT ON TRIGGER customer_event_no_truncate ON @extschema@.customer_event IS
'The event log refuses TRUNCATE';
-- Also in session_replication_role = replica (restores, logical replication).
ALTER TABLE @extschema@.customer_event ENABLE ALWAYS TRIGGER customer_event_append_only;
ALTER TABLE @extschema@.customer_event ENABLE ALWAYS TRIGGER customer_event_no_truncate;

CREATE TABLE @extschema@.customer_audit (
    location_id bigint NOT NULL,
    audit_id    bigserial,
    person_id   bigint NOT NULL,
    field       text NOT NULL,
    old_value   text,
    new_value   text,
    reason      text NOT NULL,
    at          timestamptz NOT NULL DEFAULT pg_catalog.now(),
    actor       text NOT NULL DEFAULT CURRENT_USER,
    CONSTRAINT customer_audit_pkey PRIMARY KEY (location_id, person_id, audit_id),
    CONSTRAINT customer_audit_field CHECK (field IN ('suspended', 'is_admin',
        'is_company_manager', 'company_id', 'customer_type'))
);
COMMENT ON TABLE @extschema@.customer_audit IS
'Append-only audit of the changes of a customer''s fields other than the status (suspension, administrator, company manager, company, customer type), however made';
COMMENT ON COLUMN @extschema@.customer_audit.location_id IS 'The location';
COMMENT ON COLUMN @extschema@.customer_audit.audit_id IS 'Order of the audit rows';
COMMENT ON COLUMN @extschema@.customer_audit.person_id IS 'The person';
COMMENT ON COLUMN @extschema@.customer_audit.field IS 'The column of cowork.customer that changed';
COMMENT ON COLUMN @extschema@.customer_audit.old_value IS 'Its value before, as text; NULL when the customer row was created or the value was NULL';
COMMENT ON COLUMN @extschema@.customer_audit.new_value IS 'Its value after, as text';
COMMENT ON COLUMN @extschema@.customer_audit.reason IS 'The function or the kind of statement that made the change (see docs/model.md)';
COMMENT ON COLUMN @extschema@.customer_audit.at IS 'When the change happened (transaction time)';
COMMENT ON COLUMN @extschema@.customer_audit.actor IS 'The role that made the change';
COMMENT ON CONSTRAINT customer_audit_pkey ON @extschema@.customer_audit IS 'Audit rows are keyed by location and person, in the order of audit_id';
COMMENT ON CONSTRAINT customer_audit_field ON @extschema@.customer_audit IS 'Only the audited fields';
CREATE TRIGGER customer_audit_append_only
    BEFORE UPDATE OR DELETE ON @extschema@.customer_audit
    FOR EACH ROW EXECUTE FUNCTION @extschema@.append_only_trigger(
        'cowork.customer_audit is append-only: the audit keeps every change.');
COMMENT ON TRIGGER customer_audit_append_only ON @extschema@.customer_audit IS
'The audit refuses UPDATE and DELETE';
CREATE TRIGGER customer_audit_no_truncate
    BEFORE TRUNCATE ON @extschema@.customer_audit
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.append_only_trigger(
        'cowork.customer_audit is append-only: the audit keeps every change.');
COMMENT ON TRIGGER customer_audit_no_truncate ON @extschema@.customer_audit IS
'The audit refuses TRUNCATE';
ALTER TABLE @extschema@.customer_audit ENABLE ALWAYS TRIGGER customer_audit_append_only;
ALTER TABLE @extschema@.customer_audit ENABLE ALWAYS TRIGGER customer_audit_no_truncate;

COMMENT ON CONSTRAINT location_pkey ON @extschema@.location IS 'A location is its id';
COMMENT ON CONSTRAINT location_name_not_blank ON @extschema@.location IS 'A location has a name';
COMMENT ON CONSTRAINT location_network_not_blank ON @extschema@.location IS 'No network is NULL, never blank';
COMMENT ON CONSTRAINT location_grace_not_negative ON @extschema@.location IS 'The auto-removal grace is zero or more';
COMMENT ON CONSTRAINT person_pkey ON @extschema@.person IS 'A person is their id';
COMMENT ON CONSTRAINT person_email_key ON @extschema@.person IS 'One person per (normalised) email, across all locations';
COMMENT ON CONSTRAINT person_full_name_not_blank ON @extschema@.person IS 'A person has a name';
COMMENT ON CONSTRAINT person_phone_not_blank ON @extschema@.person IS 'No phone is NULL, never blank';
COMMENT ON CONSTRAINT customer_pkey ON @extschema@.customer IS 'One customer row per location and person';
COMMENT ON CONSTRAINT customer_location_fkey ON @extschema@.customer IS 'A customer is a customer of an existing location';
COMMENT ON CONSTRAINT customer_person_fkey ON @extschema@.customer IS 'A customer is an existing person';
COMMENT ON CONSTRAINT customer_company_fkey ON @extschema@.customer IS 'A customer''s company is a company of the same location';
COMMENT ON CONSTRAINT customer_event_pkey ON @extschema@.customer_event IS 'Events are keyed by location and person, in the order of event_id: one index serves the key and the history of a customer';
