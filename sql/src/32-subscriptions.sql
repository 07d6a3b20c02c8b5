-- Plans, subscriptions and the queue of pending subscription ends.

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
    on_hold         boolean NOT NULL DEFAULT false,
    CONSTRAINT subscription_end_due_pkey PRIMARY KEY (location_id, subscription_id)
);
COMMENT ON TABLE @extschema@.subscription_end_due IS
'The subscription ends that auto-removal has still to handle: a row per subscription with an end date, kept by the subscription trigger, deleted by the sweep that handles it (put on hold instead while the location''s auto_remove_members is off)';
COMMENT ON COLUMN @extschema@.subscription_end_due.location_id IS 'The location';
COMMENT ON COLUMN @extschema@.subscription_end_due.subscription_id IS 'The subscription';
COMMENT ON COLUMN @extschema@.subscription_end_due.person_id IS 'Its person, for a person''s subscription';
COMMENT ON COLUMN @extschema@.subscription_end_due.company_id IS 'Its company, for a company''s subscription';
COMMENT ON COLUMN @extschema@.subscription_end_due.ends_at IS 'Its end date';
COMMENT ON COLUMN @extschema@.subscription_end_due.on_hold IS 'Reached by a sweep while the location''s auto_remove_members was off: kept, not due, until the switch is on again';
COMMENT ON CONSTRAINT subscription_end_due_pkey ON @extschema@.subscription_end_due IS 'One pending end per subscription';
CREATE INDEX subscription_end_due_ends_idx ON @extschema@.subscription_end_due (ends_at)
    WHERE NOT on_hold;
COMMENT ON INDEX @extschema@.subscription_end_due_ends_idx IS
'The pending ends by date, those on hold left out: a run with nothing due reads one index page';
CREATE INDEX subscription_end_due_on_hold_idx ON @extschema@.subscription_end_due (location_id)
    WHERE on_hold;
COMMENT ON INDEX @extschema@.subscription_end_due_on_hold_idx IS
'The ends on hold at a location, released when its auto_remove_members is switched on again';

CREATE TRIGGER subscription_rules
    BEFORE INSERT OR UPDATE ON @extschema@.subscription
    FOR EACH ROW EXECUTE FUNCTION @extschema@.subscription_check_trigger();
COMMENT ON TRIGGER subscription_rules ON @extschema@.subscription IS
'A subscription''s location, subscriber and plan are fixed (end it and subscribe again); a subscription ended before its start never starts';
CREATE TRIGGER subscription_start
    AFTER INSERT OR UPDATE OF starts_at, ends_at ON @extschema@.subscription
    FOR EACH ROW EXECUTE FUNCTION @extschema@.subscription_trigger();
COMMENT ON TRIGGER subscription_start ON @extschema@.subscription IS
'A membership subscription that has started makes its people members at once; its end date is queued for auto-removal (cowork.subscription_end_due)';

CREATE TRIGGER location_auto_remove_switch
    AFTER UPDATE OF auto_remove_members ON @extschema@.location
    FOR EACH ROW EXECUTE FUNCTION @extschema@.location_switch_trigger();
COMMENT ON TRIGGER location_auto_remove_switch ON @extschema@.location IS
'Switching auto_remove_members waits for a sweep judging the location; switching it on releases the ends held while it was off, for the next sweep';
