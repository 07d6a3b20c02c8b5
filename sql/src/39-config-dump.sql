-- Customer data is user data: pg_dump keeps the rows of every table of user
-- data and the value of its sequence.

SELECT pg_catalog.pg_extension_config_dump('@extschema@.location', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.location_location_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.person', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.person_person_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.customer', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.customer_event', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.customer_event_event_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.customer_audit', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.customer_audit_audit_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tracked_source', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.action', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.action_action_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.company', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.company_company_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.plan', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.plan_plan_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.subscription', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.subscription_subscription_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.subscription_end_due', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.invitation', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.invitation_invitation_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.credit_balance', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.credit_entry', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.credit_entry_entry_id_seq', '');

COMMENT ON SEQUENCE @extschema@.location_location_id_seq IS 'Identifiers of cowork.location';
COMMENT ON SEQUENCE @extschema@.person_person_id_seq IS 'Identifiers of cowork.person';
COMMENT ON SEQUENCE @extschema@.customer_event_event_id_seq IS 'Identifiers of cowork.customer_event';
COMMENT ON SEQUENCE @extschema@.customer_audit_audit_id_seq IS 'Identifiers of cowork.customer_audit';
COMMENT ON SEQUENCE @extschema@.action_action_id_seq IS 'Identifiers of cowork.action';
COMMENT ON SEQUENCE @extschema@.company_company_id_seq IS 'Identifiers of cowork.company';
COMMENT ON SEQUENCE @extschema@.plan_plan_id_seq IS 'Identifiers of cowork.plan';
COMMENT ON SEQUENCE @extschema@.subscription_subscription_id_seq IS 'Identifiers of cowork.subscription';
COMMENT ON SEQUENCE @extschema@.invitation_invitation_id_seq IS 'Identifiers of cowork.invitation';
COMMENT ON SEQUENCE @extschema@.credit_entry_entry_id_seq IS 'Identifiers of cowork.credit_entry';
