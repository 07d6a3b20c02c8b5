-- Reporting: status_at, members_at, active_users, monthly_movement, tenure.
--
-- The history is loaded the way a restore loads a dump: COPY ... FROM STDIN
-- by the extension's owner (a superuser here) takes rows as they are (no
-- check, no event, no audit row, no status change: sql/restore.sql), so
-- every event, audit row, action and subscription has the fixed time given
-- here, where the functions and triggers would stamp now().  The rows are
-- the ones the rules would have written for this story; two locations (901,
-- 902) are used only by this test.  TimeZone is fixed (Europe/Berlin), so
-- months are Berlin months: an event at 23:30 UTC on 31 January is in
-- February.
\i test/sql/create-extension.sql
SET TimeZone = 'Europe/Berlin';
SET DateStyle = 'ISO, YMD';

COPY cowork.location (location_id, name) FROM stdin;
901	Test Loft
902	Test Annex
\.
COPY cowork.person (person_id, email, full_name) FROM stdin;
9001	ann@example.com	Ann
9002	bob@example.com	Bob
9003	cid@example.com	Cid
9004	dee@example.com	Dee
9005	eve@example.com	Eve
9006	sue@example.com	Sue
9007	pat@example.com	Pat
9008	zed@example.com	Zed
9009	kim@example.com	Kim
9010	lou@example.com	Lou
9011	max@example.com	Max
9012	ned@example.com	Ned
9013	rae@example.com	Rae
9014	ona@example.com	Ona
\.
COPY cowork.company (location_id, company_id, name) FROM stdin;
901	1	Acme
\.
COPY cowork.plan (location_id, plan_id, name, grants_membership) FROM stdin;
901	1	Hot desk	t
901	2	Locker	f
\.
-- The customers as they are at the end of the story.
COPY cowork.customer (location_id, person_id, status, company_id, suspended, since) FROM stdin;
901	9001	member	\N	f	2024-03-20 09:00:00+01
901	9002	member	\N	f	2024-02-10 09:00:00+01
901	9003	member	1	f	2024-02-01 09:00:00+01
901	9004	nonmember	1	f	2024-01-20 09:00:00+01
901	9005	removed	1	f	2024-03-10 09:00:00+01
901	9006	member	\N	t	2024-01-05 09:00:00+01
901	9007	nonmember	\N	f	2024-03-03 09:00:00+01
902	9007	nonmember	\N	f	2024-03-04 09:00:00+01
901	9008	member	\N	f	2024-04-01 00:00:00+02
901	9009	member	\N	f	2024-04-02 10:00:00+02
901	9010	member	\N	f	2024-04-05 12:00:00+02
901	9011	nonmember	\N	f	2024-04-01 12:00:00+02
901	9012	member	\N	t	2024-01-02 09:00:00+01
901	9013	nonmember	\N	f	2024-03-10 09:00:00+01
901	9014	nonmember	\N	f	2024-03-12 09:00:00+01
\.
-- The log.  Kim's two events share one transaction (one at: event_id
-- orders them).  Lou's second event has an earlier at than his first (two
-- overlapping transactions: the one that started first wrote second): it
-- counts from the first one's time.  Eve's first event is at 23:30 UTC on
-- 31 January: 1 February in Berlin.
COPY cowork.customer_event (location_id, event_id, person_id, from_status, to_status, reason, at, actor) FROM stdin;
901	1	9012	\N	member	invite_member	2024-01-02 09:00:00+01	regress
901	2	9006	\N	member	subscription:3	2024-01-05 09:00:00+01	regress
901	3	9008	\N	member	subscription:4	2024-01-01 00:00:00+01	regress
901	4	9001	\N	member	invite_member	2024-01-10 09:00:00+01	regress
901	5	9002	\N	nonmember	action:room_booking	2024-01-15 09:00:00+01	regress
901	6	9004	\N	nonmember	add_nonmember	2024-01-20 09:00:00+01	regress
901	7	9005	\N	member	invite_member	2024-01-31 23:30:00+00	regress
901	8	9003	\N	member	invite_member	2024-02-01 09:00:00+01	regress
901	9	9002	nonmember	member	subscription:2	2024-02-10 09:00:00+01	regress
901	10	9008	member	nonmember	auto_remove:4	2024-03-01 00:00:00+01	regress
901	11	9005	member	nonmember	remove_member	2024-03-01 09:00:00+01	regress
901	12	9007	\N	nonmember	action:room_booking	2024-03-03 09:00:00+01	regress
902	13	9007	\N	nonmember	action:payment	2024-03-04 09:00:00+01	regress
901	14	9001	member	nonmember	remove_member	2024-03-05 09:00:00+01	regress
901	15	9005	nonmember	removed	delete_nonmember	2024-03-10 09:00:00+01	regress
901	16	9013	\N	nonmember	action:room_booking	2024-03-10 09:00:00+01	regress
901	17	9014	\N	nonmember	add_nonmember	2024-03-12 09:00:00+01	regress
901	18	9001	nonmember	member	restore_member	2024-03-20 09:00:00+01	regress
901	19	9011	\N	member	invite_member	2024-03-30 12:00:00+01	regress
901	20	9008	nonmember	member	subscription:5	2024-04-01 00:00:00+02	regress
901	21	9011	member	nonmember	remove_member	2024-04-01 12:00:00+02	regress
901	22	9009	\N	nonmember	sign_up	2024-04-02 10:00:00+02	regress
901	23	9009	nonmember	member	invite_member	2024-04-02 10:00:00+02	regress
901	24	9010	\N	nonmember	add_nonmember	2024-04-05 12:00:00+02	regress
901	25	9010	nonmember	member	restore_member	2024-04-05 11:59:00+02	regress
\.
-- The audit: Cid joined Acme when invited, Dee on 15 March, Eve was
-- invited into it; Sue is suspended from 1 February on.  Ned is suspended
-- too, from before the audit existed: his customer row says so, the audit
-- has nothing on him.
COPY cowork.customer_audit (location_id, audit_id, person_id, field, old_value, new_value, reason, at, actor) FROM stdin;
901	1	9005	company_id	\N	1	invite_member	2024-01-31 23:30:00+00	regress
901	2	9003	company_id	\N	1	invite_member	2024-02-01 09:00:00+01	regress
901	3	9006	suspended	false	true	suspend	2024-02-01 00:00:00+01	regress
901	4	9004	company_id	\N	1	direct_update	2024-03-15 09:00:00+01	regress
\.
-- Subscriptions: Acme's (open-ended) covers its customers; Bob's own;
-- Sue's own (runs while she is suspended); Zed's first ends exactly when
-- March begins, his second starts exactly when April begins; Ned's own.
COPY cowork.subscription (location_id, subscription_id, plan_id, person_id, company_id, starts_at, ends_at, start_processed_at) FROM stdin;
901	1	1	\N	1	2024-02-01 00:00:00+01	\N	2024-02-01 00:00:00+01
901	2	1	9002	\N	2024-02-10 09:00:00+01	2024-04-10 00:00:00+02	2024-02-10 09:00:00+01
901	3	2	9006	\N	2024-01-05 09:00:00+01	\N	2024-01-05 09:00:00+01
901	4	1	9008	\N	2024-01-01 00:00:00+01	2024-03-01 00:00:00+01	2024-01-01 00:00:00+01
901	5	1	9008	\N	2024-04-01 00:00:00+02	\N	2024-04-01 00:00:00+02
901	6	1	9012	\N	2024-01-02 09:00:00+01	\N	2024-01-02 09:00:00+01
\.
-- Actions.  Ann's booking completes exactly when March begins; Bob's
-- payment exactly when April begins.  Pat books and pays at 901, pays at
-- 902.  Sue books while suspended.  Rae's booking was refunded later (it
-- keeps its completion time).  Ona's booking never completed; her shop
-- order and benefit application are not billing criteria.
COPY cowork.action (location_id, action_id, person_id, kind, state, created_at, completed_at) FROM stdin;
901	1	9001	room_booking	completed	2024-02-29 23:00:00+00	2024-03-01 00:00:00+01
901	2	9002	payment	completed	2024-04-01 00:00:00+02	2024-04-01 00:00:00+02
901	3	9002	room_booking	completed	2024-01-15 09:00:00+01	2024-01-15 09:00:00+01
901	4	9007	payment	completed	2024-03-03 09:00:00+01	2024-03-03 09:00:00+01
901	5	9007	desk_booking	completed	2024-03-03 09:00:00+01	2024-03-03 09:05:00+01
902	6	9007	payment	completed	2024-03-04 09:00:00+01	2024-03-04 09:00:00+01
901	7	9006	parking_booking	completed	2024-03-06 09:00:00+01	2024-03-06 09:00:00+01
901	8	9013	office_booking	cancelled	2024-03-10 09:00:00+01	2024-03-10 09:00:00+01
901	9	9014	room_booking	started	2024-03-12 09:00:00+01	\N
901	10	9014	shop_order	completed	2024-03-12 09:00:00+01	2024-03-12 09:00:00+01
901	11	9014	benefit_application	completed	2024-03-12 09:00:00+01	2024-03-12 09:00:00+01
\.

-- 1. status_at: NULL before the first event, the new status from the
-- event's own at on, the old one a microsecond before.
SELECT p.full_name, t.at, cowork.status_at(901, p.person_id, t.at)
  FROM cowork.person p, (VALUES (timestamptz '2024-01-10 08:59:59.999999+01'),
                      ('2024-01-10 09:00:00+01'), ('2024-03-05 08:59:59.999999+01'),
                      ('2024-03-05 09:00:00+01'), ('2024-03-19 00:00:00+01'),
                      ('2024-03-20 09:00:00+01')) AS t (at)
 WHERE p.person_id = 9001 ORDER BY t.at;
-- Events of one transaction share at: event_id orders them (Kim).  Lou:
-- nothing before 12:00, though his second event says 11:59.
SELECT p.full_name, t.at, cowork.status_at(901, p.person_id, t.at)
  FROM cowork.person p, (VALUES (timestamptz '2024-04-02 09:59:59+02'), ('2024-04-02 10:00:00+02'),
                      ('2024-04-05 11:59:00+02'), ('2024-04-05 11:59:59+02'),
                      ('2024-04-05 12:00:00+02')) AS t (at)
 WHERE p.person_id IN (9009, 9010) ORDER BY p.person_id, t.at;
-- Per location: Pat at 902 only from 4 March; unknown elsewhere; NULLs.
SELECT cowork.status_at(902, 9007, '2024-03-03 12:00+01') AS before,
       cowork.status_at(902, 9007, '2024-03-04 12:00+01') AS after,
       cowork.status_at(902, 9001, '2025-01-01') AS unknown,
       cowork.status_at(901, 9001, NULL) AS null_at;

-- 2. members_at, with the start of the membership they were in then.
SELECT m.person_id, p.full_name, m.since
  FROM cowork.members_at(901, '2024-03-01 00:00:00+01') m JOIN cowork.person p USING (person_id)
 ORDER BY m.person_id;
SELECT m.person_id, p.full_name, m.since
  FROM cowork.members_at(901, '2024-03-31 00:00:00+01') m JOIN cowork.person p USING (person_id)
 ORDER BY m.person_id;
-- Lou is no member at 11:59:30, one at 12:00.
SELECT count(*) FILTER (WHERE person_id = 9010) AS lou_1159,
       (SELECT count(*) FROM cowork.members_at(901, '2024-04-05 12:00+02') WHERE person_id = 9010) AS lou_1200
  FROM cowork.members_at(901, '2024-04-05 11:59:30+02');
SELECT count(*) AS before_anything FROM cowork.members_at(901, '2023-12-31');
-- members_at agrees with status_at for everyone at every event time.
SELECT count(*) AS disagreements
  FROM (SELECT DISTINCT location_id, at FROM cowork.customer_event) t,
       LATERAL (SELECT p.person_id FROM cowork.person p
                 WHERE cowork.status_at(t.location_id, p.person_id, t.at) = 'member'
                EXCEPT
                SELECT m.person_id FROM cowork.members_at(t.location_id, t.at) m) d;

-- 3. monthly_movement.  January: Zed, Sue, Ned, Ann join (Bob and Dee are
-- new nonmembers); February (Berlin): Eve, Cid, Bob (converted); March:
-- Ann leaves and comes back (joined 1, left 1, converted 1), Zed and Eve
-- leave; April: Zed, Kim, Lou, and Max leaves (he joined in March).
SELECT * FROM cowork.monthly_movement WHERE location_id IN (901, 902)
 ORDER BY location_id, month;
-- members_at_end is the count of members_at the first moment of the next month.
SELECT m.month, m.members_at_end,
       (SELECT count(*) FROM cowork.members_at(901,
            (m.month + interval '1 month')::timestamptz - interval '1 microsecond')) AS members_at
  FROM cowork.monthly_movement m WHERE m.location_id = 901 ORDER BY m.month;
-- Months are the session's: in UTC, Zed joined in December and Eve in January.
SET TimeZone = 'UTC';
SELECT month, new_customers, joined FROM cowork.monthly_movement
 WHERE location_id = 901 AND month < '2024-03-01' ORDER BY month;
SET TimeZone = 'Europe/Berlin';

-- 4. active_users in March (Berlin).
--   Ann: her booking completed exactly at the start (included): booking.
--   Bob: his own subscription runs; his payment at the end (excluded).
--   Cid: Acme's subscription.  Dee: Acme's, from 15 March, when she joined.
--   Eve: Acme's, until she was removed on 10 March.
--   Sue: suspended all March: her subscription and booking do not count.
--   Pat: booking and payment at 901: booking (the first reason).
--   Zed: his subscriptions end at the start, start at the end: not active.
--   Ned: suspended (no audit row: his customer row): not active.
--   Rae: a booking refunded later still counts.  Ona: nothing that counts.
SELECT a.person_id, p.full_name, a.reason
  FROM cowork.active_users(901, '2024-03-01 00:00+01', '2024-04-01 00:00+02') a
  JOIN cowork.person p USING (person_id) ORDER BY a.person_id;
-- Pat at 902: counted there too, by her payment.
SELECT * FROM cowork.active_users(902, '2024-03-01 00:00+01', '2024-04-01 00:00+02');
-- April: Bob's payment at the start, Zed's subscription from the start;
-- Eve is removed: Acme's subscription no longer covers her.
SELECT a.person_id, p.full_name, a.reason
  FROM cowork.active_users(901, '2024-04-01 00:00+02', '2024-05-01 00:00+02') a
  JOIN cowork.person p USING (person_id) ORDER BY a.person_id;
-- Sue before and across her suspension: active while not suspended.
SELECT (SELECT reason FROM cowork.active_users(901, '2024-01-01 00:00+01', '2024-02-01 00:00+01')
         WHERE person_id = 9006) AS january,
       (SELECT reason FROM cowork.active_users(901, '2024-01-31 00:00+01', '2024-02-15 00:00+01')
         WHERE person_id = 9006) AS across,
       (SELECT reason FROM cowork.active_users(901, '2024-02-01 00:00+01', '2024-03-01 00:00+01')
         WHERE person_id = 9006) AS february;
-- Dee before she joined Acme: not active.
SELECT count(*) AS dee_early_march
  FROM cowork.active_users(901, '2024-03-01 00:00+01', '2024-03-15 00:00+01') WHERE person_id = 9004;
-- An empty or reversed period has nobody; NULL arguments give nothing.
SELECT count(*) AS empty FROM cowork.active_users(901, '2024-03-01', '2024-03-01');
SELECT count(*) AS reversed FROM cowork.active_users(901, '2024-04-01', '2024-03-01');
SELECT count(*) AS null_end FROM cowork.active_users(901, '2024-03-01', NULL);

-- 5. tenure.  Eve: 1 February 00:30 (Berlin) to 1 March 09:00 (29 days,
-- 8.5 hours); Max: 30 March 12:00 to 1 April 12:00, across the change to summer
-- time: two days on Berlin clocks (47 hours in UTC); Ann: 55 days closed, and
-- the current one from 20 March; Bob: never a member twice; Dee: never.
SELECT t.person_id, p.full_name, t.times_member, t.member_since,
       CASE WHEN t.member_since IS NULL THEN t.member_days END AS member_days_closed
  FROM cowork.tenure t JOIN cowork.person p USING (person_id)
 WHERE t.location_id = 901 ORDER BY t.person_id;
SELECT abs(member_days - 55 - extract(epoch FROM now()::timestamp - '2024-03-20 09:00'::timestamp) / 86400) < 0.01
       AS ann_adds_up
  FROM cowork.tenure WHERE location_id = 901 AND person_id = 9001;
SET TimeZone = 'UTC';
SELECT member_days AS max_in_utc FROM cowork.tenure WHERE location_id = 901 AND person_id = 9011;
SET TimeZone = 'Europe/Berlin';

-- 6. Column lists, and the rights of the caller: the views are
-- security_invoker and the functions SECURITY INVOKER, so a role needs
-- SELECT on the tables they read.
SELECT table_name, string_agg(column_name, ', ' ORDER BY ordinal_position) AS columns
  FROM information_schema.columns
 WHERE table_schema = 'cowork' AND table_name IN ('monthly_movement', 'tenure')
 GROUP BY table_name ORDER BY table_name;
SELECT c.relname, c.reloptions FROM pg_class c
 WHERE c.oid IN ('cowork.monthly_movement'::regclass, 'cowork.tenure'::regclass) ORDER BY 1;
SELECT p.proname, p.prosecdef, p.provolatile, p.proisstrict
  FROM pg_proc p WHERE p.pronamespace = 'cowork'::regnamespace
   AND p.proname IN ('status_at', 'members_at', 'active_users') ORDER BY 1;
CREATE ROLE regress_bi;
SELECT cowork.grant_access('regress_bi', 901, 'reader');
GRANT USAGE ON SCHEMA cowork TO regress_bi;
GRANT SELECT ON cowork.monthly_movement TO regress_bi;
SET ROLE regress_bi;
\set VERBOSITY terse
SELECT count(*) FROM cowork.monthly_movement;
SELECT cowork.status_at(901, 9001, '2024-03-20 09:00+01');
RESET ROLE;
GRANT SELECT ON cowork.customer_event TO regress_bi;
SET ROLE regress_bi;
SELECT count(*) FROM cowork.monthly_movement WHERE location_id = 901;
SELECT cowork.status_at(901, 9001, '2024-03-20 09:00+01');
RESET ROLE;
\set VERBOSITY default
SELECT cowork.revoke_access('regress_bi', 901);
DROP OWNED BY regress_bi;
DROP ROLE regress_bi;
