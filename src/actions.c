/*-------------------------------------------------------------------------
 *
 * actions.c
 *	  Completed actions drive customer status (SPEC section 2): one trigger
 *	  function, cowork.action_trigger(), attached to cowork.action and, by
 *	  track_actions(), to an application's own tables of bookings, payments,
 *	  orders or tickets.
 *
 * The trigger acts only on a row's transition *into* its completed state
 * (inserted completed, or updated to completed) and then asks the
 * transition table, through CoworkSetStatus() as a soft change, to make the
 * person a nonmember: a new or removed customer becomes a nonmember, a
 * member or nonmember stays as they are.  A started or cancelled row does
 * nothing; cancelling a completed one later undoes nothing.
 *
 * Trigger arguments, all text:
 *	0 kind				an action_kind label, or '' to read the row's "kind"
 *	1 location_column	integer column holding the location id
 *	2 person_column		integer column holding the person id
 *	3 state_column		text, varchar, char or enum column holding the state
 *	4 completed_value	the state value that means completed
 *	5 id_column			column identifying the row in the event's reason, or ''
 *	6 source			the table's name in the event's reason, or ''
 *
 * The status change runs with the rights of the owner of cowork.customer (as
 * PostgreSQL's foreign-key triggers run with the referenced table owner's):
 * whoever may complete a booking may thereby make its person a nonmember,
 * and needs no right on cowork's tables.  The event names the real caller.
 * Who may attach the trigger is governed by EXECUTE on
 * cowork.action_trigger().
 *
 * Also here: the state rules of cowork.action itself, complete_action(),
 * track_actions() and untrack_actions().
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "cowork.h"

PG_FUNCTION_INFO_V1(cowork_action_trigger);
PG_FUNCTION_INFO_V1(cowork_action_state_trigger);
PG_FUNCTION_INFO_V1(cowork_complete_action);
PG_FUNCTION_INFO_V1(cowork_track_actions);
PG_FUNCTION_INFO_V1(cowork_untrack_actions);

#define TRACK_TRIGGER_NAME	"cowork_track_actions"
#define ACTION_TRIGGER_NARGS 7

/*
 * What a trigger needs of its table, worked out once per backend and kept
 * until the next relcache invalidation (any ALTER of any table, a new
 * CREATE OR REPLACE TRIGGER, ...), keyed by the trigger's OID.  Serves both
 * cowork.action_trigger() and cowork.action's own state trigger: one row
 * costs a hash lookup, not catalog look-ups.
 */
typedef struct TriggerCache
{
	Oid			tgoid;			/* hash key */
	bool		valid;
	int			location_att;
	int			person_att;
	int			state_att;
	int			kind_att;		/* 0: the kind is fixed */
	int			id_att;			/* 0: no id column */
	int			completed_at_att;	/* state trigger only */
	Oid			location_type;	/* base types of the integer columns */
	Oid			person_type;
	bool		state_is_enum;
	bool		state_is_bpchar;
	Oid			completed_enum; /* enum states: the labels' OIDs */
	Oid			started_enum;
	Oid			cancelled_enum;
	char	   *completed;		/* text states: the completed value */
	char	   *kind;			/* the fixed kind */
	char	   *source;			/* the table's name in reasons, or "" */
} TriggerCache;

static HTAB *trigger_cache = NULL;

/* Relcache callback: forget everything, rebuild on next use. */
static void
invalidate_trigger_cache(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	TriggerCache *entry;

	if (trigger_cache == NULL)
		return;
	hash_seq_init(&status, trigger_cache);
	while ((entry = (TriggerCache *) hash_seq_search(&status)) != NULL)
		entry->valid = false;
}

/* The OID of an enum type's label, or InvalidOid when it has none such. */
static Oid
enum_value(Oid enumtype, const char *label)
{
	HeapTuple	tup = SearchSysCache2(ENUMTYPOIDNAME,
									  ObjectIdGetDatum(enumtype),
									  CStringGetDatum(label));
	Oid			result;

	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	result = ((Form_pg_enum) GETSTRUCT(tup))->oid;
	ReleaseSysCache(tup);
	return result;
}

/* The base type of a column's type: domains count as what they are over. */
static Oid
column_base_type(Relation rel, int attnum)
{
	return getBaseType(TupleDescAttr(RelationGetDescr(rel), attnum - 1)->atttypid);
}

static bool
is_integer_type(Oid typid)
{
	return typid == INT2OID || typid == INT4OID || typid == INT8OID;
}

static bool
is_state_type(Oid typid)
{
	return typid == TEXTOID || typid == VARCHAROID || typid == BPCHAROID ||
		type_is_enum(typid);
}

/* A column named by a trigger argument, which must still exist. */
static int
tracked_column(Relation rel, const char *name, const char *role)
{
	int			attnum = SPI_fnumber(RelationGetDescr(rel), name);

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("%s column \"%s\" of table \"%s\" does not exist",
						role, name, RelationGetRelationName(rel)),
				 errhint("Call cowork.track_actions() again with the table's current columns.")));
	return attnum;
}

/* The cache entry of the firing trigger, invalid when new or stale. */
static TriggerCache *
trigger_cache_entry(TriggerData *trigdata)
{
	TriggerCache *entry;
	bool		found;

	if (trigger_cache == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(TriggerCache);
		ctl.hcxt = CacheMemoryContext;
		trigger_cache = hash_create("cowork trigger cache", 16, &ctl,
									HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		CacheRegisterRelcacheCallback(invalidate_trigger_cache, (Datum) 0);
	}
	entry = (TriggerCache *) hash_search(trigger_cache,
										 &trigdata->tg_trigger->tgoid,
										 HASH_ENTER, &found);
	if (!found)
	{
		Oid			tgoid = entry->tgoid;

		memset(entry, 0, sizeof(TriggerCache));
		entry->tgoid = tgoid;
	}
	if (!entry->valid)
	{
		/* Rebuilding: drop what the last build kept. */
		if (entry->completed)
			pfree(entry->completed);
		if (entry->kind)
			pfree(entry->kind);
		if (entry->source)
			pfree(entry->source);
		entry->completed = entry->kind = entry->source = NULL;
	}
	return entry;
}

/* The cache entry of cowork.action_trigger() on this table. */
static TriggerCache *
action_trigger_info(TriggerData *trigdata)
{
	TriggerCache *info = trigger_cache_entry(trigdata);
	Trigger    *trigger = trigdata->tg_trigger;
	Relation	rel = trigdata->tg_relation;
	char	  **args = trigger->tgargs;
	Oid			state_type;

	if (info->valid)
		return info;
	if (trigger->tgnargs != ACTION_TRIGGER_NARGS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trigger \"%s\" on table \"%s\" passes %d arguments to cowork.action_trigger(), which takes %d",
						trigger->tgname, RelationGetRelationName(rel),
						trigger->tgnargs, ACTION_TRIGGER_NARGS),
				 errhint("Attach it with cowork.track_actions().")));

	info->location_att = tracked_column(rel, args[1], "location");
	info->person_att = tracked_column(rel, args[2], "person");
	info->state_att = tracked_column(rel, args[3], "state");
	info->kind_att = args[0][0] == '\0' ? tracked_column(rel, "kind", "kind") : 0;
	info->id_att = args[5][0] == '\0' ? 0 : tracked_column(rel, args[5], "id");
	info->location_type = column_base_type(rel, info->location_att);
	info->person_type = column_base_type(rel, info->person_att);
	if (!is_integer_type(info->location_type) || !is_integer_type(info->person_type))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("the location and person columns of table \"%s\" must be integer columns",
						RelationGetRelationName(rel)),
				 errhint("Call cowork.track_actions() again with the table's current columns.")));

	state_type = column_base_type(rel, info->state_att);
	info->state_is_enum = type_is_enum(state_type);
	info->state_is_bpchar = (state_type == BPCHAROID);
	if (info->state_is_enum)
	{
		info->completed_enum = enum_value(state_type, args[4]);
		if (!OidIsValid(info->completed_enum))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("\"%s\" is not a value of type %s, the state column's type of table \"%s\"",
							args[4], format_type_be(state_type),
							RelationGetRelationName(rel))));
	}
	info->completed = MemoryContextStrdup(CacheMemoryContext, args[4]);
	info->kind = MemoryContextStrdup(CacheMemoryContext, args[0]);
	info->source = MemoryContextStrdup(CacheMemoryContext, args[6]);
	info->valid = true;
	return info;
}

/* Whether a row's state is the completed one. */
static bool
is_completed(TriggerCache *info, HeapTuple tuple, TupleDesc tupdesc)
{
	bool		isnull;
	Datum		value = SPI_getbinval(tuple, tupdesc, info->state_att, &isnull);
	text	   *state;
	int			len;

	if (isnull)
		return false;
	if (info->state_is_enum)
		return DatumGetObjectId(value) == info->completed_enum;

	state = DatumGetTextPP(value);
	len = VARSIZE_ANY_EXHDR(state);
	/* char(n) pads with spaces, which are not significant. */
	if (info->state_is_bpchar)
	{
		while (len > 0 && VARDATA_ANY(state)[len - 1] == ' ')
			len--;
	}
	return strlen(info->completed) == (size_t) len &&
		memcmp(VARDATA_ANY(state), info->completed, len) == 0;
}

/* An integer column of base type typid as int64; false when it is NULL. */
static bool
integer_column(HeapTuple tuple, TupleDesc tupdesc, int attnum, Oid typid,
			   int64 *result)
{
	bool		isnull;
	Datum		value = SPI_getbinval(tuple, tupdesc, attnum, &isnull);

	if (isnull)
		return false;
	if (typid == INT2OID)
		*result = DatumGetInt16(value);
	else if (typid == INT4OID)
		*result = DatumGetInt32(value);
	else
		*result = DatumGetInt64(value);
	return true;
}

/* What describe_action() needs. */
typedef struct ActionRow
{
	TriggerCache *info;
	HeapTuple	row;
	TupleDesc	tupdesc;
} ActionRow;

/*
 * The event's reason detail for an action row: <kind>[:<source>][:<id>].
 * Built only when the action changes a status.
 */
static const char *
describe_action(void *arg)
{
	ActionRow  *action = (ActionRow *) arg;
	TriggerCache *info = action->info;
	const char *kind = info->kind;
	char	   *id = NULL;
	StringInfoData detail;

	if (info->kind_att != 0)
	{
		bool		isnull;
		Datum		value = SPI_getbinval(action->row, action->tupdesc,
										  info->kind_att, &isnull);

		kind = isnull ? "unknown" : CoworkEnumLabel(value);
	}
	if (info->id_att != 0)
		id = SPI_getvalue(action->row, action->tupdesc, info->id_att);

	initStringInfo(&detail);
	appendStringInfoString(&detail, kind);
	if (info->source[0] != '\0')
		appendStringInfo(&detail, ":%s", info->source);
	if (id != NULL)
		appendStringInfo(&detail, ":%s", id);
	return detail.data;
}

/*
 * AFTER INSERT OR UPDATE FOR EACH ROW: a row that becomes completed makes
 * its person a nonmember of its location, unless they are a customer there
 * already (member or nonmember).
 */
Datum
cowork_action_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TriggerCache *info;
	TupleDesc	tupdesc;
	HeapTuple	row;
	ActionRow	action;
	StatusChange change = {0};

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "cowork_action_trigger: not called by trigger manager");
	if (!TRIGGER_FIRED_AFTER(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		elog(ERROR, "cowork_action_trigger: must fire AFTER INSERT OR UPDATE FOR EACH ROW");

	info = action_trigger_info(trigdata);
	tupdesc = RelationGetDescr(trigdata->tg_relation);
	row = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ?
		trigdata->tg_newtuple : trigdata->tg_trigtuple;

	/* Only the transition into completed counts. */
	if (!is_completed(info, row, tupdesc))
		return PointerGetDatum(NULL);
	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) &&
		is_completed(info, trigdata->tg_trigtuple, tupdesc))
		return PointerGetDatum(NULL);

	/* A row without a location or a person concerns no customer. */
	if (!integer_column(row, tupdesc, info->location_att, info->location_type,
						&change.location_id) ||
		!integer_column(row, tupdesc, info->person_att, info->person_type,
						&change.person_id))
		return PointerGetDatum(NULL);

	action.info = info;
	action.row = row;
	action.tupdesc = tupdesc;
	change.target = STATUS_NONMEMBER;
	change.cause = CAUSE_ACTION;
	change.soft = true;
	change.describe = describe_action;
	change.describe_arg = &action;

	/* Statuses changed by actions are written with the owner's rights. */
	change.run_as = CoworkCustomerOwner();
	change.actor = GetUserId();
	CoworkSetStatus(&change);

	return PointerGetDatum(NULL);
}

/* The cache entry of cowork.action's state trigger on this table. */
static TriggerCache *
action_state_info(TriggerData *trigdata)
{
	TriggerCache *info = trigger_cache_entry(trigdata);
	Relation	rel = trigdata->tg_relation;
	Oid			state_type;

	if (info->valid)
		return info;
	info->state_att = SPI_fnumber(RelationGetDescr(rel), "state");
	info->completed_at_att = SPI_fnumber(RelationGetDescr(rel), "completed_at");
	info->id_att = SPI_fnumber(RelationGetDescr(rel), "action_id");
	if (info->state_att <= 0 || info->completed_at_att <= 0 || info->id_att <= 0)
		elog(ERROR, "cowork: table \"%s\" is not an action table",
			 RelationGetRelationName(rel));
	state_type = column_base_type(rel, info->state_att);
	info->started_enum = enum_value(state_type, "started");
	info->completed_enum = enum_value(state_type, "completed");
	info->cancelled_enum = enum_value(state_type, "cancelled");
	if (!OidIsValid(info->started_enum) || !OidIsValid(info->completed_enum) ||
		!OidIsValid(info->cancelled_enum))
		elog(ERROR, "cowork: column \"state\" of table \"%s\" is not a cowork.action_state",
			 RelationGetRelationName(rel));
	info->valid = true;
	return info;
}

/*
 * BEFORE INSERT OR UPDATE FOR EACH ROW on cowork.action: the action's own
 * states.  started may become completed or cancelled, completed may be
 * cancelled (a refund), cancelled is final; completed_at is set when an
 * action becomes completed and is NULL while it is started.
 */
Datum
cowork_action_state_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TriggerCache *info;
	TupleDesc	tupdesc;
	HeapTuple	row;
	bool		isnull;
	Oid			state;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "cowork_action_state_trigger: not called by trigger manager");
	if (!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		elog(ERROR, "cowork_action_state_trigger: must fire BEFORE INSERT OR UPDATE FOR EACH ROW");

	info = action_state_info(trigdata);
	tupdesc = RelationGetDescr(trigdata->tg_relation);
	row = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ?
		trigdata->tg_newtuple : trigdata->tg_trigtuple;
	state = DatumGetObjectId(SPI_getbinval(row, tupdesc, info->state_att, &isnull));

	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		Oid			old = DatumGetObjectId(SPI_getbinval(trigdata->tg_trigtuple,
														 tupdesc, info->state_att,
														 &isnull));

		if (old != state &&
			(old == info->cancelled_enum || state == info->started_enum))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("action %s cannot go from %s to %s",
							SPI_getvalue(row, tupdesc, info->id_att),
							CoworkEnumLabel(ObjectIdGetDatum(old)),
							CoworkEnumLabel(ObjectIdGetDatum(state))),
					 errdetail("A started action may be completed or cancelled, a completed one cancelled; a cancelled action is final."),
					 errhint("Record a new action instead.")));
	}

	/*
	 * completed_at: when the action became completed; NULL while started,
	 * and for an action cancelled before it completed.  Its default, now(),
	 * fits the common insert of a completed action as it is.
	 */
	(void) SPI_getbinval(row, tupdesc, info->completed_at_att, &isnull);
	if (state == info->completed_enum && isnull)
	{
		Datum		now = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
		bool		nulls = false;

		row = heap_modify_tuple_by_cols(row, tupdesc, 1, &info->completed_at_att,
										&now, &nulls);
	}
	else if (!isnull &&
			 (state == info->started_enum ||
			  (state == info->cancelled_enum && TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))))
	{
		/* Not completed (yet, or ever): no completion time. */
		Datum		none = (Datum) 0;
		bool		nulls = true;

		row = heap_modify_tuple_by_cols(row, tupdesc, 1, &info->completed_at_att,
										&none, &nulls);
	}
	return PointerGetDatum(row);
}

/*
 * complete_action(action_id bigint): started -> completed.  Nothing to do
 * when already completed; a cancelled action cannot complete.
 */
Datum
cowork_complete_action(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr lock_plan = NULL;
	static SPIPlanPtr update_plan = NULL;
	static const char *const argnames[] = {"action_id"};
	Oid			argtypes[2] = {INT8OID, INT8OID};
	Datum		values[2];
	char	   *state;
	bool		isnull;

	CoworkRequireArgs(fcinfo, argnames, 1);
	values[1] = PG_GETARG_DATUM(0);

	CoworkSPIConnect();
	CoworkPlan(&lock_plan,
			   "SELECT location_id, state::pg_catalog.text FROM cowork.action"
			   " WHERE action_id OPERATOR(pg_catalog.=) $1 FOR UPDATE",
			   1, argtypes);
	CoworkPlan(&update_plan,
			   "UPDATE cowork.action SET state = 'completed'"
			   " WHERE location_id OPERATOR(pg_catalog.=) $1"
			   " AND action_id OPERATOR(pg_catalog.=) $2",
			   2, argtypes);

	if (CoworkExecute(lock_plan, &values[1], NULL, SPI_OK_SELECT, 1) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("action %lld does not exist",
						(long long) DatumGetInt64(values[1]))));
	values[0] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	state = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	if (strcmp(state, "cancelled") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("action %lld was cancelled and cannot complete",
						(long long) DatumGetInt64(values[1])),
				 errhint("Record a new action with cowork.record_action().")));
	if (strcmp(state, "started") == 0)
		CoworkExecute(update_plan, values, NULL, SPI_OK_UPDATE, 0);

	CoworkSPIFinish();
	PG_RETURN_VOID();
}

/* The single-column primary key of a table, or NULL. */
static char *
primary_key_column(Oid relid)
{
	static SPIPlanPtr plan = NULL;

	return CoworkLookupText(&plan,
							"SELECT a.attname::pg_catalog.text FROM pg_catalog.pg_index i"
							" JOIN pg_catalog.pg_attribute a"
							" ON a.attrelid OPERATOR(pg_catalog.=) i.indrelid"
							" AND a.attnum OPERATOR(pg_catalog.=) i.indkey[0]"
							" WHERE i.indrelid OPERATOR(pg_catalog.=) $1 AND i.indisprimary"
							" AND i.indnatts OPERATOR(pg_catalog.=) 1",
							OIDOID, ObjectIdGetDatum(relid));
}

/* Check that column "name" of rel exists and passes typecheck. */
static void
check_tracked_column(Relation rel, const char *argname, const char *name,
					 bool (*typecheck) (Oid), const char *wanted)
{
	int			attnum = SPI_fnumber(RelationGetDescr(rel), name);
	Oid			typid;

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of table \"%s\" does not exist",
						name, RelationGetRelationName(rel)),
				 errdetail("It was given as %s.", argname)));
	typid = column_base_type(rel, attnum);
	if (!typecheck(typid))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of table \"%s\" is of type %s, but %s must be %s",
						name, RelationGetRelationName(rel),
						format_type_be(TupleDescAttr(RelationGetDescr(rel), attnum - 1)->atttypid),
						argname, wanted)));
}

/*
 * track_actions(source regclass, kind cowork.action_kind, location_column
 * name, person_column name, state_column name, completed_value text): attach
 * cowork.action_trigger() to an application's table, after checking that
 * the table and columns exist and have usable types.  Calling it again
 * replaces the attachment.
 */
Datum
cowork_track_actions(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"source", "kind", "location_column",
	"person_column", "state_column", "completed_value"};
	Oid			relid;
	char	   *kind;
	char	   *location_column;
	char	   *person_column;
	char	   *state_column;
	char	   *completed_value;
	char	   *id_column;
	char	   *source_name;
	Relation	rel;
	Oid			state_type;
	StringInfoData sql;

	CoworkRequireArgs(fcinfo, argnames, 6);
	relid = PG_GETARG_OID(0);
	kind = CoworkEnumLabel(PG_GETARG_DATUM(1));
	location_column = NameStr(*PG_GETARG_NAME(2));
	person_column = NameStr(*PG_GETARG_NAME(3));
	state_column = NameStr(*PG_GETARG_NAME(4));
	completed_value = text_to_cstring(PG_GETARG_TEXT_PP(5));

	rel = relation_open(relid, AccessShareLock);
	if (rel->rd_rel->relkind != RELKIND_RELATION &&
		rel->rd_rel->relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table", RelationGetRelationName(rel)),
				 errdetail("cowork.track_actions() attaches a row trigger to a table of actions.")));
	if (RelationGetNamespace(rel) == get_namespace_oid("cowork", false))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("table \"%s\" belongs to cowork and cannot be tracked",
						RelationGetRelationName(rel)),
				 errdetail("cowork.action drives customer statuses already.")));

	check_tracked_column(rel, "location_column", location_column, is_integer_type,
						 "an integer type (bigint, integer or smallint)");
	check_tracked_column(rel, "person_column", person_column, is_integer_type,
						 "an integer type (bigint, integer or smallint)");
	check_tracked_column(rel, "state_column", state_column, is_state_type,
						 "text, varchar, char or an enum");
	if (completed_value[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("completed_value must not be empty")));
	state_type = column_base_type(rel, SPI_fnumber(RelationGetDescr(rel), state_column));
	if (type_is_enum(state_type) && !OidIsValid(enum_value(state_type, completed_value)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" is not a value of type %s, the type of column \"%s\"",
						completed_value, format_type_be(state_type), state_column)));

	source_name = quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
											 RelationGetRelationName(rel));
	relation_close(rel, AccessShareLock);

	CoworkSPIConnect();
	id_column = primary_key_column(relid);

	initStringInfo(&sql);
	appendStringInfo(&sql,
					 "CREATE OR REPLACE TRIGGER " TRACK_TRIGGER_NAME
					 " AFTER INSERT OR UPDATE OF %s ON %s FOR EACH ROW"
					 " EXECUTE FUNCTION cowork.action_trigger(%s, %s, %s, %s, %s, %s, %s)",
					 quote_identifier(state_column), source_name,
					 quote_literal_cstr(kind), quote_literal_cstr(location_column),
					 quote_literal_cstr(person_column), quote_literal_cstr(state_column),
					 quote_literal_cstr(completed_value),
					 quote_literal_cstr(id_column ? id_column : ""),
					 quote_literal_cstr(source_name));
	if (SPI_execute(sql.data, false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "cowork: could not create the trigger on %s", source_name);

	resetStringInfo(&sql);
	appendStringInfo(&sql,
					 "COMMENT ON TRIGGER " TRACK_TRIGGER_NAME " ON %s IS %s",
					 source_name,
					 quote_literal_cstr(psprintf("cowork: a %s row whose %s becomes %s makes its person a nonmember (cowork.track_actions)",
												 kind, state_column, completed_value)));
	if (SPI_execute(sql.data, false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "cowork: could not comment the trigger on %s", source_name);

	CoworkSPIFinish();
	PG_RETURN_VOID();
}

/*
 * untrack_actions(source regclass) returns boolean: detach what
 * track_actions() attached; false when the table was not tracked.
 */
Datum
cowork_untrack_actions(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"source"};
	Oid			relid;
	bool		tracked;
	char	   *source_name;

	CoworkRequireArgs(fcinfo, argnames, 1);
	relid = PG_GETARG_OID(0);
	tracked = OidIsValid(get_trigger_oid(relid, TRACK_TRIGGER_NAME, true));
	if (tracked)
	{
		source_name = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
												 get_rel_name(relid));
		CoworkSPIConnect();
		if (SPI_execute(psprintf("DROP TRIGGER " TRACK_TRIGGER_NAME " ON %s", source_name),
						false, 0) != SPI_OK_UTILITY)
			elog(ERROR, "cowork: could not drop the trigger on %s", source_name);
		CoworkSPIFinish();
	}
	PG_RETURN_BOOL(tracked);
}
