-- The sample space of "make demo": two locations of one network and a
-- dozen people, then a few transitions, showing the customer lists change.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION cowork;
RESET client_min_messages;

\echo
\echo '== A network of two locations'
SELECT cowork.create_location('Riverside Hub', 'Northwind Spaces') AS riverside \gset
SELECT cowork.create_location('Old Town Loft', 'Northwind Spaces') AS oldtown \gset

-- Members invited by the operator, nonmembers who booked a room or bought
-- a day pass.  Emails are stored trimmed and lower-case.
SELECT cowork.invite_member(:riverside, 'Ada Lovelace',     'ada@analytical.example', '+44 20 7946 0001') AS ada \gset
SELECT cowork.invite_member(:riverside, 'Grace Hopper',     'Grace@Navy.example') AS grace \gset
SELECT cowork.invite_member(:riverside, 'Alan Turing',      'alan@bletchley.example') AS alan \gset
SELECT cowork.invite_member(:riverside, 'Katherine Johnson', ' katherine@nasa.example ') AS katherine \gset
SELECT cowork.add_nonmember(:riverside, 'Linus Torvalds',   'linus@kernel.example') AS linus \gset
SELECT cowork.add_nonmember(:riverside, 'Margaret Hamilton', 'margaret@apollo.example') AS margaret \gset
SELECT cowork.add_nonmember(:riverside, 'Dennis Ritchie',   'dmr@bell.example') AS dennis \gset
SELECT cowork.invite_member(:oldtown,   'Barbara Liskov',   'barbara@mit.example') AS barbara \gset
SELECT cowork.invite_member(:oldtown,   'Edsger Dijkstra',  'edsger@eindhoven.example') AS edsger \gset
SELECT cowork.invite_member(:oldtown,   'Frances Allen',    'fran@ibm.example') AS frances \gset
SELECT cowork.add_nonmember(:oldtown,   'Ken Thompson',     'ken@bell.example') AS ken \gset
SELECT cowork.add_nonmember(:oldtown,   'Radia Perlman',    'radia@dec.example') AS radia \gset
-- The same email at the second location is the same person.
SELECT cowork.add_nonmember(:oldtown, 'Ada Lovelace', 'ADA@analytical.example') = :ada AS "Ada is one person at both locations";

\echo
\echo '== Before'
SELECT name AS location, network, members, nonmembers, removed FROM cowork.location_summary ORDER BY location_id;
SELECT l.name AS location, m.full_name AS member, m.email
  FROM cowork.members m JOIN cowork.location l USING (location_id) ORDER BY l.location_id, m.full_name;
SELECT l.name AS location, n.full_name AS nonmember, n.email
  FROM cowork.nonmembers n JOIN cowork.location l USING (location_id) ORDER BY l.location_id, n.full_name;

SELECT max(event_id) AS setup_events FROM cowork.customer_event \gset
\echo
\echo '== Transitions'
\echo 'Alan Turing leaves Riverside Hub: remove_member (member -> nonmember)'
SELECT cowork.remove_member(:riverside, :alan) \gset
\echo 'Linus Torvalds signs up at Riverside Hub: restore_member (nonmember -> member)'
SELECT cowork.restore_member(:riverside, :linus) \gset
\echo 'Dennis Ritchie is deleted from Riverside Hub: delete_nonmember (nonmember -> removed)'
SELECT cowork.delete_nonmember(:riverside, :dennis) \gset
\echo 'Ken Thompson becomes a member at Old Town Loft by a direct UPDATE, checked by the same rules'
UPDATE cowork.customer SET status = 'member' WHERE location_id = :oldtown AND person_id = :ken;
\echo 'Margaret Hamilton buys the Hot desk plan: a membership subscription makes her a member'
SELECT cowork.create_plan(:riverside, 'Hot desk') AS hotdesk \gset
SELECT cowork.subscribe(:riverside, :margaret, :hotdesk) \gset
\echo 'Radia Perlman had a plan at Old Town Loft from 30 days ago to yesterday, entered only today:'
SELECT cowork.create_plan(:oldtown, 'Fixed desk') AS fixeddesk \gset
SELECT cowork.subscribe(:oldtown, :radia, :fixeddesk, now() - interval '30 days', now() - interval '1 day') \gset
SELECT cowork.status_of(:oldtown, :radia) AS "Radia, once entered";
\echo '... and the maintenance run (what pg_cron calls) ends that membership:'
CALL cowork.run_maintenance();
SELECT cowork.status_of(:oldtown, :radia) AS "Radia, after the run";
\echo 'Alan Turing books a room at Old Town Loft: a completed booking makes him a nonmember there'
SELECT cowork.record_action(:oldtown, :alan, 'room_booking', amount => 25) \gset
\echo 'Deleting a member directly is refused, with the way to do it:'
\set ON_ERROR_STOP off
SELECT cowork.delete_nonmember(:oldtown, :barbara) \gset
\echo 'A nonmember without an email is refused:'
SELECT cowork.add_nonmember(:oldtown, 'No Email', '   ');
\set ON_ERROR_STOP on

\echo
\echo '== After'
SELECT name AS location, network, members, nonmembers, removed FROM cowork.location_summary ORDER BY location_id;
SELECT l.name AS location, m.full_name AS member, m.email
  FROM cowork.members m JOIN cowork.location l USING (location_id) ORDER BY l.location_id, m.full_name;
SELECT l.name AS location, n.full_name AS nonmember, n.email
  FROM cowork.nonmembers n JOIN cowork.location l USING (location_id) ORDER BY l.location_id, n.full_name;

\echo
\echo '== The log of the changes made after the set-up'
SELECT e.event_id, l.name AS location, p.full_name, e.from_status, e.to_status, e.reason, e.actor
  FROM cowork.customer_events e
  JOIN cowork.location l USING (location_id)
  JOIN cowork.person p USING (person_id)
 WHERE e.event_id > :setup_events
 ORDER BY e.event_id;
