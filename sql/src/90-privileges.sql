-- Privileges: nothing for PUBLIC on the data; docs/reference.md lists the
-- grants an application role and a reporting role need.  Keep this part last:
-- it revokes from every table and sequence created before it.

REVOKE ALL ON ALL TABLES IN SCHEMA @extschema@ FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA @extschema@ FROM PUBLIC;
-- The triggers are not for calling.
REVOKE ALL ON FUNCTION @extschema@.person_trigger() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.customer_check_trigger() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.customer_event_trigger() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.append_only_trigger() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.action_state_trigger() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.subscription_check_trigger() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.subscription_trigger() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.location_switch_trigger() FROM PUBLIC;
-- The sweep moves any member of any location: for the DBA and pg_cron.
REVOKE ALL ON FUNCTION @extschema@.run_auto_remove(timestamptz) FROM PUBLIC;
REVOKE ALL ON PROCEDURE @extschema@.run_maintenance(timestamptz, integer) FROM PUBLIC;
-- Attaching the action trigger lets a table's rows make people nonmembers:
-- only superusers, and the roles a DBA grants EXECUTE, may do it.
REVOKE ALL ON FUNCTION @extschema@.action_trigger() FROM PUBLIC;
