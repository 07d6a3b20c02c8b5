-- Functions: companies, plans, subscriptions and the sweep.

CREATE FUNCTION @extschema@.create_company(location_id bigint, name text)
RETURNS bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
    SELECT @extschema@.require_access(create_company.location_id, 'admin');
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
    SELECT @extschema@.require_access(create_plan.location_id, 'admin');
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
    SELECT @extschema@.require_access(subscribe.location_id, 'admin');
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
    SELECT @extschema@.require_access(subscribe_company.location_id, 'admin');
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
