/*-------------------------------------------------------------------------
 *
 * restore.c
 *	  Rows that a restore loads are taken as they are.
 *
 * pg_dump keeps the rows of cowork's tables (pg_extension_config_dump), and
 * pg_restore, or psql reading a plain-format dump, brings them back after
 * CREATE EXTENSION has made the tables and their triggers: one
 * COPY ... FROM STDIN per table.  The triggers would treat each restored row
 * as a new change: refuse a customer created as removed, log every restored
 * customer a second time, re-queue every subscription end (colliding with
 * the restored queue), null the completion time of a refunded action, make
 * customers of completed actions again.  The dumped rows are already the
 * result of every rule, and the dumped log already records every change,
 * so every row trigger of cowork calls CoworkRestoringRow() first and,
 * when it says so, takes the row as it is: no check, no event, no queue
 * entry, no status change.
 *
 * A row is a restored row when all of these hold:
 *	- the statement the client sent is COPY ... FROM STDIN (what pg_restore
 *	  and psql send for a dumped table; psql's \copy too), and the trigger's
 *	  table is the one it loads (or a partition of it): not a table written
 *	  by something the COPY set off, nor a server-side COPY from a file or a
 *	  program;
 *	- the current user is the session's own, not one switched to by a
 *	  SECURITY DEFINER function or by cowork itself (CoworkSwitchUser), so
 *	  that nothing run on someone's behalf counts;
 *	- the session is not one that Citus opened to a worker (whatever the
 *	  coordinator sends a shard, COPY included, is the work of some other
 *	  statement);
 *	- that user has the privileges of the owner of the trigger's table and
 *	  of the owner of cowork.customer: a superuser, or the role that created
 *	  the extension.
 * Such a role can switch the triggers off anyway (ALTER TABLE ... DISABLE
 * TRIGGER, session_replication_role), so it gains nothing; any other role's
 * COPY, and every INSERT, goes through every rule as before.
 *
 * The test is cheap for everything else: the first comparison (is the
 * client's statement a COPY?) fails for every INSERT and UPDATE.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "commands/trigger.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "nodes/plannodes.h"
#include "tcop/pquery.h"
#include "utils/acl.h"
#include "utils/guc.h"
#include "utils/portal.h"
#include "utils/rel.h"

#include "cowork.h"

/*
 * The application_name of the connections Citus opens to run a statement's
 * parts on the workers ("citus_internal gpid=...", and the rebalancer's,
 * run_command_on_*'s and shard transfers' "citus_..."): Citus may load the
 * rows of an INSERT ... SELECT into the shards with COPY, which is no
 * restore.
 */
#define CITUS_CONNECTION_PREFIX "citus_"

/*
 * The table the client's COPY ... FROM STDIN loads, as it named it, or NULL
 * when the statement being run is something else.
 */
static RangeVar *
copy_from_stdin_relation(void)
{
	Portal		portal = ActivePortal;
	PlannedStmt *pstmt;
	CopyStmt   *copy;

	if (portal == NULL || portal->commandTag != CMDTAG_COPY ||
		list_length(portal->stmts) != 1)
		return NULL;
	pstmt = linitial_node(PlannedStmt, portal->stmts);
	if (pstmt->commandType != CMD_UTILITY || pstmt->utilityStmt == NULL ||
		!IsA(pstmt->utilityStmt, CopyStmt))
		return NULL;
	copy = (CopyStmt *) pstmt->utilityStmt;
	if (!copy->is_from || copy->filename != NULL || copy->is_program)
		return NULL;
	return copy->relation;
}

/*
 * Whether the row the trigger fires for is loaded by a restore (see the
 * file's comment), and so is to be taken as it is.
 */
bool
CoworkRestoringRow(TriggerData *trigdata)
{
	Relation	rel = trigdata->tg_relation;
	Oid			relid = RelationGetRelid(rel);
	RangeVar   *loaded;
	Oid			target;
	Oid			user = GetUserId();

	if (!TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event))
		return false;
	loaded = copy_from_stdin_relation();
	if (loaded == NULL)
		return false;

	/* Nothing run on someone's behalf, nor for Citus's coordinator. */
	if (InSecurityRestrictedOperation() || InLocalUserIdChange())
		return false;
	if (application_name != NULL &&
		strncmp(application_name, CITUS_CONNECTION_PREFIX,
				strlen(CITUS_CONNECTION_PREFIX)) == 0)
		return false;

	/* This table (or its partitioned parent) is the one the COPY loads. */
	target = RangeVarGetRelid(loaded, NoLock, true);
	if (!OidIsValid(target))
		return false;
	if (target != relid &&
		(!rel->rd_rel->relispartition ||
		 !list_member_oid(get_partition_ancestors(relid), target)))
		return false;

	/* By a role that could switch the triggers off anyway. */
	return has_privs_of_role(user, rel->rd_rel->relowner) &&
		has_privs_of_role(user, CoworkCustomerOwner());
}
