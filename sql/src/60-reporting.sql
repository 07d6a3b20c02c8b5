-- Reporting: statuses as of any moment, monthly movement, active users,
-- tenure.  Read from the event log (and, for active users, the actions,
-- the subscriptions and the audit).  Plain SQL run with the caller's rights
-- (SECURITY INVOKER, views with security_invoker), so table privileges and
-- row-level security apply to them as to the tables.
--
-- Time of an event: its "at", or the latest "at" of the same customer's
-- earlier events when that is later (two overlapping transactions: the one
-- that started first may write its change second).  So a customer's history,
-- read in event_id order, never runs backwards in time, and "the status at
-- t" is the status after the events that had all happened by t.

CREATE FUNCTION @extschema@.status_at(location_id bigint, person_id bigint, at timestamptz)
RETURNS @extschema@.customer_status
LANGUAGE sql STABLE STRICT PARALLEL SAFE SECURITY INVOKER
BEGIN ATOMIC
    SELECT @extschema@.require_access(status_at.location_id, 'reader');
    SELECT e.to_status
      FROM @extschema@.customer_event AS e
     WHERE e.location_id OPERATOR(pg_catalog.=) status_at.location_id
       AND e.person_id OPERATOR(pg_catalog.=) status_at.person_id
       AND e.at OPERATOR(pg_catalog.<=) status_at.at
       AND NOT EXISTS (SELECT FROM @extschema@.customer_event AS x
                        WHERE x.location_id OPERATOR(pg_catalog.=) status_at.location_id
                          AND x.person_id OPERATOR(pg_catalog.=) status_at.person_id
                          AND x.event_id OPERATOR(pg_catalog.<) e.event_id
                          AND x.at OPERATOR(pg_catalog.>) status_at.at)
     ORDER BY e.event_id DESC
     LIMIT 1;
END;
COMMENT ON FUNCTION @extschema@.status_at(bigint, bigint, timestamptz) IS
'The person''s status at the location at that moment, from the event log (an event counts from its at on); NULL before their first event';

CREATE FUNCTION @extschema@.members_at(location_id bigint, at timestamptz)
RETURNS TABLE (person_id bigint, since timestamptz)
LANGUAGE sql STABLE STRICT PARALLEL SAFE SECURITY INVOKER
BEGIN ATOMIC
    SELECT @extschema@.require_access(members_at.location_id, 'reader');
    SELECT h.person_id, h.since
      FROM (SELECT DISTINCT ON (t.person_id) t.person_id, t.to_status, t.effective_at AS since
              FROM (SELECT e.person_id, e.event_id, e.to_status,
                           pg_catalog.max(e.at) OVER (PARTITION BY e.person_id ORDER BY e.event_id)
                               AS effective_at
                      FROM @extschema@.customer_event AS e
                     WHERE e.location_id OPERATOR(pg_catalog.=) members_at.location_id) AS t
             WHERE t.effective_at OPERATOR(pg_catalog.<=) members_at.at
             ORDER BY t.person_id, t.event_id DESC) AS h
     WHERE h.to_status OPERATOR(pg_catalog.=) 'member'::@extschema@.customer_status
     ORDER BY h.person_id;
END;
COMMENT ON FUNCTION @extschema@.members_at(bigint, timestamptz) IS
'The members of the location at that moment, from the event log, with the start of the membership they were in then';

CREATE FUNCTION @extschema@.active_users(location_id bigint, period_start timestamptz,
                                         period_end timestamptz)
RETURNS TABLE (person_id bigint, reason text)
LANGUAGE sql STABLE STRICT PARALLEL SAFE SECURITY INVOKER
BEGIN ATOMIC
    SELECT @extschema@.require_access(active_users.location_id, 'reader');
    WITH
    -- The audited fields that matter, as spans of time: one per audit row,
    -- from its time to the next row's (the same rule for time as the log).
    audit AS (
        SELECT a.person_id, a.field, a.audit_id, a.old_value, a.new_value,
               pg_catalog.max(a.at) OVER (PARTITION BY a.person_id, a.field ORDER BY a.audit_id)
                   AS effective_at
          FROM @extschema@.customer_audit AS a
         WHERE a.location_id OPERATOR(pg_catalog.=) active_users.location_id
           AND a.field OPERATOR(pg_catalog.=) ANY (ARRAY['suspended', 'company_id'])),
    audit_span AS (
        SELECT au.person_id, au.field, au.old_value, au.new_value, au.effective_at,
               pg_catalog.row_number() OVER w OPERATOR(pg_catalog.=) 1 AS first,
               pg_catalog.tstzrange(au.effective_at, pg_catalog.lead(au.effective_at) OVER w) AS span
          FROM audit AS au
        WINDOW w AS (PARTITION BY au.person_id, au.field ORDER BY au.audit_id)),
    -- A field's value over time: each row's new value from its time on, the
    -- first row's old value before it, and for a customer whose field was
    -- never audited (data older than the audit) the current value throughout.
    field_value AS (
        SELECT s.person_id, s.field, s.new_value AS value, s.span
          FROM audit_span AS s
        UNION ALL
        SELECT s.person_id, s.field, s.old_value, pg_catalog.tstzrange(NULL, s.effective_at)
          FROM audit_span AS s
         WHERE s.first AND s.old_value IS NOT NULL
        UNION ALL
        SELECT c.person_id, f.field,
               CASE f.field WHEN 'suspended' THEN c.suspended::pg_catalog.text
                            ELSE c.company_id::pg_catalog.text END,
               pg_catalog.tstzrange(NULL, NULL)
          FROM @extschema@.customer AS c
         CROSS JOIN (VALUES ('suspended'), ('company_id')) AS f (field)
         WHERE c.location_id OPERATOR(pg_catalog.=) active_users.location_id
           AND NOT EXISTS (SELECT FROM audit AS au
                            WHERE au.person_id OPERATOR(pg_catalog.=) c.person_id
                              AND au.field OPERATOR(pg_catalog.=) f.field)),
    suspended AS MATERIALIZED (
        SELECT v.person_id, pg_catalog.range_agg(v.span) AS spans
          FROM field_value AS v
         WHERE v.field OPERATOR(pg_catalog.=) 'suspended'
           AND v.value OPERATOR(pg_catalog.=) 'true'
         GROUP BY v.person_id),
    period AS (
        SELECT pg_catalog.tstzrange(active_users.period_start,
                                    GREATEST(active_users.period_start, active_users.period_end)) AS p),
    -- Subscriptions running at some moment of the period, as the part of
    -- the period they ran in, for the people they cover: the subscriber, or
    -- the customers of the company while they belonged to it and were not
    -- removed.
    running AS MATERIALIZED (
        SELECT s.person_id, s.company_id,
               pg_catalog.tstzrange(s.starts_at, s.ends_at) OPERATOR(pg_catalog.*) period.p AS span
          FROM @extschema@.subscription AS s, period
         WHERE s.location_id OPERATOR(pg_catalog.=) active_users.location_id
           AND s.starts_at OPERATOR(pg_catalog.<) pg_catalog.upper(period.p)
           AND (s.ends_at IS NULL OR s.ends_at OPERATOR(pg_catalog.>) pg_catalog.lower(period.p))
           AND s.ends_at IS DISTINCT FROM s.starts_at),
    company_span AS MATERIALIZED (
        SELECT v.person_id, v.value::pg_catalog.int8 AS company_id, v.span
          FROM field_value AS v
         WHERE v.field OPERATOR(pg_catalog.=) 'company_id' AND v.value IS NOT NULL),
    company_covered AS MATERIALIZED (
        SELECT cs.person_id,
               pg_catalog.range_agg(r.span OPERATOR(pg_catalog.*) cs.span) AS spans
          FROM running AS r
          JOIN company_span AS cs
            ON cs.company_id OPERATOR(pg_catalog.=) r.company_id
           AND cs.span OPERATOR(pg_catalog.&&) r.span
         GROUP BY cs.person_id),
    customer_span AS MATERIALIZED (
        SELECT t.person_id,
               pg_catalog.range_agg(pg_catalog.tstzrange(t.effective_at, t.next_at)) AS spans
          FROM (SELECT u.person_id, u.to_status, u.effective_at,
                       pg_catalog.lead(u.effective_at) OVER (PARTITION BY u.person_id ORDER BY u.event_id)
                           AS next_at
                  FROM (SELECT e.person_id, e.event_id, e.to_status,
                               pg_catalog.max(e.at) OVER (PARTITION BY e.person_id ORDER BY e.event_id)
                                   AS effective_at
                          FROM @extschema@.customer_event AS e
                         WHERE e.location_id OPERATOR(pg_catalog.=) active_users.location_id
                           AND e.person_id OPERATOR(pg_catalog.=) ANY
                               (SELECT cc.person_id FROM company_covered AS cc)) AS u) AS t
         WHERE t.to_status OPERATOR(pg_catalog.<>) 'removed'::@extschema@.customer_status
         GROUP BY t.person_id),
    covered AS MATERIALIZED (
        SELECT r.person_id, pg_catalog.range_agg(r.span) AS spans
          FROM running AS r
         WHERE r.person_id IS NOT NULL
         GROUP BY r.person_id
        UNION ALL
        SELECT cc.person_id, cc.spans OPERATOR(pg_catalog.*) cs.spans
          FROM company_covered AS cc
          JOIN customer_span AS cs ON cs.person_id OPERATOR(pg_catalog.=) cc.person_id),
    -- Each criterion that holds at a moment the person was not suspended,
    -- ranked in the order of the reasons.
    criterion AS (
        SELECT a.person_id,
               CASE WHEN a.kind OPERATOR(pg_catalog.=) 'payment'::@extschema@.action_kind
                    THEN 2 ELSE 1 END AS rank
          FROM @extschema@.action AS a
         WHERE a.location_id OPERATOR(pg_catalog.=) active_users.location_id
           AND a.completed_at OPERATOR(pg_catalog.>=) active_users.period_start
           AND a.completed_at OPERATOR(pg_catalog.<) active_users.period_end
           AND a.kind OPERATOR(pg_catalog.=) ANY (ARRAY['room_booking', 'desk_booking',
                   'parking_booking', 'office_booking', 'payment']::@extschema@.action_kind[])
           AND NOT EXISTS (SELECT FROM suspended AS su
                            WHERE su.person_id OPERATOR(pg_catalog.=) a.person_id
                              AND su.spans OPERATOR(pg_catalog.@>) a.completed_at)
        UNION ALL
        SELECT cv.person_id, 3
          FROM covered AS cv
          LEFT JOIN suspended AS su ON su.person_id OPERATOR(pg_catalog.=) cv.person_id
         WHERE NOT pg_catalog.isempty(cv.spans OPERATOR(pg_catalog.-)
                   COALESCE(su.spans, '{}'::pg_catalog.tstzmultirange)))
    SELECT c.person_id,
           (ARRAY['booking', 'payment', 'subscription'])[pg_catalog.min(c.rank)]
      FROM criterion AS c
     GROUP BY c.person_id
     ORDER BY c.person_id;
END;
COMMENT ON FUNCTION @extschema@.active_users(bigint, timestamptz, timestamptz) IS
'The active users of the location in [period_start, period_end) (a billing rule): completed a booking or a payment there, or had a subscription there (own or their company''s, any plan) running at some moment of the period, each only at moments they were not suspended; one row per person, reason booking, payment or subscription (the first that holds)';

CREATE VIEW @extschema@.monthly_movement WITH (security_invoker = true) AS
WITH event AS (
    SELECT e.location_id, e.from_status, e.to_status,
           pg_catalog.max(e.at) OVER (PARTITION BY e.location_id, e.person_id ORDER BY e.event_id)
               AS effective_at
      FROM @extschema@.customer_event AS e),
month AS (
    SELECT ev.location_id,
           pg_catalog.date_trunc('month', ev.effective_at)::pg_catalog.date AS month,
           pg_catalog.count(*) FILTER (WHERE ev.from_status IS NULL) AS new_customers,
           pg_catalog.count(*) FILTER (WHERE ev.to_status OPERATOR(pg_catalog.=)
               'member'::@extschema@.customer_status) AS joined,
           pg_catalog.count(*) FILTER (WHERE ev.from_status OPERATOR(pg_catalog.=)
               'member'::@extschema@.customer_status) AS left_,
           pg_catalog.count(*) FILTER (WHERE ev.from_status OPERATOR(pg_catalog.=)
               'nonmember'::@extschema@.customer_status
               AND ev.to_status OPERATOR(pg_catalog.=) 'member'::@extschema@.customer_status) AS converted
      FROM event AS ev
     GROUP BY ev.location_id, 2)
SELECT m.location_id, m.month, m.new_customers, m.joined, m.left_ AS "left", m.converted,
       pg_catalog.sum(m.joined OPERATOR(pg_catalog.-) m.left_)
           OVER (PARTITION BY m.location_id ORDER BY m.month)::bigint AS members_at_end
  FROM month AS m;
COMMENT ON VIEW @extschema@.monthly_movement IS
'Per location and month that has events (months in the session''s time zone): new customers, joins, leaves, conversions and the members at the end of the month, from the event log';
COMMENT ON COLUMN @extschema@.monthly_movement.month IS 'The first day of the month';
COMMENT ON COLUMN @extschema@.monthly_movement.new_customers IS 'Customers whose first status at the location began in the month';
COMMENT ON COLUMN @extschema@.monthly_movement.joined IS 'Changes to member in the month, from anything (a person who joins twice counts twice)';
COMMENT ON COLUMN @extschema@.monthly_movement."left" IS 'Changes from member to nonmember in the month';
COMMENT ON COLUMN @extschema@.monthly_movement.converted IS 'Changes from nonmember to member in the month';
COMMENT ON COLUMN @extschema@.monthly_movement.members_at_end IS 'Members at the end of the month: the previous month''s plus joined minus left';

CREATE VIEW @extschema@.tenure WITH (security_invoker = true) AS
WITH event AS (
    SELECT e.location_id, e.person_id, e.event_id, e.to_status,
           pg_catalog.max(e.at) OVER (PARTITION BY e.location_id, e.person_id ORDER BY e.event_id)
               AS effective_at
      FROM @extschema@.customer_event AS e),
span AS (
    SELECT ev.location_id, ev.person_id, ev.to_status, ev.effective_at,
           pg_catalog.lead(ev.effective_at) OVER (PARTITION BY ev.location_id, ev.person_id
                                                  ORDER BY ev.event_id) AS next_at
      FROM event AS ev)
SELECT s.location_id, s.person_id,
       pg_catalog.round(COALESCE(pg_catalog.sum(pg_catalog.date_part('epoch',
                    COALESCE(s.next_at, pg_catalog.now())::pg_catalog.timestamp
                    OPERATOR(pg_catalog.-) s.effective_at::pg_catalog.timestamp)::pg_catalog.numeric)
                FILTER (WHERE s.to_status OPERATOR(pg_catalog.=) 'member'::@extschema@.customer_status),
                0) OPERATOR(pg_catalog./) 86400, 2) AS member_days,
       pg_catalog.count(*) FILTER (WHERE s.to_status OPERATOR(pg_catalog.=)
           'member'::@extschema@.customer_status) AS times_member,
       pg_catalog.max(s.effective_at) FILTER (WHERE s.next_at IS NULL AND s.to_status
           OPERATOR(pg_catalog.=) 'member'::@extschema@.customer_status) AS member_since
  FROM span AS s
 GROUP BY s.location_id, s.person_id;
COMMENT ON VIEW @extschema@.tenure IS
'Per customer: how long they have been a member at the location, all periods added up to now, how many times they became one, and since when they are one now; from the event log';
COMMENT ON COLUMN @extschema@.tenure.member_days IS 'Days as a member, all periods added up, to now (wall-clock days of the session''s time zone, two decimals)';
COMMENT ON COLUMN @extschema@.tenure.times_member IS 'How many times the customer became a member';
COMMENT ON COLUMN @extschema@.tenure.member_since IS 'When the current membership began; NULL when not a member now';

-- A month of one location's completed actions (active_users), read from an
-- index, however long the location's history.
CREATE INDEX action_completed_idx ON @extschema@.action (location_id, completed_at)
    WHERE completed_at IS NOT NULL;
COMMENT ON INDEX @extschema@.action_completed_idx IS
'Serves active_users: the actions completed at a location in a period';
