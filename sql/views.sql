-- The views for reporting tools: members, nonmembers, customer_events,
-- location_summary.
\i test/sql/create-extension.sql

SELECT cowork.create_location('Downtown', 'north') AS downtown \gset
SELECT cowork.create_location('Harbour', 'north') AS harbour \gset
SELECT cowork.create_location('Empty') AS empty \gset
SELECT cowork.invite_member(:downtown, 'Ada Lovelace', 'ada@example.com', '+44 1') AS ada \gset
SELECT cowork.invite_member(:downtown, 'Grace Hopper', 'grace@example.com') AS grace \gset
SELECT cowork.add_nonmember(:downtown, 'Linus T', 'linus@example.com') AS linus \gset
SELECT cowork.add_nonmember(:harbour, 'Ada Lovelace', 'ada@example.com') = :ada AS same;
SELECT cowork.add_nonmember(:harbour, 'Barbara Liskov', 'barbara@example.com') AS barbara \gset
SELECT cowork.delete_nonmember(:harbour, :barbara);

-- Column lists are part of the contract.
SELECT table_name, string_agg(column_name, ', ' ORDER BY ordinal_position) AS columns
  FROM information_schema.columns
 WHERE table_schema = 'cowork'
   AND table_name IN ('members', 'nonmembers', 'customer_events', 'location_summary')
 GROUP BY table_name ORDER BY table_name;

SELECT l.name AS location, m.full_name, m.email, m.phone, m.customer_type, m.company_id,
       m.since <= now() AS since_ok
  FROM cowork.members m JOIN cowork.location l USING (location_id)
 ORDER BY l.name, m.full_name;
SELECT l.name AS location, n.full_name, n.email
  FROM cowork.nonmembers n JOIN cowork.location l USING (location_id)
 ORDER BY l.name, n.full_name;
SELECT name, network, members, nonmembers, removed, companies
  FROM cowork.location_summary ORDER BY location_id;

-- The lists change with the statuses.
SELECT cowork.remove_member(:downtown, :grace);
SELECT cowork.restore_member(:harbour, :barbara);
SELECT l.name AS location, m.full_name
  FROM cowork.members m JOIN cowork.location l USING (location_id)
 ORDER BY l.name, m.full_name;
SELECT l.name AS location, n.full_name
  FROM cowork.nonmembers n JOIN cowork.location l USING (location_id)
 ORDER BY l.name, n.full_name;
SELECT name, members, nonmembers, removed FROM cowork.location_summary ORDER BY location_id;

-- The log, in the order things happened.
SELECT l.name AS location, p.full_name, e.from_status, e.to_status, e.reason,
       e.actor = current_user AS by_me, e.at <= now() AS at_ok
  FROM cowork.customer_events e
  JOIN cowork.location l USING (location_id)
  JOIN cowork.person p USING (person_id)
 ORDER BY e.event_id;

-- A reporting role reads the views with the caller's rights: it needs
-- SELECT on the tables under them too, and reader access to the locations
-- whose rows it is to see (row-level security shows it nothing else).
CREATE ROLE regress_report;
GRANT USAGE ON SCHEMA cowork TO regress_report;
GRANT SELECT ON cowork.members, cowork.nonmembers, cowork.customer_events,
                cowork.location_summary TO regress_report;
SET ROLE regress_report;
SELECT count(*) AS members FROM cowork.members;
RESET ROLE;
GRANT SELECT ON ALL TABLES IN SCHEMA cowork TO regress_report;
SET ROLE regress_report;
SELECT count(*) AS members_without_access FROM cowork.members;
RESET ROLE;
SELECT cowork.grant_access('regress_report', NULL, 'reader');
SET ROLE regress_report;
SELECT count(*) AS members FROM cowork.members;
SELECT count(*) AS events FROM cowork.customer_events;
SELECT count(*) AS customers FROM cowork.customer;
SELECT cowork.add_nonmember(1, 'Rex Reporter', 'rex@example.com');
RESET ROLE;
DROP OWNED BY regress_report;
DROP ROLE regress_report;
