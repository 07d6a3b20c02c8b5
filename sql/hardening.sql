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

DROP SCHEMA app CASCADE;
DROP OWNED BY regress_attacker;
DROP ROLE regress_attacker;
