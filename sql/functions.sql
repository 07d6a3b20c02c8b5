-- The SQL functions of the foundation: create_location, add_nonmember,
-- invite_member, remove_member, delete_nonmember, restore_member, status_of.
\i test/sql/create-extension.sql
\set SHOW_CONTEXT never

CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE sql;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- Locations: a name is required; a blank network is no network.
SELECT cowork.create_location('  Downtown ', 'north') AS downtown \gset
SELECT cowork.create_location('Harbour', 'north') AS harbour \gset
SELECT cowork.create_location('Airport', '  ') AS airport \gset
SELECT name, network, auto_remove_members, auto_remove_grace
  FROM cowork.location ORDER BY location_id;
SELECT cowork.create_location(NULL);
SELECT cowork.create_location('   ', 'north');
SELECT count(*) AS locations FROM cowork.location;

-- One email, one person; one customer row per location.
SELECT cowork.add_nonmember(:downtown, 'Ada Lovelace', 'ada@example.com', ' +44 20 7946 0000 ') AS ada \gset
SELECT cowork.invite_member(:harbour, 'Ada L.', '  ADA@example.com') = :ada AS same_person;
SELECT email, full_name, phone FROM cowork.person WHERE person_id = :ada;
SELECT location_id = :downtown AS downtown, status, customer_type, is_admin, suspended
  FROM cowork.customer WHERE person_id = :ada ORDER BY location_id;
SELECT cowork.status_of(:downtown, :ada) AS at_downtown,
       cowork.status_of(:harbour, :ada) AS at_harbour,
       cowork.status_of(:airport, :ada) AS at_airport,
       cowork.status_of(NULL, :ada) AS null_location;

-- Adding the same nonmember again changes nothing and logs nothing.
SELECT cowork.add_nonmember(:downtown, 'Ada Lovelace', 'ada@example.com') = :ada AS same_person;
SELECT count(*) AS ada_events FROM cowork.customer_event WHERE person_id = :ada;

-- A member at one location is added as a nonmember at another.
SELECT cowork.invite_member(:downtown, 'Grace Hopper', 'grace@example.com') AS grace \gset
SELECT cowork.add_nonmember(:harbour, 'Grace Hopper', 'grace@example.com') = :grace AS same_person;
SELECT cowork.status_of(:downtown, :grace) AS at_downtown, cowork.status_of(:harbour, :grace) AS at_harbour;

-- NULL arguments are errors that name the argument, never a silent NULL.
SELECT cowork.add_nonmember(NULL, 'Ada', 'ada@example.com');
SELECT cowork.remove_member(:downtown, NULL);
SELECT cowork.delete_nonmember(NULL, :ada);
SELECT cowork.restore_member(NULL, NULL);

-- Each kind of bad input has its SQLSTATE.
SELECT label, pg_temp.try(sql) AS result FROM (VALUES
    ('bad email',          format('SELECT cowork.add_nonmember(%s, %L, %L)', :downtown, 'X', 'x@')),
    ('missing name',       format('SELECT cowork.invite_member(%s, NULL, %L)', :downtown, 'x@example.com')),
    ('missing location',   format('SELECT cowork.create_location(%L)', '')),
    ('null argument',      format('SELECT cowork.remove_member(NULL, %s)', :ada)),
    ('unknown location',   format('SELECT cowork.invite_member(0, %L, %L)', 'X', 'x@example.com')),
    ('unknown person',     format('SELECT cowork.remove_member(%s, 0)', :downtown)),
    ('not a customer',     format('SELECT cowork.restore_member(%s, %s)', :airport, :ada)),
    ('already a member',   format('SELECT cowork.add_nonmember(%s, %L, %L)', :harbour, 'Ada', 'ada@example.com')),
    ('refused edge',       format('SELECT cowork.delete_nonmember(%s, %s)', :harbour, :ada))
  ) AS t(label, sql);
-- ... and writes nothing.
SELECT (SELECT count(*) FROM cowork.person) AS persons,
       (SELECT count(*) FROM cowork.customer) AS customers,
       (SELECT count(*) FROM cowork.customer_event) AS events;
-- Inviting a known nonmember (or a removed customer) again is the
-- platforms' "reinvite": a member again, reason invite_member.
SELECT cowork.status_of(:downtown, :ada) AS ada_before;
SELECT cowork.invite_member(:downtown, 'Ada', 'ada@example.com') = :ada AS same_person;
SELECT cowork.status_of(:downtown, :ada) AS ada_after;
SELECT from_status, to_status, reason FROM cowork.customer_events
 WHERE location_id = :downtown AND person_id = :ada ORDER BY event_id DESC LIMIT 1;

-- The actor of an event is the role that made the change.  An application
-- role needs the documented grants, and no right on the event log beyond
-- SELECT: the log is written with its owner's rights.
CREATE ROLE regress_app;
GRANT USAGE ON SCHEMA cowork TO regress_app;
GRANT SELECT, INSERT, UPDATE ON cowork.location, cowork.person, cowork.customer,
      cowork.company, cowork.plan, cowork.subscription, cowork.action, cowork.invitation TO regress_app;
GRANT USAGE ON SEQUENCE cowork.location_location_id_seq, cowork.person_person_id_seq TO regress_app;
GRANT SELECT ON cowork.customer_event TO regress_app;
SELECT cowork.grant_access('regress_app', NULL, 'admin');   -- a member portal's role
SET ROLE regress_app;
SELECT cowork.remove_member(:harbour, :ada);
SELECT cowork.add_nonmember(:airport, 'Linus', 'linus@example.com') AS linus \gset
INSERT INTO cowork.customer_event (location_id, person_id, to_status, reason)
VALUES (:airport, :linus, 'member', 'forged');
RESET ROLE;
SELECT location_id = :airport AS airport, from_status, to_status, reason, actor
  FROM cowork.customer_events WHERE actor = 'regress_app' ORDER BY event_id;
DROP OWNED BY regress_app;
DROP ROLE regress_app;
