\echo Use "CREATE EXTENSION cowork" to load this file. \quit

-- cowork 0.1.0: the customers of coworking locations (members, nonmembers,
-- removed customers), people unique by email, and the append-only log of
-- every status change.  The rules live in C (src/): this script only
-- declares the schema, the views and the thin SQL wrappers.

COMMENT ON SCHEMA @extschema@ IS
'cowork: members, nonmembers and companies of coworking locations, with their rules enforced in the database';

--------------------------------------------------------------------------
-- Types
--------------------------------------------------------------------------

CREATE TYPE @extschema@.customer_status AS ENUM ('member', 'nonmember', 'removed');
COMMENT ON TYPE @extschema@.customer_status IS
'A person''s standing at one location: member, nonmember, or removed from the location''s lists (history kept)';

CREATE TYPE @extschema@.customer_type AS ENUM ('individual', 'company');
COMMENT ON TYPE @extschema@.customer_type IS
'individual, or company: the customer is the primary contact of a company';

CREATE TYPE @extschema@.action_kind AS ENUM (
    'room_booking', 'desk_booking', 'parking_booking', 'office_booking',
    'payment', 'benefit_application', 'shop_order', 'event_ticket');
COMMENT ON TYPE @extschema@.action_kind IS
'What a person does at a location: bookings, payments, benefit applications, shop orders, event tickets';

CREATE TYPE @extschema@.action_state AS ENUM ('started', 'completed', 'cancelled');
COMMENT ON TYPE @extschema@.action_state IS
'started (being made), completed (the only state that makes a person a customer), cancelled (never changes anything)';

CREATE TYPE @extschema@.visibility AS ENUM (
    'public', 'network_members', 'location_members', 'admins');
COMMENT ON TYPE @extschema@.visibility IS
'Content visibility levels, lowest to highest';

CREATE TYPE @extschema@.credit_kind AS ENUM ('credits', 'day_passes');
COMMENT ON TYPE @extschema@.credit_kind IS
'What a balance counts: credits (spent on bookings) or day passes';

CREATE TYPE @extschema@.invitation_status AS ENUM ('pending', 'approved', 'rejected');
COMMENT ON TYPE @extschema@.invitation_status IS
'A company member''s invitation of a coworker: pending until an administrator (or the company''s auto-approval) decides';

--------------------------------------------------------------------------
-- C entry points used by the tables' triggers
--------------------------------------------------------------------------

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
'BEFORE INSERT OR UPDATE on cowork.subscription: a subscription ended before its start never starts';

CREATE FUNCTION @extschema@.subscription_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'cowork_subscription_trigger'
LANGUAGE C;
COMMENT ON FUNCTION @extschema@.subscription_trigger() IS
'AFTER INSERT OR UPDATE on cowork.subscription: a started membership subscription makes its people members; the end date is queued for the sweep';

--------------------------------------------------------------------------
-- Tables
--------------------------------------------------------------------------

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
    since              timestamptz NOT NULL DEFAULT pg_catalog.now(),
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
COMMENT ON COLUMN @extschema@.customer.since IS 'When the current status began';

CREATE INDEX customer_location_status_idx
    ON @extschema@.customer (location_id, status);
COMMENT ON INDEX @extschema@.customer_location_status_idx IS
'Serves the member and nonmember lists of a location';
CREATE INDEX customer_person_idx ON @extschema@.customer (person_id);
CREATE INDEX customer_company_idx ON @extschema@.customer (location_id, company_id)
    WHERE company_id IS NOT NULL;
COMMENT ON INDEX @extschema@.customer_company_idx IS
'Serves the members of a company, and the foreign key from cowork.company';
COMMENT ON INDEX @extschema@.customer_person_idx IS
'Serves a person''s standing across locations, and the foreign key from cowork.person';

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

CREATE TABLE @extschema@.plan (
    location_id       bigint NOT NULL,
    plan_id           bigserial,
    name              text NOT NULL,
    grants_membership boolean NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT plan_pkey PRIMARY KEY (location_id, plan_id),
    CONSTRAINT plan_location_fkey FOREIGN KEY (location_id)
        REFERENCES @extschema@.location (location_id),
    CONSTRAINT plan_name_not_blank CHECK (pg_catalog.btrim(name) <> '')
);
COMMENT ON TABLE @extschema@.plan IS
'A plan sold at a location: a membership (grants_membership) or a recurring product that never makes anyone a member';
COMMENT ON COLUMN @extschema@.plan.location_id IS 'Where the plan is sold';
COMMENT ON COLUMN @extschema@.plan.plan_id IS 'Identifier of the plan';
COMMENT ON COLUMN @extschema@.plan.name IS 'Name of the plan';
COMMENT ON COLUMN @extschema@.plan.grants_membership IS 'Whether a subscription to it makes its people members (and keeps them members while it runs)';
COMMENT ON COLUMN @extschema@.plan.created_at IS 'When the plan was created';
COMMENT ON CONSTRAINT plan_pkey ON @extschema@.plan IS 'Plans are keyed by location';
COMMENT ON CONSTRAINT plan_location_fkey ON @extschema@.plan IS 'A plan is sold at an existing location';
COMMENT ON CONSTRAINT plan_name_not_blank ON @extschema@.plan IS 'A plan has a name';

CREATE TABLE @extschema@.subscription (
    location_id        bigint NOT NULL,
    subscription_id    bigserial,
    plan_id            bigint NOT NULL,
    person_id          bigint,
    company_id         bigint,
    starts_at          timestamptz NOT NULL DEFAULT pg_catalog.now(),
    ends_at            timestamptz,
    ended_by           text,
    ended_at           timestamptz,
    start_processed_at timestamptz,
    created_at         timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT subscription_pkey PRIMARY KEY (location_id, subscription_id),
    CONSTRAINT subscription_plan_fkey FOREIGN KEY (location_id, plan_id)
        REFERENCES @extschema@.plan (location_id, plan_id),
    CONSTRAINT subscription_person_fkey FOREIGN KEY (person_id)
        REFERENCES @extschema@.person (person_id),
    CONSTRAINT subscription_company_fkey FOREIGN KEY (location_id, company_id)
        REFERENCES @extschema@.company (location_id, company_id),
    CONSTRAINT subscription_person_or_company CHECK ((person_id IS NULL) <> (company_id IS NULL)),
    CONSTRAINT subscription_ends_after_start CHECK (ends_at >= starts_at)
);
COMMENT ON TABLE @extschema@.subscription IS
'A person''s or a company''s plan at a location from starts_at to ends_at (NULL: open-ended); a membership subscription that starts makes its people members, the end of the last one lets auto-removal make them nonmembers';
COMMENT ON COLUMN @extschema@.subscription.location_id IS 'The location';
COMMENT ON COLUMN @extschema@.subscription.subscription_id IS 'Identifier of the subscription';
COMMENT ON COLUMN @extschema@.subscription.plan_id IS 'The plan subscribed to';
COMMENT ON COLUMN @extschema@.subscription.person_id IS 'The subscriber, for a person''s subscription';
COMMENT ON COLUMN @extschema@.subscription.company_id IS 'The subscriber, for a company''s subscription (it covers every member of the company)';
COMMENT ON COLUMN @extschema@.subscription.starts_at IS 'When it starts';
COMMENT ON COLUMN @extschema@.subscription.ends_at IS 'When it ends; NULL while open-ended';
COMMENT ON COLUMN @extschema@.subscription.ended_by IS 'The role that ended it early (end_subscription, remove_member); NULL when it runs to its end date';
COMMENT ON COLUMN @extschema@.subscription.ended_at IS 'When it was ended early';
COMMENT ON COLUMN @extschema@.subscription.start_processed_at IS 'When its start made its people members (NULL: not yet)';
COMMENT ON COLUMN @extschema@.subscription.created_at IS 'When it was recorded';
COMMENT ON CONSTRAINT subscription_pkey ON @extschema@.subscription IS 'Subscriptions are keyed by location';
COMMENT ON CONSTRAINT subscription_plan_fkey ON @extschema@.subscription IS 'A subscription is to a plan of the same location';
COMMENT ON CONSTRAINT subscription_person_fkey ON @extschema@.subscription IS 'A person''s subscription names an existing person';
COMMENT ON CONSTRAINT subscription_company_fkey ON @extschema@.subscription IS 'A company''s subscription names a company of the same location';
COMMENT ON CONSTRAINT subscription_person_or_company ON @extschema@.subscription IS 'A subscription belongs to a person or to a company, not both';
COMMENT ON CONSTRAINT subscription_ends_after_start ON @extschema@.subscription IS 'A subscription ends at or after its start';

CREATE INDEX subscription_start_due_idx ON @extschema@.subscription (starts_at)
    WHERE start_processed_at IS NULL;
COMMENT ON INDEX @extschema@.subscription_start_due_idx IS
'The subscriptions whose start is still to be handled: a maintenance run with nothing due reads nothing else';
CREATE INDEX subscription_person_idx ON @extschema@.subscription (location_id, person_id)
    WHERE person_id IS NOT NULL;
COMMENT ON INDEX @extschema@.subscription_person_idx IS
'A person''s subscriptions at a location';
CREATE INDEX subscription_company_idx ON @extschema@.subscription (location_id, company_id)
    WHERE company_id IS NOT NULL;
COMMENT ON INDEX @extschema@.subscription_company_idx IS
'A company''s subscriptions at a location';
CREATE INDEX subscription_plan_idx ON @extschema@.subscription (location_id, plan_id);
COMMENT ON INDEX @extschema@.subscription_plan_idx IS
'Serves the foreign key from cowork.plan';

CREATE TABLE @extschema@.subscription_end_due (
    location_id     bigint NOT NULL,
    subscription_id bigint NOT NULL,
    person_id       bigint,
    company_id      bigint,
    ends_at         timestamptz NOT NULL,
    CONSTRAINT subscription_end_due_pkey PRIMARY KEY (location_id, subscription_id)
);
COMMENT ON TABLE @extschema@.subscription_end_due IS
'The subscription ends that auto-removal has still to handle: a row per subscription with an end date, kept by the subscription trigger, deleted by the sweep that handles it';
COMMENT ON COLUMN @extschema@.subscription_end_due.location_id IS 'The location';
COMMENT ON COLUMN @extschema@.subscription_end_due.subscription_id IS 'The subscription';
COMMENT ON COLUMN @extschema@.subscription_end_due.person_id IS 'Its person, for a person''s subscription';
COMMENT ON COLUMN @extschema@.subscription_end_due.company_id IS 'Its company, for a company''s subscription';
COMMENT ON COLUMN @extschema@.subscription_end_due.ends_at IS 'Its end date';
COMMENT ON CONSTRAINT subscription_end_due_pkey ON @extschema@.subscription_end_due IS 'One pending end per subscription';
CREATE INDEX subscription_end_due_ends_idx ON @extschema@.subscription_end_due (ends_at);
COMMENT ON INDEX @extschema@.subscription_end_due_ends_idx IS
'The pending ends by date: a run with nothing due reads one index page';

CREATE TRIGGER subscription_rules
    BEFORE INSERT OR UPDATE ON @extschema@.subscription
    FOR EACH ROW EXECUTE FUNCTION @extschema@.subscription_check_trigger();
COMMENT ON TRIGGER subscription_rules ON @extschema@.subscription IS
'A subscription ended before its start never starts';
CREATE TRIGGER subscription_start
    AFTER INSERT OR UPDATE OF starts_at, ends_at ON @extschema@.subscription
    FOR EACH ROW EXECUTE FUNCTION @extschema@.subscription_trigger();
COMMENT ON TRIGGER subscription_start ON @extschema@.subscription IS
'A membership subscription that has started makes its people members at once; its end date is queued for auto-removal (cowork.subscription_end_due)';

CREATE TABLE @extschema@.invitation (
    location_id   bigint NOT NULL,
    invitation_id bigserial,
    company_id    bigint NOT NULL,
    invited_by    bigint NOT NULL,
    full_name     text NOT NULL,
    email         text NOT NULL,
    status        @extschema@.invitation_status NOT NULL DEFAULT 'pending',
    person_id     bigint,
    decided_by    text,
    decided_at    timestamptz,
    created_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT invitation_pkey PRIMARY KEY (location_id, invitation_id),
    CONSTRAINT invitation_company_fkey FOREIGN KEY (location_id, company_id)
        REFERENCES @extschema@.company (location_id, company_id),
    CONSTRAINT invitation_inviter_fkey FOREIGN KEY (location_id, invited_by)
        REFERENCES @extschema@.customer (location_id, person_id)
);
COMMENT ON TABLE @extschema@.invitation IS
'Invitations of coworkers by company members: approved by an administrator (or at once when the company auto-approves), the invitee becomes a member of the company';
COMMENT ON COLUMN @extschema@.invitation.location_id IS 'The location';
COMMENT ON COLUMN @extschema@.invitation.invitation_id IS 'Identifier of the invitation';
COMMENT ON COLUMN @extschema@.invitation.company_id IS 'The company the invitee is to join';
COMMENT ON COLUMN @extschema@.invitation.invited_by IS 'The company member who invited';
COMMENT ON COLUMN @extschema@.invitation.full_name IS 'The invitee''s name';
COMMENT ON COLUMN @extschema@.invitation.email IS 'The invitee''s email, normalised';
COMMENT ON COLUMN @extschema@.invitation.status IS 'pending, approved or rejected';
COMMENT ON COLUMN @extschema@.invitation.person_id IS 'The invitee, once approved';
COMMENT ON COLUMN @extschema@.invitation.decided_by IS 'The role that approved or rejected it';
COMMENT ON COLUMN @extschema@.invitation.decided_at IS 'When it was decided';
COMMENT ON COLUMN @extschema@.invitation.created_at IS 'When it was made';
COMMENT ON CONSTRAINT invitation_pkey ON @extschema@.invitation IS 'Invitations are keyed by location';
COMMENT ON CONSTRAINT invitation_company_fkey ON @extschema@.invitation IS 'An invitation is to a company of the location';
COMMENT ON CONSTRAINT invitation_inviter_fkey ON @extschema@.invitation IS 'The inviter is a customer of the location';
CREATE INDEX invitation_id_idx ON @extschema@.invitation (invitation_id);
COMMENT ON INDEX @extschema@.invitation_id_idx IS 'Serves approve_invitation and reject_invitation';

CREATE TABLE @extschema@.credit_balance (
    location_id bigint NOT NULL,
    owner_kind  text NOT NULL,
    owner_id    bigint NOT NULL,
    kind        @extschema@.credit_kind NOT NULL,
    balance     numeric NOT NULL DEFAULT 0,
    CONSTRAINT credit_balance_pkey PRIMARY KEY (location_id, owner_kind, owner_id, kind),
    CONSTRAINT credit_balance_owner_kind CHECK (owner_kind IN ('person', 'company')),
    CONSTRAINT credit_balance_not_negative CHECK (balance >= 0)
);
COMMENT ON TABLE @extschema@.credit_balance IS
'Credits and day passes held by a person or a company at a location; never negative';
COMMENT ON COLUMN @extschema@.credit_balance.location_id IS 'The location';
COMMENT ON COLUMN @extschema@.credit_balance.owner_kind IS 'person or company';
COMMENT ON COLUMN @extschema@.credit_balance.owner_id IS 'The person_id or the company_id';
COMMENT ON COLUMN @extschema@.credit_balance.kind IS 'credits or day_passes';
COMMENT ON COLUMN @extschema@.credit_balance.balance IS 'What is left, zero or more';
COMMENT ON CONSTRAINT credit_balance_pkey ON @extschema@.credit_balance IS 'One balance per owner and kind at a location';
COMMENT ON CONSTRAINT credit_balance_owner_kind ON @extschema@.credit_balance IS 'A balance belongs to a person or to a company';
COMMENT ON CONSTRAINT credit_balance_not_negative ON @extschema@.credit_balance IS 'A balance never goes negative';

CREATE TABLE @extschema@.credit_entry (
    location_id bigint NOT NULL,
    entry_id    bigserial,
    owner_kind  text NOT NULL,
    owner_id    bigint NOT NULL,
    kind        @extschema@.credit_kind NOT NULL,
    amount      numeric NOT NULL,
    reason      text NOT NULL,
    person_id   bigint,
    at          timestamptz NOT NULL DEFAULT pg_catalog.now(),
    actor       text NOT NULL DEFAULT CURRENT_USER,
    CONSTRAINT credit_entry_pkey PRIMARY KEY (location_id, entry_id),
    CONSTRAINT credit_entry_owner_kind CHECK (owner_kind IN ('person', 'company')),
    CONSTRAINT credit_entry_amount_not_zero CHECK (amount <> 0)
);
COMMENT ON TABLE @extschema@.credit_entry IS
'The ledger of credits and day passes: grants and purchases (positive), uses (negative); the balances are its sums';
COMMENT ON COLUMN @extschema@.credit_entry.location_id IS 'The location';
COMMENT ON COLUMN @extschema@.credit_entry.entry_id IS 'Order of the entries';
COMMENT ON COLUMN @extschema@.credit_entry.owner_kind IS 'Whose balance: person or company';
COMMENT ON COLUMN @extschema@.credit_entry.owner_id IS 'The person_id or the company_id';
COMMENT ON COLUMN @extschema@.credit_entry.kind IS 'credits or day_passes';
COMMENT ON COLUMN @extschema@.credit_entry.amount IS 'Positive for a grant or a purchase, negative for a use';
COMMENT ON COLUMN @extschema@.credit_entry.reason IS 'grant, buy or use';
COMMENT ON COLUMN @extschema@.credit_entry.person_id IS 'The person who bought or used (for a company balance: the member)';
COMMENT ON COLUMN @extschema@.credit_entry.at IS 'When';
COMMENT ON COLUMN @extschema@.credit_entry.actor IS 'The role that made the entry';
COMMENT ON CONSTRAINT credit_entry_pkey ON @extschema@.credit_entry IS 'Entries are keyed by location';
COMMENT ON CONSTRAINT credit_entry_owner_kind ON @extschema@.credit_entry IS 'An entry is for a person''s or a company''s balance';
COMMENT ON CONSTRAINT credit_entry_amount_not_zero ON @extschema@.credit_entry IS 'An entry moves something';
CREATE INDEX credit_entry_owner_idx ON @extschema@.credit_entry (location_id, owner_kind, owner_id, entry_id);
COMMENT ON INDEX @extschema@.credit_entry_owner_idx IS 'An owner''s ledger, in order';

-- Customer data is user data: pg_dump keeps the rows and the sequences.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.location', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.location_location_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.person', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.person_person_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.customer', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.customer_event', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.customer_event_event_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.action', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.action_action_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.company', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.company_company_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.plan', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.plan_plan_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.subscription', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.subscription_subscription_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.subscription_end_due', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.invitation', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.invitation_invitation_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.credit_balance', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.credit_entry', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.credit_entry_entry_id_seq', '');

COMMENT ON SEQUENCE @extschema@.location_location_id_seq IS 'Identifiers of cowork.location';
COMMENT ON SEQUENCE @extschema@.person_person_id_seq IS 'Identifiers of cowork.person';
COMMENT ON SEQUENCE @extschema@.customer_event_event_id_seq IS 'Identifiers of cowork.customer_event';
COMMENT ON SEQUENCE @extschema@.action_action_id_seq IS 'Identifiers of cowork.action';
COMMENT ON SEQUENCE @extschema@.company_company_id_seq IS 'Identifiers of cowork.company';
COMMENT ON SEQUENCE @extschema@.plan_plan_id_seq IS 'Identifiers of cowork.plan';
COMMENT ON SEQUENCE @extschema@.subscription_subscription_id_seq IS 'Identifiers of cowork.subscription';
COMMENT ON SEQUENCE @extschema@.invitation_invitation_id_seq IS 'Identifiers of cowork.invitation';
COMMENT ON SEQUENCE @extschema@.credit_entry_entry_id_seq IS 'Identifiers of cowork.credit_entry';

--------------------------------------------------------------------------
-- Functions
--------------------------------------------------------------------------

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
    SELECT c.status
      FROM @extschema@.customer AS c
     WHERE c.location_id OPERATOR(pg_catalog.=) status_of.location_id
       AND c.person_id OPERATOR(pg_catalog.=) status_of.person_id;
END;
COMMENT ON FUNCTION @extschema@.status_of(bigint, bigint) IS
'The person''s status at the location, NULL when they are not a customer there';

CREATE FUNCTION @extschema@.record_action(location_id bigint, person_id bigint,
                                         kind @extschema@.action_kind,
                                         state @extschema@.action_state DEFAULT 'completed',
                                         amount numeric DEFAULT 0)
RETURNS bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
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
'Attaches cowork.action_trigger() to an application table, so that its rows drive statuses as cowork.action does; checks the columns; calling it again replaces the attachment';

CREATE FUNCTION @extschema@.untrack_actions(source regclass)
RETURNS boolean
AS 'MODULE_PATHNAME', 'cowork_untrack_actions'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.untrack_actions(regclass) IS
'Detaches what track_actions() attached; false when the table was not tracked';

CREATE FUNCTION @extschema@.create_company(location_id bigint, name text)
RETURNS bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
    INSERT INTO @extschema@.company (location_id, name)
    VALUES (create_company.location_id, pg_catalog.btrim(create_company.name))
    RETURNING company_id;
END;
COMMENT ON FUNCTION @extschema@.create_company(bigint, text) IS
'Creates a company at the location and returns its id; its members are the customers invited with it';

CREATE FUNCTION @extschema@.create_plan(location_id bigint, name text,
                                       grants_membership boolean DEFAULT true)
RETURNS bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
    INSERT INTO @extschema@.plan (location_id, name, grants_membership)
    VALUES (create_plan.location_id, pg_catalog.btrim(create_plan.name),
            create_plan.grants_membership)
    RETURNING plan_id;
END;
COMMENT ON FUNCTION @extschema@.create_plan(bigint, text, boolean) IS
'Creates a plan at the location and returns its id: a membership plan, or (grants_membership false) a recurring product';

CREATE FUNCTION @extschema@.subscribe(location_id bigint, person_id bigint, plan_id bigint,
                                     starts_at timestamptz DEFAULT pg_catalog.now(),
                                     ends_at timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
    INSERT INTO @extschema@.subscription (location_id, person_id, plan_id, starts_at, ends_at)
    VALUES (subscribe.location_id, subscribe.person_id, subscribe.plan_id,
            subscribe.starts_at, subscribe.ends_at)
    RETURNING subscription_id;
END;
COMMENT ON FUNCTION @extschema@.subscribe(bigint, bigint, bigint, timestamptz, timestamptz) IS
'A person''s subscription to a plan; a membership plan that has started makes them a member at once, a later one when a maintenance run passes its start';

CREATE FUNCTION @extschema@.subscribe_company(location_id bigint, company_id bigint, plan_id bigint,
                                             starts_at timestamptz DEFAULT pg_catalog.now(),
                                             ends_at timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
    INSERT INTO @extschema@.subscription (location_id, company_id, plan_id, starts_at, ends_at)
    VALUES (subscribe_company.location_id, subscribe_company.company_id, subscribe_company.plan_id,
            subscribe_company.starts_at, subscribe_company.ends_at)
    RETURNING subscription_id;
END;
COMMENT ON FUNCTION @extschema@.subscribe_company(bigint, bigint, bigint, timestamptz, timestamptz) IS
'A company''s subscription; a membership plan covers every member of the company at the location';

CREATE FUNCTION @extschema@.end_subscription(subscription_id bigint,
                                            ends_at timestamptz DEFAULT pg_catalog.now())
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_end_subscription'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.end_subscription(bigint, timestamptz) IS
'Ends a subscription early (at ends_at, default now): exactly like reaching that end date; one ended before it started never starts';

CREATE FUNCTION @extschema@.run_auto_remove(as_of timestamptz DEFAULT pg_catalog.now())
RETURNS bigint
AS 'MODULE_PATHNAME', 'cowork_run_auto_remove'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.run_auto_remove(timestamptz) IS
'Auto-removal in one transaction: members whose membership subscriptions have all ended (the last at least the grace ago, after their membership began) become nonmembers; returns how many';

CREATE PROCEDURE @extschema@.run_maintenance(as_of timestamptz DEFAULT pg_catalog.now(),
                                            batch_size integer DEFAULT 1000)
AS 'MODULE_PATHNAME', 'cowork_run_maintenance'
LANGUAGE C;
COMMENT ON PROCEDURE @extschema@.run_maintenance(timestamptz, integer) IS
'Promotes the people of subscriptions whose start has come and auto-removes expired members, in batches committed one by one; for pg_cron';

CREATE FUNCTION @extschema@.can(location_id bigint, person_id bigint, capability text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'cowork_can'
LANGUAGE C STABLE;
COMMENT ON FUNCTION @extschema@.can(bigint, bigint, text) IS
'Whether the person may do this at the location (SPEC section 5): pay_invoices, edit_billing_details, sign_up_for_plans, buy_credits, use_credits, use_day_passes, manage_company, invite_users; an unknown name is an error; a NULL person is an anonymous visitor';

CREATE FUNCTION @extschema@.can_view(location_id bigint, person_id bigint,
                                    visibility @extschema@.visibility)
RETURNS boolean
AS 'MODULE_PATHNAME', 'cowork_can_view'
LANGUAGE C STABLE;
COMMENT ON FUNCTION @extschema@.can_view(bigint, bigint, @extschema@.visibility) IS
'Whether the person sees content of this visibility at the location (SPEC section 5); a NULL person is an anonymous visitor';

CREATE FUNCTION @extschema@.suspend(location_id bigint, person_id bigint)
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_suspend'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.suspend(bigint, bigint) IS
'Suspends a member: the status stays member, every capability is lost until unsuspend; logged';

CREATE FUNCTION @extschema@.unsuspend(location_id bigint, person_id bigint)
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_unsuspend'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.unsuspend(bigint, bigint) IS
'Lifts a suspension; logged; nothing to do when not suspended';

CREATE FUNCTION @extschema@.set_company_manager(location_id bigint, person_id bigint,
                                               is_manager boolean DEFAULT true)
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_set_company_manager'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.set_company_manager(bigint, bigint, boolean) IS
'Makes a company member a manager of their company (or not); an error for a customer in no company';

CREATE FUNCTION @extschema@.set_admin(location_id bigint, person_id bigint,
                                     is_admin boolean DEFAULT true)
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_set_admin'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.set_admin(bigint, bigint, boolean) IS
'Makes a customer an administrator of the location (or not)';

CREATE FUNCTION @extschema@.set_primary_contact(location_id bigint, company_id bigint,
                                               person_id bigint)
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_set_primary_contact'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.set_primary_contact(bigint, bigint, bigint) IS
'Makes a member of the company its primary contact: their customer_type becomes company, the previous contact''s individual';

CREATE FUNCTION @extschema@.invite_to_company(location_id bigint, person_id bigint,
                                             full_name text, email text)
RETURNS bigint
AS 'MODULE_PATHNAME', 'cowork_invite_to_company'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.invite_to_company(bigint, bigint, text, text) IS
'A company member (person_id) invites a coworker into their company; returns the invitation id; approved at once when the company auto-approves';

CREATE FUNCTION @extschema@.approve_invitation(invitation_id bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'cowork_approve_invitation'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.approve_invitation(bigint) IS
'Approves a pending invitation: the invitee becomes a member of the location and of the company; returns their person id';

CREATE FUNCTION @extschema@.reject_invitation(invitation_id bigint)
RETURNS void
AS 'MODULE_PATHNAME', 'cowork_reject_invitation'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.reject_invitation(bigint) IS
'Rejects a pending invitation';

CREATE FUNCTION @extschema@.grant_credits(location_id bigint, person_id bigint, amount numeric,
                                         kind @extschema@.credit_kind DEFAULT 'credits')
RETURNS numeric
AS 'MODULE_PATHNAME', 'cowork_grant_credits'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.grant_credits(bigint, bigint, numeric, @extschema@.credit_kind) IS
'An operator gives a customer credits or day passes (a plan''s allowance, a goodwill gesture); returns the new balance';

CREATE FUNCTION @extschema@.grant_company_credits(location_id bigint, company_id bigint, amount numeric,
                                                 kind @extschema@.credit_kind DEFAULT 'credits')
RETURNS numeric
AS 'MODULE_PATHNAME', 'cowork_grant_company_credits'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.grant_company_credits(bigint, bigint, numeric, @extschema@.credit_kind) IS
'An operator gives a company credits or day passes; returns the new balance';

CREATE FUNCTION @extschema@.buy_credits(location_id bigint, person_id bigint, amount numeric,
                                       kind @extschema@.credit_kind DEFAULT 'credits')
RETURNS numeric
AS 'MODULE_PATHNAME', 'cowork_buy_credits'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.buy_credits(bigint, bigint, numeric, @extschema@.credit_kind) IS
'A member buys credits or day passes (capability buy_credits); returns the new balance';

CREATE FUNCTION @extschema@.use_credits(location_id bigint, person_id bigint, amount numeric,
                                       kind @extschema@.credit_kind DEFAULT 'credits')
RETURNS text
AS 'MODULE_PATHNAME', 'cowork_use_credits'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION @extschema@.use_credits(bigint, bigint, numeric, @extschema@.credit_kind) IS
'A member spends credits or day passes (use_credits, use_day_passes): their own, else their company''s when it allows; returns which (person or company); never below zero';

CREATE FUNCTION @extschema@.credit_balance(location_id bigint, person_id bigint,
                                          kind @extschema@.credit_kind DEFAULT 'credits')
RETURNS numeric
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT COALESCE((SELECT b.balance FROM @extschema@.credit_balance AS b
                      WHERE b.location_id OPERATOR(pg_catalog.=) credit_balance.location_id
                        AND b.owner_kind OPERATOR(pg_catalog.=) 'person'
                        AND b.owner_id OPERATOR(pg_catalog.=) credit_balance.person_id
                        AND b.kind OPERATOR(pg_catalog.=) credit_balance.kind), 0);
END;
COMMENT ON FUNCTION @extschema@.credit_balance(bigint, bigint, @extschema@.credit_kind) IS
'A person''s own balance of credits or day passes at the location';

CREATE FUNCTION @extschema@.company_credit_balance(location_id bigint, company_id bigint,
                                                  kind @extschema@.credit_kind DEFAULT 'credits')
RETURNS numeric
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT COALESCE((SELECT b.balance FROM @extschema@.credit_balance AS b
                      WHERE b.location_id OPERATOR(pg_catalog.=) company_credit_balance.location_id
                        AND b.owner_kind OPERATOR(pg_catalog.=) 'company'
                        AND b.owner_id OPERATOR(pg_catalog.=) company_credit_balance.company_id
                        AND b.kind OPERATOR(pg_catalog.=) company_credit_balance.kind), 0);
END;
COMMENT ON FUNCTION @extschema@.company_credit_balance(bigint, bigint, @extschema@.credit_kind) IS
'A company''s balance of credits or day passes at the location';

--------------------------------------------------------------------------
-- Views for reporting tools
--------------------------------------------------------------------------

CREATE VIEW @extschema@.members AS
SELECT c.location_id, c.person_id, p.full_name, p.email, p.phone,
       c.customer_type, c.company_id, c.since
  FROM @extschema@.customer AS c
  JOIN @extschema@.person AS p ON p.person_id OPERATOR(pg_catalog.=) c.person_id
 WHERE c.status OPERATOR(pg_catalog.=) 'member'::@extschema@.customer_status;
COMMENT ON VIEW @extschema@.members IS 'The members of each location';
COMMENT ON COLUMN @extschema@.members.since IS 'When they became a member';

CREATE VIEW @extschema@.nonmembers AS
SELECT c.location_id, c.person_id, p.full_name, p.email, p.phone,
       c.customer_type, c.company_id, c.since
  FROM @extschema@.customer AS c
  JOIN @extschema@.person AS p ON p.person_id OPERATOR(pg_catalog.=) c.person_id
 WHERE c.status OPERATOR(pg_catalog.=) 'nonmember'::@extschema@.customer_status;
COMMENT ON VIEW @extschema@.nonmembers IS 'The nonmembers of each location';
COMMENT ON COLUMN @extschema@.nonmembers.since IS 'When they became a nonmember';

CREATE VIEW @extschema@.customer_events AS
SELECT e.location_id, e.person_id, e.from_status, e.to_status, e.reason,
       e.at, e.actor, e.event_id
  FROM @extschema@.customer_event AS e;
COMMENT ON VIEW @extschema@.customer_events IS
'The log of customer status changes; order by event_id for the order they happened in';

CREATE VIEW @extschema@.location_summary AS
SELECT l.location_id, l.name, l.network,
       pg_catalog.count(*) FILTER (WHERE c.status OPERATOR(pg_catalog.=) 'member'::@extschema@.customer_status) AS members,
       pg_catalog.count(*) FILTER (WHERE c.status OPERATOR(pg_catalog.=) 'nonmember'::@extschema@.customer_status) AS nonmembers,
       pg_catalog.count(*) FILTER (WHERE c.status OPERATOR(pg_catalog.=) 'removed'::@extschema@.customer_status) AS removed,
       (SELECT pg_catalog.count(*) FROM @extschema@.company AS co
         WHERE co.location_id OPERATOR(pg_catalog.=) l.location_id) AS companies
  FROM @extschema@.location AS l
  LEFT JOIN @extschema@.customer AS c ON c.location_id OPERATOR(pg_catalog.=) l.location_id
 GROUP BY l.location_id;
COMMENT ON VIEW @extschema@.location_summary IS
'Per location: how many members, nonmembers, removed customers and companies';
COMMENT ON COLUMN @extschema@.location_summary.members IS 'Customers with status member';
COMMENT ON COLUMN @extschema@.location_summary.nonmembers IS 'Customers with status nonmember';
COMMENT ON COLUMN @extschema@.location_summary.removed IS 'Customers with status removed';
COMMENT ON COLUMN @extschema@.location_summary.companies IS 'Companies of the location';

CREATE VIEW @extschema@.customer_history AS
SELECT a.location_id, a.person_id, a.action_id, a.kind, a.state, a.amount,
       a.reference, a.created_at, a.completed_at
  FROM @extschema@.action AS a
 ORDER BY a.location_id, a.person_id, a.created_at DESC, a.action_id DESC;
COMMENT ON VIEW @extschema@.customer_history IS
'Each person''s bookings, payments, tickets, orders and benefit applications at each location (cowork.action), newest first';

CREATE VIEW @extschema@.tracked_actions AS
SELECT t.tgrelid::pg_catalog.regclass AS source,
       a.args[1]::@extschema@.action_kind AS kind,
       a.args[2]::name AS location_column,
       a.args[3]::name AS person_column,
       a.args[4]::name AS state_column,
       a.args[5] AS completed_value
  FROM pg_catalog.pg_trigger AS t,
       LATERAL (SELECT pg_catalog.string_to_array(
                    pg_catalog.encode(t.tgargs, 'escape'), '\000') AS args) AS a
 WHERE t.tgfoid OPERATOR(pg_catalog.=) '@extschema@.action_trigger()'::pg_catalog.regprocedure
   AND t.tgname OPERATOR(pg_catalog.=) 'cowork_track_actions';
COMMENT ON VIEW @extschema@.tracked_actions IS
'The application tables attached by track_actions(), with their columns and completed value';

--------------------------------------------------------------------------
-- Privileges: nothing for PUBLIC on the data; see docs/reference.md for
-- the grants an application role and a reporting role need.
--------------------------------------------------------------------------

REVOKE ALL ON ALL TABLES IN SCHEMA @extschema@ FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA @extschema@ FROM PUBLIC;
-- The triggers are not for calling.
REVOKE ALL ON FUNCTION @extschema@.person_trigger() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.customer_check_trigger() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.customer_event_trigger() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.append_only_trigger() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.action_state_trigger() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.subscription_check_trigger() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.subscription_trigger() FROM PUBLIC;
-- The sweep moves any member of any location: for the DBA and pg_cron.
REVOKE ALL ON FUNCTION @extschema@.run_auto_remove(timestamptz) FROM PUBLIC;
REVOKE ALL ON PROCEDURE @extschema@.run_maintenance(timestamptz, integer) FROM PUBLIC;
-- Attaching the action trigger lets a table's rows make people nonmembers:
-- only superusers, and the roles a DBA grants EXECUTE, may do it.
REVOKE ALL ON FUNCTION @extschema@.action_trigger() FROM PUBLIC;
