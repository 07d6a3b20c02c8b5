-- The status transition table (SPEC section 2), checked by one C trigger on
-- cowork.customer for function calls and direct DML alike; one event per
-- change, none for a non-change; the event log is append-only.
\i test/sql/create-extension.sql
\set SHOW_CONTEXT never

SELECT cowork.create_location('Downtown', 'north') AS loc \gset
INSERT INTO cowork.person (email, full_name) VALUES
    ('m@example.com', 'Mia Member'),
    ('n@example.com', 'Noah Nonmember'),
    ('r@example.com', 'Rita Removed'),
    ('x@example.com', 'Xavier New');
SELECT person_id AS mia FROM cowork.person WHERE email = 'm@example.com' \gset
SELECT person_id AS noah FROM cowork.person WHERE email = 'n@example.com' \gset
SELECT person_id AS rita FROM cowork.person WHERE email = 'r@example.com' \gset
SELECT person_id AS xavier FROM cowork.person WHERE email = 'x@example.com' \gset

-- (no customer row) -> member / nonmember: allowed, by direct INSERT too.
INSERT INTO cowork.customer (location_id, person_id, status) VALUES (:loc, :mia, 'member');
INSERT INTO cowork.customer (location_id, person_id, status) VALUES (:loc, :noah, 'nonmember');
-- (no customer row) -> removed: refused, nothing written.
INSERT INTO cowork.customer (location_id, person_id, status) VALUES (:loc, :rita, 'removed');
SELECT count(*) AS rita_rows FROM cowork.customer WHERE person_id = :rita;

-- member -> removed: refused, with a hint naming the allowed way.
UPDATE cowork.customer SET status = 'removed' WHERE person_id = :mia;
SELECT cowork.delete_nonmember(:loc, :mia);
SELECT cowork.status_of(:loc, :mia) AS mia_still;

-- Setting a status to the value it has is no transition: no event.
UPDATE cowork.customer SET status = 'member' WHERE person_id = :mia;
UPDATE cowork.customer SET status = status;

-- Every allowed edge by direct UPDATE, each logged once as direct_update.
UPDATE cowork.customer SET status = 'nonmember' WHERE person_id = :mia;  -- member -> nonmember
UPDATE cowork.customer SET status = 'removed' WHERE person_id = :mia;    -- nonmember -> removed
UPDATE cowork.customer SET status = 'nonmember' WHERE person_id = :mia;  -- removed -> nonmember
UPDATE cowork.customer SET status = 'member' WHERE person_id = :mia;     -- nonmember -> member
UPDATE cowork.customer SET status = 'nonmember' WHERE person_id = :mia;
UPDATE cowork.customer SET status = 'removed' WHERE person_id = :mia;
UPDATE cowork.customer SET status = 'member' WHERE person_id = :mia;     -- removed -> member

SELECT from_status, to_status, reason, actor = current_user AS by_me
  FROM cowork.customer_events WHERE person_id = :mia ORDER BY event_id;

-- A statement that moves several rows checks each and logs each.
INSERT INTO cowork.customer (location_id, person_id, status) VALUES (:loc, :xavier, 'nonmember');
UPDATE cowork.customer SET status = 'nonmember';   -- mia: member -> nonmember, others unchanged
SELECT person_id = :mia AS is_mia, from_status, to_status
  FROM cowork.customer_events WHERE event_id > 8 ORDER BY event_id;
-- ... and one refused row refuses the whole statement.
UPDATE cowork.customer SET status = 'member' WHERE person_id IN (:noah, :xavier);
UPDATE cowork.customer SET status = 'removed';
SELECT person_id = :mia AS is_mia, status FROM cowork.customer ORDER BY person_id;
UPDATE cowork.customer SET status = 'nonmember' WHERE person_id IN (:noah, :xavier);

-- "since" belongs to the rules: it restarts with each change, only then,
-- and direct DML cannot set it (auto-removal reads it).
SELECT since AS noah_since FROM cowork.customer WHERE person_id = :noah \gset
UPDATE cowork.customer SET since = '2020-01-01' WHERE person_id = :noah;
UPDATE cowork.customer SET since = '2020-01-01', status = 'member' WHERE person_id = :noah;
INSERT INTO cowork.customer (location_id, person_id, status, since)
VALUES (:loc, :rita, 'nonmember', '2020-01-01');
UPDATE cowork.customer SET is_admin = true WHERE person_id = :noah;
SELECT since = :'noah_since' AS since_kept, status FROM cowork.customer WHERE person_id = :noah;
UPDATE cowork.customer SET status = 'member' WHERE person_id = :noah;
SELECT since > '2020-01-01' AND since <= now() AS since_restarted, is_admin FROM cowork.customer WHERE person_id = :noah;

-- Keys never change; customer rows are never deleted.
UPDATE cowork.customer SET person_id = :rita WHERE person_id = :noah;
DELETE FROM cowork.customer WHERE person_id = :noah;
SELECT count(*) AS customers FROM cowork.customer;

-- A NULL key or status, by INSERT or UPDATE: the NOT NULL constraint's
-- 23502, as for any table (the trigger leaves the row to it), not an
-- internal error; nothing written.  (Terse: the failing row has a time.)
\set VERBOSITY terse
INSERT INTO cowork.customer (location_id, person_id, status) VALUES (NULL, :rita, 'nonmember');
\echo :SQLSTATE
INSERT INTO cowork.customer (location_id, person_id, status) VALUES (:loc, NULL, 'nonmember');
\echo :SQLSTATE
INSERT INTO cowork.customer (location_id, person_id, status) VALUES (:loc, :rita, NULL);
\echo :SQLSTATE
UPDATE cowork.customer SET location_id = NULL WHERE person_id = :noah;
\echo :SQLSTATE
UPDATE cowork.customer SET person_id = NULL, status = 'removed' WHERE person_id = :noah;
\echo :SQLSTATE
UPDATE cowork.customer SET status = NULL WHERE person_id = :noah;
\echo :SQLSTATE
INSERT INTO cowork.customer (location_id, person_id, status) VALUES (:loc, :noah, 'member')
    ON CONFLICT (location_id, person_id) DO UPDATE SET person_id = NULL;
\echo :SQLSTATE
-- Without the constraint (a DBA dropped it), the trigger says the same.
BEGIN;
ALTER TABLE cowork.customer ALTER COLUMN status DROP NOT NULL;
UPDATE cowork.customer SET status = NULL WHERE person_id = :noah;
\echo :SQLSTATE
ROLLBACK;
\set VERBOSITY default
SELECT count(*) AS customers, count(*) FILTER (WHERE person_id = :rita) AS rita_rows
  FROM cowork.customer;

-- The functions: each takes only the edges the table gives it.
SELECT cowork.add_nonmember(:loc, 'Mia Member', 'm@example.com');       -- nonmember already: nothing
SELECT cowork.add_nonmember(:loc, 'Noah', 'n@example.com');             -- member: refused
SELECT cowork.invite_member(:loc, 'Xavier', 'x@example.com') = :xavier AS reinvited;  -- nonmember -> member
SELECT cowork.remove_member(:loc, :xavier);                             -- member -> nonmember
SELECT cowork.remove_member(:loc, :xavier);                             -- nonmember: nothing
SELECT cowork.delete_nonmember(:loc, :xavier);                          -- nonmember -> removed
SELECT cowork.remove_member(:loc, :xavier);                             -- removed: refused
SELECT cowork.delete_nonmember(:loc, :xavier);                          -- removed: nothing
SELECT cowork.add_nonmember(:loc, 'Xavier', 'x@example.com') = :xavier AS same_person;  -- removed -> nonmember
SELECT cowork.delete_nonmember(:loc, :xavier);
SELECT cowork.restore_member(:loc, :xavier);                            -- removed -> member
SELECT cowork.restore_member(:loc, :xavier);                            -- member: nothing
SELECT cowork.invite_member(:loc, 'Xavier', 'x@example.com') = :xavier AS same_person; -- member: nothing
SELECT cowork.remove_member(:loc, :xavier);                             -- member -> nonmember
SELECT cowork.restore_member(:loc, :xavier);                            -- nonmember -> member
SELECT from_status, to_status, reason
  FROM cowork.customer_events WHERE person_id = :xavier ORDER BY event_id;

-- Unknown customers, people and locations.
SELECT cowork.remove_member(:loc, :rita);
SELECT cowork.delete_nonmember(:loc, :rita);
SELECT cowork.restore_member(:loc, :rita);
SELECT cowork.restore_member(:loc, 999999);
SELECT cowork.restore_member(999999, :rita);
SELECT cowork.add_nonmember(999999, 'Rita', 'r@example.com');
SELECT count(*) AS rita_rows FROM cowork.customer WHERE person_id = :rita;

-- The event log refuses UPDATE, DELETE and TRUNCATE, even in replica mode.
UPDATE cowork.customer_event SET reason = 'forged';
DELETE FROM cowork.customer_event;
TRUNCATE cowork.customer_event;
TRUNCATE cowork.customer;
TRUNCATE cowork.customer CASCADE;
SET session_replication_role = replica;
DELETE FROM cowork.customer_event;
RESET session_replication_role;
-- One event per change, and nothing for the refusals above.
SELECT count(*) AS events,
       count(*) FILTER (WHERE from_status IS NULL) AS creations
  FROM cowork.customer_event;
SELECT reason, count(*) FROM cowork.customer_event GROUP BY reason ORDER BY reason;
