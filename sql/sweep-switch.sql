-- The switch does not forget: while auto_remove_members is off nobody at the
-- location is auto-removed; once it is on again the next sweep removes every
-- member who qualifies, including those whose subscriptions ended while it
-- was off.  The same scenario at two locations, with a sweep while the
-- switch is off at one and none at the other: same statuses, same events.
\i test/sql/create-extension.sql
\set SHOW_CONTEXT never

-- One location's cast, its names tagged with the location's.
CREATE FUNCTION pg_temp.scenario(tag text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    loc bigint := cowork.create_location('Hub ' || tag);
    desk bigint := cowork.create_plan(loc, 'Desk');
    coffee bigint := cowork.create_plan(loc, 'Coffee', grants_membership => false);
    acme bigint := cowork.create_company(loc, 'Acme ' || tag);
    p bigint;
BEGIN
    -- Ann: her subscription ended two days ago, before the switch went off.
    p := cowork.add_nonmember(loc, 'Ann ' || tag, 'ann-' || tag || '@example.com');
    PERFORM cowork.subscribe(loc, p, desk, now() - interval '30 days', now() - interval '2 days');
    -- Ben: his ends tomorrow, while the switch is off.
    p := cowork.add_nonmember(loc, 'Ben ' || tag, 'ben-' || tag || '@example.com');
    PERFORM cowork.subscribe(loc, p, desk, now() - interval '30 days', now() + interval '1 day');
    -- Cy and Dee: Acme's subscription ends tomorrow; Dee has her own, running.
    p := cowork.invite_member(loc, 'Cy ' || tag, 'cy-' || tag || '@example.com', company_id => acme);
    p := cowork.invite_member(loc, 'Dee ' || tag, 'dee-' || tag || '@example.com', company_id => acme);
    PERFORM cowork.subscribe(loc, p, desk, now() - interval '1 minute');
    PERFORM cowork.subscribe_company(loc, acme, desk, now() - interval '1 minute', now() + interval '1 day');
    -- Eve: an administrator, her subscription ended.
    p := cowork.add_nonmember(loc, 'Eve ' || tag, 'eve-' || tag || '@example.com');
    PERFORM cowork.subscribe(loc, p, desk, now() - interval '30 days', now() + interval '1 day');
    UPDATE cowork.customer SET is_admin = true WHERE location_id = loc AND person_id = p;
    -- Fay: restored by hand after her subscription ended.
    p := cowork.add_nonmember(loc, 'Fay ' || tag, 'fay-' || tag || '@example.com');
    PERFORM cowork.subscribe(loc, p, desk, now() - interval '30 days', now() - interval '2 days');
    PERFORM cowork.remove_member(loc, p);
    PERFORM cowork.restore_member(loc, p);
    -- Gus: his ends tomorrow, the next one starts the day after.
    p := cowork.add_nonmember(loc, 'Gus ' || tag, 'gus-' || tag || '@example.com');
    PERFORM cowork.subscribe(loc, p, desk, now() - interval '30 days', now() + interval '1 day');
    PERFORM cowork.subscribe(loc, p, desk, now() + interval '2 days');
    -- Hal: a member by invitation, whose coffee club ends (no membership).
    p := cowork.invite_member(loc, 'Hal ' || tag, 'hal-' || tag || '@example.com');
    PERFORM cowork.subscribe(loc, p, coffee, now() - interval '30 days', now() + interval '1 day');
    RETURN loc;
END;
$$;

-- A: the switch goes off, sweeps run three days on (removing nobody, the
-- ends they reach put on hold), then it goes on again.
SELECT pg_temp.scenario('A') AS loc_a \gset
UPDATE cowork.location SET auto_remove_members = false WHERE location_id = :loc_a;
SELECT cowork.run_auto_remove(now() + interval '3 days') AS while_off;
CALL cowork.run_maintenance(now() + interval '3 days');
SELECT p.full_name, c.status FROM cowork.customer c JOIN cowork.person p USING (person_id)
 WHERE c.location_id = :loc_a AND c.status <> 'member' ORDER BY 1;
SELECT on_hold, count(*) FROM cowork.subscription_end_due
 WHERE location_id = :loc_a GROUP BY 1 ORDER BY 1;
-- A held end is not due: a sweep with them on hold finds nothing to do.
SELECT cowork.run_auto_remove(now() + interval '3 days') AS held_not_due;
UPDATE cowork.location SET auto_remove_members = true WHERE location_id = :loc_a;
SELECT on_hold, count(*) FROM cowork.subscription_end_due
 WHERE location_id = :loc_a GROUP BY 1 ORDER BY 1;
-- Switched on again, the next sweep removes whoever qualifies.
CALL cowork.run_maintenance(now() + interval '3 days');

-- B: the same, but no sweep runs while the switch is off.
SELECT pg_temp.scenario('B') AS loc_b \gset
UPDATE cowork.location SET auto_remove_members = false WHERE location_id = :loc_b;
UPDATE cowork.location SET auto_remove_members = true WHERE location_id = :loc_b;
CALL cowork.run_maintenance(now() + interval '3 days');

-- Each location's outcome, names untagged and subscription ids by subscriber.
CREATE VIEW pg_temp.outcome AS
SELECT l.location_id, pg_catalog.left(p.full_name, -2) AS name, c.status,
       (SELECT string_agg(coalesce(e.from_status::text, '-') || '>' || e.to_status || ' '
                          || regexp_replace(e.reason, ':[0-9]+$',
                               ':' || coalesce((SELECT pg_catalog.left(coalesce(sp.full_name, sc.name), -2)
                                                  FROM cowork.subscription s
                                                  LEFT JOIN cowork.person sp ON sp.person_id = s.person_id
                                                  LEFT JOIN cowork.company sc ON sc.location_id = s.location_id
                                                   AND sc.company_id = s.company_id
                                                 WHERE s.location_id = e.location_id
                                                   AND s.subscription_id::text = substring(e.reason from ':([0-9]+)$')),
                                               '?'))
                          || ' by ' || e.actor, '; ' ORDER BY e.event_id)
          FROM cowork.customer_event e
         WHERE e.location_id = c.location_id AND e.person_id = c.person_id) AS events
  FROM cowork.customer c JOIN cowork.person p USING (person_id)
  JOIN cowork.location l USING (location_id);
SELECT name, status, events FROM pg_temp.outcome WHERE location_id = :loc_a ORDER BY name;
-- B, where no sweep ran while the switch was off, has the same: no row here.
SELECT 'only at A' AS side, * FROM (
  SELECT name, status, events FROM pg_temp.outcome WHERE location_id = :loc_a
  EXCEPT SELECT name, status, events FROM pg_temp.outcome WHERE location_id = :loc_b) a
UNION ALL
SELECT 'only at B', * FROM (
  SELECT name, status, events FROM pg_temp.outcome WHERE location_id = :loc_b
  EXCEPT SELECT name, status, events FROM pg_temp.outcome WHERE location_id = :loc_a) b;
SELECT count(*) AS queue_left_at_a FROM cowork.subscription_end_due
 WHERE location_id = :loc_a AND ends_at <= now() + interval '3 days';

-- Moving an end date while it is held makes it due again (and held again by
-- the next sweep while the switch is off).
SELECT cowork.add_nonmember(:loc_a, 'Ivy A', 'ivy-a@example.com') AS ivy \gset
SELECT plan_id AS desk_a FROM cowork.plan WHERE location_id = :loc_a AND name = 'Desk' \gset
SELECT cowork.subscribe(:loc_a, :ivy, :desk_a, now() - interval '10 days', now() - interval '1 day') AS ivy_sub \gset
UPDATE cowork.location SET auto_remove_members = false WHERE location_id = :loc_a;
SELECT cowork.run_auto_remove() AS ivy_off;
SELECT on_hold FROM cowork.subscription_end_due WHERE subscription_id = :ivy_sub;
UPDATE cowork.subscription SET ends_at = now() - interval '2 days' WHERE subscription_id = :ivy_sub;
SELECT on_hold FROM cowork.subscription_end_due WHERE subscription_id = :ivy_sub;
SELECT cowork.run_auto_remove() AS ivy_off_again;
SELECT on_hold FROM cowork.subscription_end_due WHERE subscription_id = :ivy_sub;
-- An UPDATE that leaves the switch as it was releases nothing.
UPDATE cowork.location SET auto_remove_members = false WHERE location_id = :loc_a;
SELECT on_hold FROM cowork.subscription_end_due WHERE subscription_id = :ivy_sub;
UPDATE cowork.location SET auto_remove_members = true WHERE location_id = :loc_a;
SELECT cowork.run_auto_remove() AS ivy_on;
SELECT cowork.status_of(:loc_a, :ivy) AS ivy;

-- The release is the extension's bookkeeping: a role that may switch the
-- location but not write the queue switches it on all the same.
CREATE ROLE regress_switch_admin;
GRANT USAGE ON SCHEMA cowork TO regress_switch_admin;
GRANT SELECT, UPDATE ON cowork.location TO regress_switch_admin;
SELECT cowork.grant_access('regress_switch_admin', :loc_a, 'admin');
SELECT cowork.add_nonmember(:loc_a, 'Jo A', 'jo-a@example.com') AS jo \gset
SELECT cowork.subscribe(:loc_a, :jo, :desk_a, now() - interval '10 days', now() - interval '1 day') AS jo_sub \gset
UPDATE cowork.location SET auto_remove_members = false WHERE location_id = :loc_a;
SELECT cowork.run_auto_remove() AS jo_off;
SET ROLE regress_switch_admin;
UPDATE cowork.location SET auto_remove_members = true WHERE location_id = :loc_a;
RESET ROLE;
SELECT on_hold FROM cowork.subscription_end_due WHERE subscription_id = :jo_sub;
SELECT cowork.run_auto_remove() AS jo_on;
SELECT cowork.status_of(:loc_a, :jo) AS jo;
SELECT cowork.revoke_access('regress_switch_admin', :loc_a);
DROP OWNED BY regress_switch_admin;
DROP ROLE regress_switch_admin;
