-- Benchmark data: one location; :existing people who are customers there
-- already (scenario b), and three ranges of :fresh people who are not
-- (scenario c: one range for the floor, one for the C trigger, one for the
-- PL/pgSQL baseline, so that each first action really is a first).  Run by
-- test/bench/run.sh.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION cowork;
CREATE SCHEMA bench;
SELECT cowork.create_location('Bench Hub');
INSERT INTO cowork.person (email, full_name)
SELECT format('p%s@bench.example', i), format('Person %s', i)
  FROM generate_series(1, :existing + 3 * :fresh) AS i;
INSERT INTO cowork.customer (location_id, person_id, status)
SELECT 1, person_id, CASE WHEN person_id % 3 = 0 THEN 'member' ELSE 'nonmember' END::cowork.customer_status
  FROM cowork.person WHERE person_id <= :existing;
-- Each variant takes its first-action people from a range of its own.
CREATE SEQUENCE bench.fresh_floor;
CREATE SEQUENCE bench.fresh_c;
CREATE SEQUENCE bench.fresh_plpgsql;
SELECT setval('bench.fresh_floor', :existing + 1, false),
       setval('bench.fresh_c', :existing + :fresh + 1, false),
       setval('bench.fresh_plpgsql', :existing + 2 * :fresh + 1, false);

-- The PL/pgSQL baseline: the same rules as the extension's C triggers,
-- written as a competent developer would, used only by this benchmark:
-- the action's own states, the action rule (the same statements as the C
-- code: an unlocked read, then insert, or lock and update a removed
-- customer), the transition table on cowork.customer and the event log.
CREATE FUNCTION bench.action_state_plpgsql() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.state <> NEW.state
       AND (OLD.state = 'cancelled' OR NEW.state = 'started') THEN
        RAISE EXCEPTION 'action % cannot go from % to %', NEW.action_id, OLD.state, NEW.state
            USING ERRCODE = '55000';
    END IF;
    IF NEW.state = 'completed' AND NEW.completed_at IS NULL THEN
        NEW.completed_at := now();
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION bench.action_status_plpgsql() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    current cowork.customer_status;
BEGIN
    IF NEW.state <> 'completed' OR (TG_OP = 'UPDATE' AND OLD.state = 'completed') THEN
        RETURN NULL;
    END IF;
    SELECT status INTO current FROM cowork.customer
     WHERE location_id = NEW.location_id AND person_id = NEW.person_id;
    IF current IN ('member', 'nonmember') THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('bench.cause', 'action', true);
    PERFORM set_config('bench.reason', format('action:%s:%s', NEW.kind, NEW.action_id), true);
    LOOP
        IF current IS NULL THEN
            INSERT INTO cowork.customer (location_id, person_id, status)
            VALUES (NEW.location_id, NEW.person_id, 'nonmember')
            ON CONFLICT DO NOTHING;
            EXIT WHEN FOUND;
        END IF;
        SELECT status INTO current FROM cowork.customer
         WHERE location_id = NEW.location_id AND person_id = NEW.person_id FOR UPDATE;
        IF current = 'removed' THEN
            UPDATE cowork.customer SET status = 'nonmember'
             WHERE location_id = NEW.location_id AND person_id = NEW.person_id;
            EXIT;
        END IF;
        EXIT WHEN current IS NOT NULL;
    END LOOP;
    PERFORM set_config('bench.cause', '', true);
    RETURN NULL;
END $$;

CREATE FUNCTION bench.customer_check_plpgsql() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    from_status text := 'none';
    cause text;
    allowed boolean;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'customer rows are never deleted' USING ERRCODE = '55000';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NEW.location_id <> OLD.location_id OR NEW.person_id <> OLD.person_id THEN
            RAISE EXCEPTION 'location_id and person_id of a customer cannot change' USING ERRCODE = '55000';
        END IF;
        IF NEW.status = OLD.status THEN
            RETURN NEW;
        END IF;
        from_status := OLD.status;
    END IF;
    cause := coalesce(nullif(current_setting('bench.cause', true), ''),
                      CASE TG_OP WHEN 'INSERT' THEN 'direct_insert' ELSE 'direct_update' END);
    allowed := CASE from_status || '>' || NEW.status
        WHEN 'none>member' THEN cause IN ('invite_member', 'subscription', 'direct_insert')
        WHEN 'none>nonmember' THEN cause IN ('action', 'add_nonmember', 'promote_lead', 'direct_insert')
        WHEN 'member>nonmember' THEN cause IN ('remove_member', 'auto_remove', 'direct_update')
        WHEN 'nonmember>member' THEN cause IN ('restore_member', 'subscription', 'direct_update')
        WHEN 'nonmember>removed' THEN cause IN ('delete_nonmember', 'direct_update')
        WHEN 'removed>member' THEN cause IN ('restore_member', 'subscription', 'direct_update')
        WHEN 'removed>nonmember' THEN cause IN ('action', 'add_nonmember', 'direct_update')
        ELSE false END;
    IF NOT allowed THEN
        RAISE EXCEPTION 'customer status of person % at location % cannot change from % to %',
            NEW.person_id, NEW.location_id, from_status, NEW.status USING ERRCODE = '55000';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        NEW.since := now();
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION bench.customer_event_plpgsql() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.status = OLD.status THEN
        RETURN NULL;
    END IF;
    INSERT INTO cowork.customer_event (location_id, person_id, from_status, to_status, reason, actor)
    VALUES (NEW.location_id, NEW.person_id,
            CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status,
            coalesce(nullif(current_setting('bench.reason', true), ''),
                     CASE TG_OP WHEN 'INSERT' THEN 'direct_insert' ELSE 'direct_update' END),
            current_user);
    RETURN NULL;
END $$;

CREATE TRIGGER bench_action_state BEFORE INSERT OR UPDATE ON cowork.action
    FOR EACH ROW EXECUTE FUNCTION bench.action_state_plpgsql();
CREATE TRIGGER bench_action_status AFTER INSERT OR UPDATE OF state ON cowork.action
    FOR EACH ROW EXECUTE FUNCTION bench.action_status_plpgsql();
CREATE TRIGGER bench_customer_check BEFORE INSERT OR UPDATE OR DELETE ON cowork.customer
    FOR EACH ROW EXECUTE FUNCTION bench.customer_check_plpgsql();
CREATE TRIGGER bench_customer_event AFTER INSERT OR UPDATE ON cowork.customer
    FOR EACH ROW EXECUTE FUNCTION bench.customer_event_plpgsql();
ALTER TABLE cowork.action DISABLE TRIGGER bench_action_state;
ALTER TABLE cowork.action DISABLE TRIGGER bench_action_status;
ALTER TABLE cowork.customer DISABLE TRIGGER bench_customer_check;
ALTER TABLE cowork.customer DISABLE TRIGGER bench_customer_event;
VACUUM ANALYZE;
