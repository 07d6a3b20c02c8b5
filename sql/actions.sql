-- Completed actions drive customer status (SPEC section 2): only the
-- transition into completed counts; members stay members; removed customers
-- come back as nonmembers; every change is logged with the action.
\i test/sql/create-extension.sql
\set SHOW_CONTEXT never

SELECT cowork.create_location('Downtown') AS loc \gset
SELECT cowork.create_location('Harbour') AS harbour \gset
INSERT INTO cowork.person (email, full_name) VALUES
    ('new@example.com', 'Nina New'), ('started@example.com', 'Sam Started'),
    ('cancel@example.com', 'Carl Cancel'), ('many@example.com', 'Mona Many');
SELECT person_id AS nina FROM cowork.person WHERE email = 'new@example.com' \gset
SELECT person_id AS sam FROM cowork.person WHERE email = 'started@example.com' \gset
SELECT person_id AS carl FROM cowork.person WHERE email = 'cancel@example.com' \gset
SELECT person_id AS mona FROM cowork.person WHERE email = 'many@example.com' \gset
SELECT cowork.invite_member(:loc, 'Mia Member', 'member@example.com') AS mia \gset
SELECT cowork.add_nonmember(:loc, 'Noah Nonmember', 'nonmember@example.com') AS noah \gset
SELECT cowork.add_nonmember(:loc, 'Rita Removed', 'removed@example.com') AS rita \gset
SELECT cowork.delete_nonmember(:loc, :rita);

-- A completed action makes a new person a nonmember, at that location only.
SELECT cowork.record_action(:loc, :nina, 'room_booking', amount => 25) AS a1 \gset
SELECT cowork.status_of(:loc, :nina) AS at_downtown, cowork.status_of(:harbour, :nina) AS at_harbour;

-- A started action changes nothing until it completes.
SELECT cowork.record_action(:loc, :sam, 'desk_booking', 'started') AS a2 \gset
SELECT cowork.status_of(:loc, :sam) AS before_completion;
SELECT cowork.complete_action(:a2);
SELECT cowork.status_of(:loc, :sam) AS after_completion;
SELECT cowork.complete_action(:a2);    -- completed already: nothing to do

-- A cancelled action never changes anything, and never completes.
SELECT cowork.record_action(:loc, :carl, 'event_ticket', 'cancelled') AS a3 \gset
SELECT cowork.record_action(:loc, :carl, 'shop_order', 'started') AS a4 \gset
UPDATE cowork.action SET state = 'cancelled' WHERE action_id = :a4;
SELECT cowork.status_of(:loc, :carl) AS carl;
SELECT cowork.complete_action(:a3);
UPDATE cowork.action SET state = 'completed' WHERE action_id = :a4;

-- A member stays a member; a nonmember stays a nonmember; no event.
SELECT cowork.record_action(:loc, :mia, 'payment', amount => 100);
SELECT cowork.record_action(:loc, :noah, 'parking_booking');
SELECT cowork.status_of(:loc, :mia) AS mia, cowork.status_of(:loc, :noah) AS noah;
-- A removed customer comes back as a nonmember.
SELECT cowork.record_action(:loc, :rita, 'benefit_application') AS a5 \gset
SELECT cowork.status_of(:loc, :rita) AS rita;

-- Cancelling (refunding) a completed action later undoes nothing.
UPDATE cowork.action SET state = 'cancelled' WHERE action_id = :a1;
SELECT cowork.status_of(:loc, :nina) AS nina_after_refund;
-- The action's own states: completed never goes back, cancelled is final.
UPDATE cowork.action SET state = 'started' WHERE action_id = :a5;
UPDATE cowork.action SET state = 'completed' WHERE action_id = :a1;

-- Direct DML drives statuses too: several completed actions of one new
-- person in one statement make one customer row and one event.
INSERT INTO cowork.action (location_id, person_id, kind, reference)
VALUES (:loc, :mona, 'office_booking', 'INV-1'), (:loc, :mona, 'payment', 'INV-2'),
       (:harbour, :mona, 'room_booking', 'INV-3');
SELECT l.name, c.status FROM cowork.customer c JOIN cowork.location l USING (location_id)
 WHERE person_id = :mona ORDER BY l.name;

-- completed_at is stamped when an action becomes completed.
SELECT kind, state, completed_at IS NOT NULL AS completed_at_set
  FROM cowork.action ORDER BY action_id;

-- The log names the action kind and id of each change.
SELECT p.full_name, e.from_status, e.to_status, e.reason, e.source,
       e.source_key::bigint IN (SELECT action_id FROM cowork.action a
                                 WHERE a.person_id = e.person_id) AS names_its_action
  FROM cowork.customer_events e JOIN cowork.person p USING (person_id)
 WHERE e.reason LIKE 'action:%' ORDER BY e.event_id;

-- Bad input: clear errors, nothing written.  (Terse: the failing rows
-- quoted in some details hold timestamps.)
\set VERBOSITY terse
SELECT cowork.record_action(:loc, 999999, 'payment');
SELECT cowork.record_action(999999, :nina, 'payment');
SELECT cowork.record_action(:loc, :nina, 'payment', amount => -5);
SELECT cowork.record_action(:loc, :nina, 'haircut');
SELECT cowork.record_action(NULL, :nina, 'payment');
SELECT cowork.complete_action(NULL);
SELECT cowork.complete_action(999999);
\set VERBOSITY default
SELECT count(*) AS actions FROM cowork.action;

-- The history of one person at one location, newest first.
SELECT kind, state, amount, reference FROM cowork.customer_history
 WHERE location_id = :loc AND person_id = :mona;
SELECT count(*) AS history_rows FROM cowork.customer_history;
