-- Hardening: what a role may not gain through the extension, and inputs
-- that must get a proper error.  Each case reproduced an attack or a crash
-- found in review of 0.1.0.
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS app CASCADE;
DO $$BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'regress_attacker') THEN
        DROP OWNED BY regress_attacker;
        DROP ROLE regress_attacker;
    END IF;
END$$;
RESET client_min_messages;
\i test/sql/create-extension.sql
\set SHOW_CONTEXT never

SELECT cowork.create_location('Downtown') AS loc \gset
SELECT cowork.add_nonmember(:loc, 'Rita Removed', 'rita@example.com') AS rita \gset
SELECT cowork.delete_nonmember(:loc, :rita);
SELECT cowork.add_nonmember(:loc, 'Omar Other', 'omar@example.com') AS omar \gset
SELECT cowork.delete_nonmember(:loc, :omar);

-- An application table attached by the DBA; the attacker may only insert
-- into it (and, like every role, create temporary objects).
CREATE SCHEMA app;
CREATE TABLE app.payments (id bigserial PRIMARY KEY, loc bigint, person bigint, state text);
SELECT cowork.track_actions('app.payments', 'payment', 'loc', 'person', 'state', 'paid');
CREATE ROLE regress_attacker;
CREATE SCHEMA attacker AUTHORIZATION regress_attacker;
GRANT USAGE ON SCHEMA app TO regress_attacker;
GRANT INSERT ON app.payments TO regress_attacker;
GRANT USAGE ON SEQUENCE app.payments_id_seq TO regress_attacker;

-- 1. The pg_temp.text domain: a completed payment of a removed customer
-- makes the status trigger run with the rights of cowork.customer's owner
-- (a superuser here).  Were "text" resolved through the caller's
-- search_path, the domain's CHECK would run the attacker's function with
-- those rights, and it would make its caller a superuser.
SET ROLE regress_attacker;
CREATE FUNCTION pg_temp.escalate(v text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE 'ALTER ROLE regress_attacker SUPERUSER';
    RETURN true;
EXCEPTION WHEN OTHERS THEN
    RETURN true;
END $$;
CREATE DOMAIN pg_temp.text AS pg_catalog.text CHECK (pg_temp.escalate(VALUE));
INSERT INTO app.payments (loc, person, state) VALUES (:loc, :rita, 'paid');
RESET ROLE;
SELECT cowork.status_of(:loc, :rita) AS rita_now, rolsuper AS attacker_is_superuser
  FROM pg_roles WHERE rolname = 'regress_attacker';

ALTER ROLE regress_attacker NOSUPERUSER;   -- (were it one after 1.)

-- 2. The attacker's own schema before pg_catalog, with its own "text",
-- "=" for bigints and now(): none is picked up with the owner's rights.
SET ROLE regress_attacker;
CREATE FUNCTION attacker.escalate(v text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE 'ALTER ROLE regress_attacker SUPERUSER';
    RETURN true;
EXCEPTION WHEN OTHERS THEN
    RETURN true;
END $$;
CREATE FUNCTION attacker.eq(a bigint, b bigint) RETURNS boolean LANGUAGE sql
    AS $$ SELECT attacker.escalate('x') AND a OPERATOR(pg_catalog.=) b $$;
CREATE OPERATOR attacker.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = attacker.eq);
CREATE FUNCTION attacker.now() RETURNS timestamptz LANGUAGE sql
    AS $$ SELECT CASE WHEN attacker.escalate('x') THEN pg_catalog.now() END $$;
CREATE DOMAIN attacker.text AS pg_catalog.text CHECK (attacker.escalate(VALUE));
SET search_path = attacker, pg_catalog, pg_temp;
INSERT INTO app.payments (loc, person, state) VALUES (:loc, :omar, 'paid');
RESET search_path;
RESET ROLE;
SELECT cowork.status_of(:loc, :omar) AS omar_now, rolsuper AS attacker_is_superuser
  FROM pg_roles WHERE rolname = 'regress_attacker';

-- The changes themselves were made, logged with the attacker as the actor.
SELECT person_id, from_status, to_status, actor
  FROM cowork.customer_events WHERE to_status = 'nonmember' AND from_status = 'removed'
 ORDER BY event_id;

-- 4. A trigger attached by hand.  Any role allowed to run
-- cowork.action_trigger() could attach it to a table of its own (a
-- temporary one, too), with arguments of its choosing, and change customers
-- of any location with the owner's rights, writing reasons it made up.  The
-- trigger acts only for the tables and arguments track_actions() recorded.
GRANT USAGE ON SCHEMA cowork TO regress_attacker;
GRANT EXECUTE ON FUNCTION cowork.action_trigger() TO regress_attacker;
SELECT cowork.add_nonmember(:loc, 'Tess Target', 'tess@example.com') AS tess \gset
SELECT cowork.delete_nonmember(:loc, :tess);
\set VERBOSITY default
SET ROLE regress_attacker;
CREATE TEMP TABLE forged (loc bigint, person bigint, state text);
CREATE TRIGGER forged AFTER INSERT ON forged FOR EACH ROW
    EXECUTE FUNCTION cowork.action_trigger('payment', 'loc', 'person', 'state', 'x', '', 'forged:reason');
INSERT INTO forged VALUES (:loc, :tess, 'x');
CREATE TABLE attacker.forged (loc bigint, person bigint, state text);
CREATE TRIGGER cowork_track_actions AFTER INSERT ON attacker.forged FOR EACH ROW
    EXECUTE FUNCTION cowork.action_trigger('payment', 'loc', 'person', 'state', 'x', '', '');
INSERT INTO attacker.forged VALUES (:loc, :tess, 'x');
-- track_actions() is for roles with admin access to every location, and
-- refuses a temporary table outright, even to them.
SELECT cowork.track_actions('forged', 'payment', 'loc', 'person', 'state', 'x');
RESET ROLE;
SELECT cowork.grant_access('regress_attacker', NULL, 'admin');
SET ROLE regress_attacker;
SELECT cowork.track_actions('forged', 'payment', 'loc', 'person', 'state', 'x');
RESET ROLE;
SELECT cowork.revoke_access('regress_attacker', NULL);
-- A registered table with other arguments than the recorded ones.
CREATE TRIGGER second AFTER INSERT ON app.payments FOR EACH ROW
    EXECUTE FUNCTION cowork.action_trigger('payment', 'loc', 'person', 'state', 'pending', 'id', '');
INSERT INTO app.payments (loc, person, state) VALUES (:loc, :tess, 'pending');
DROP TRIGGER second ON app.payments;
\set VERBOSITY terse
SELECT cowork.status_of(:loc, :tess) AS tess_still, count(*) AS forged_events
  FROM cowork.customer_event WHERE reason LIKE '%forged%';
-- The registry is the extension's: callers cannot write it.
SET ROLE regress_attacker;
INSERT INTO cowork.tracked_source (source_schema, source_table, kind, location_column,
    person_column, state_column, completed_value)
VALUES ('attacker', 'forged', 'payment', 'loc', 'person', 'state', 'x');
RESET ROLE;
REVOKE EXECUTE ON FUNCTION cowork.action_trigger() FROM regress_attacker;
REVOKE USAGE ON SCHEMA cowork FROM regress_attacker;

-- 5. An integer state column and a "kind" column that is no enum, on a
-- trigger attached by hand: 0.1.0 read them as text and as an enum, and the
-- backend crashed.  Now such a trigger is refused before it reads a row,
-- the same columns attached by track_actions() work (the state compared
-- with its type's equality), and a column whose type changed later gets a
-- clear error.
CREATE TABLE app.codes (loc bigint, person bigint, code integer, kind integer);
CREATE TRIGGER crash AFTER INSERT ON app.codes FOR EACH ROW
    EXECUTE FUNCTION cowork.action_trigger('', 'loc', 'person', 'code', 'done', '', '');
INSERT INTO app.codes VALUES (:loc, :tess, 3, 1);
DROP TRIGGER crash ON app.codes;
SELECT cowork.track_actions('app.codes', 'payment', 'loc', 'person', 'code', 'done');
SELECT cowork.track_actions('app.codes', 'payment', 'loc', 'person', 'code', '3');
INSERT INTO app.codes VALUES (:loc, :tess, 4, 1);
SELECT cowork.status_of(:loc, :tess) AS tess_after_code_4;
ALTER TABLE app.codes ALTER COLUMN person TYPE text;
INSERT INTO app.codes VALUES (:loc, :tess, 3, 1);
ALTER TABLE app.codes ALTER COLUMN person TYPE bigint USING person::bigint;
INSERT INTO app.codes VALUES (:loc, :tess, 3, 1);
SELECT cowork.status_of(:loc, :tess) AS tess_after_code_3;

-- The customer triggers, attached by hand to another table (only an owner
-- could), are refused by the types of its columns, not misread.
CREATE TABLE app.not_customers (location_id text, person_id text, status text, since text);
CREATE TRIGGER misfit BEFORE INSERT ON app.not_customers FOR EACH ROW
    EXECUTE FUNCTION cowork.customer_check_trigger();
INSERT INTO app.not_customers VALUES ('1', '2', 'member', 'now');
DROP TABLE app.not_customers;

-- 6. Fields that decide what a customer may do change with a trace: is_admin
-- and the other flags by direct UPDATE go to the audit; since cannot be
-- set (it decides auto-removal).
UPDATE cowork.customer SET is_admin = true, is_company_manager = false WHERE person_id = :tess;
UPDATE cowork.customer SET since = '2001-01-01' WHERE person_id = :tess;
SELECT field, old_value, new_value, reason, actor = current_user AS by_me
  FROM cowork.customer_audit WHERE person_id = :tess ORDER BY audit_id;

-- 7. A completed action is history: where, who, what, how much and when
-- cannot change; cancelling it (a refund) and its reference can.
SELECT cowork.record_action(:loc, :tess, 'room_booking', amount => 20) AS booking \gset
UPDATE cowork.action SET person_id = :rita WHERE action_id = :booking;
UPDATE cowork.action SET amount = 0 WHERE action_id = :booking;
UPDATE cowork.action SET location_id = :loc, reference = 'INV-7' WHERE action_id = :booking;
UPDATE cowork.action SET state = 'cancelled' WHERE action_id = :booking;
SELECT person_id = :tess AS same_person, amount, state, reference
  FROM cowork.action WHERE action_id = :booking;

SET client_min_messages = warning;
DROP SCHEMA app CASCADE;
DROP OWNED BY regress_attacker;
DROP ROLE regress_attacker;
RESET client_min_messages;
