-- Views for reporting tools.

CREATE VIEW @extschema@.members AS
SELECT c.location_id, c.person_id, p.full_name, p.email, p.phone,
       c.customer_type, c.company_id, c.since
  FROM @extschema@.customer AS c
  JOIN @extschema@.person AS p ON p.person_id OPERATOR(pg_catalog.=) c.person_id
 WHERE c.status OPERATOR(pg_catalog.=) 'member'::@extschema@.customer_status;
COMMENT ON VIEW @extschema@.members IS 'The members of each location';
COMMENT ON COLUMN @extschema@.members.since IS 'When they became a member';

CREATE VIEW @extschema@.nonmembers AS
SELECT c.location_id, c.person_id, p.full_name, p.email, p.phone,
       c.customer_type, c.company_id, c.since
  FROM @extschema@.customer AS c
  JOIN @extschema@.person AS p ON p.person_id OPERATOR(pg_catalog.=) c.person_id
 WHERE c.status OPERATOR(pg_catalog.=) 'nonmember'::@extschema@.customer_status;
COMMENT ON VIEW @extschema@.nonmembers IS 'The nonmembers of each location';
COMMENT ON COLUMN @extschema@.nonmembers.since IS 'When they became a nonmember';

CREATE VIEW @extschema@.customer_events AS
SELECT e.location_id, e.person_id, e.from_status, e.to_status, e.reason,
       e.at, e.actor, e.event_id, e.source, e.source_key
  FROM @extschema@.customer_event AS e;
COMMENT ON VIEW @extschema@.customer_events IS
'The log of customer status changes; order by event_id for the order they happened in';

CREATE VIEW @extschema@.location_summary AS
SELECT l.location_id, l.name, l.network,
       pg_catalog.count(*) FILTER (WHERE c.status OPERATOR(pg_catalog.=) 'member'::@extschema@.customer_status) AS members,
       pg_catalog.count(*) FILTER (WHERE c.status OPERATOR(pg_catalog.=) 'nonmember'::@extschema@.customer_status) AS nonmembers,
       pg_catalog.count(*) FILTER (WHERE c.status OPERATOR(pg_catalog.=) 'removed'::@extschema@.customer_status) AS removed,
       (SELECT pg_catalog.count(*) FROM @extschema@.company AS co
         WHERE co.location_id OPERATOR(pg_catalog.=) l.location_id) AS companies
  FROM @extschema@.location AS l
  LEFT JOIN @extschema@.customer AS c ON c.location_id OPERATOR(pg_catalog.=) l.location_id
 GROUP BY l.location_id;
COMMENT ON VIEW @extschema@.location_summary IS
'Per location: how many members, nonmembers, removed customers and companies';
COMMENT ON COLUMN @extschema@.location_summary.members IS 'Customers with status member';
COMMENT ON COLUMN @extschema@.location_summary.nonmembers IS 'Customers with status nonmember';
COMMENT ON COLUMN @extschema@.location_summary.removed IS 'Customers with status removed';
COMMENT ON COLUMN @extschema@.location_summary.companies IS 'Companies of the location';

CREATE VIEW @extschema@.customer_history AS
SELECT a.location_id, a.person_id, a.action_id, a.kind, a.state, a.amount,
       a.reference, a.created_at, a.completed_at
  FROM @extschema@.action AS a
 ORDER BY a.location_id, a.person_id, a.created_at DESC, a.action_id DESC;
COMMENT ON VIEW @extschema@.customer_history IS
'Each person''s bookings, payments, tickets, orders and benefit applications at each location (cowork.action), newest first';

CREATE VIEW @extschema@.tracked_actions AS
SELECT pg_catalog.to_regclass(pg_catalog.quote_ident(t.source_schema) OPERATOR(pg_catalog.||) '.'
           OPERATOR(pg_catalog.||) pg_catalog.quote_ident(t.source_table)) AS source,
       t.kind,
       t.location_column::pg_catalog.text AS location_column,
       t.person_column::pg_catalog.text AS person_column,
       t.state_column::pg_catalog.text AS state_column,
       t.completed_value,
       t.id_column::pg_catalog.text AS id_column,
       t.source_schema::pg_catalog.text AS source_schema,
       t.source_table::pg_catalog.text AS source_table,
       t.tracked_at,
       t.tracked_by::pg_catalog.text AS tracked_by
  FROM @extschema@.tracked_source AS t
 WHERE EXISTS (SELECT FROM pg_catalog.pg_trigger AS tg
                WHERE tg.tgrelid OPERATOR(pg_catalog.=) pg_catalog.to_regclass(
                          pg_catalog.quote_ident(t.source_schema) OPERATOR(pg_catalog.||) '.'
                          OPERATOR(pg_catalog.||) pg_catalog.quote_ident(t.source_table))
                  AND tg.tgname OPERATOR(pg_catalog.=) 'cowork_track_actions');
COMMENT ON VIEW @extschema@.tracked_actions IS
'The application tables attached by track_actions() (and still there), with their columns and completed value, names as text';
