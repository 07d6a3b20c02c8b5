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
 *	3 state_column		column holding the state, of any type with equality
 *	4 completed_value	the state value that means completed, read with the
 *						state column's type
 *	5 id_column			column whose value the event names as source_key, or ''
 *	6 source			(kept for the triggers attached by 0.1.0; unused)
 *
 * The status change runs with the rights of the owner of cowork.customer (as
 * PostgreSQL's foreign-key triggers run with the referenced table owner's):
 * whoever may complete a booking may thereby make its person a nonmember,
 * and needs no right on cowork's tables.  The event names the real caller,
 * the table (source) and the row's key (source_key).
 *
 * Because it acts with those rights, the trigger acts only where the
 * extension attached it: on cowork.action with its own arguments, or on a
 * table and with the arguments that track_actions() recorded in
 * cowork.tracked_source (written with its owner's rights only).  A trigger
 * attached by hand (to a temporary table, with other columns, ...) is
 * refused with 42501 at its first row.
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
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

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
	int			completed_at_att;	/* state trigger only: */
	int			history_atts[5];	/* what a completed action keeps */
	Oid			location_type;	/* base types of the integer columns */
	Oid			person_type;
	bool		state_is_enum;	/* compare enum value OIDs directly */
	Oid			completed_enum; /* enum states: the labels' OIDs */
	Oid			started_enum;
	Oid			cancelled_enum;
	Datum		completed;		/* other states: the completed value ... */
	bool		completed_byval;
	Oid			state_collation;
	FmgrInfo	state_eq;		/* ... and the type's equality */
	char	   *kind;			/* the fixed kind */
	char	   *source;			/* the table's qualified name, for events */
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

/* Whether states of this (base) type can be compared: an equality operator. */
static bool
is_state_type(Oid typid)
{
	TypeCacheEntry *typentry = lookup_type_cache(typid, TYPECACHE_EQ_OPR);

	return OidIsValid(typentry->eq_opr);
}

/*
 * completed_value read with the input function of the state column's type
 * (with its typmod: char(n) pads), in the current memory context.  A value
 * the type cannot read is refused with 22P02, naming the column and type.
 */
static Datum
read_completed_value(Relation rel, int attnum, const char *value)
{
	Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel), attnum - 1);
	MemoryContext oldcxt = CurrentMemoryContext;
	Oid			typinput;
	Oid			typioparam;
	Datum		result = (Datum) 0;

	getTypeInputInfo(att->atttypid, &typinput, &typioparam);
	PG_TRY();
	{
		result = OidInputFunctionCall(typinput, unconstify(char *, value),
									  typioparam, att->atttypmod);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		/* Only the type's refusal of the value is ours to reword. */
		if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) != ERRCODE_DATA_EXCEPTION &&
			edata->sqlerrcode != ERRCODE_INVALID_PARAMETER_VALUE)
			PG_RE_THROW();
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("completed value \"%s\" is not a value of type %s, the type of column \"%s\" of table \"%s\"",
						value, format_type_be(att->atttypid), NameStr(att->attname),
						RelationGetRelationName(rel)),
				 errdetail("%s", edata->message)));
	}
	PG_END_TRY();
	return result;
}

/*
 * Whether rel is cowork.action itself, or (under Citus) one of its shards,
 * cowork.action_<shard id>.
 */
static bool
is_cowork_action(Relation rel)
{
	const char *name = RelationGetRelationName(rel);

	if (RelationGetNamespace(rel) != get_namespace_oid("cowork", false) ||
		strncmp(name, "action", 6) != 0)
		return false;
	if (name[6] == '\0')
		return true;
	if (name[6] != '_' || name[7] == '\0')
		return false;
	return strspn(name + 7, "0123456789") == strlen(name + 7);
}

/*
 * Whether the trigger's arguments 0-5 are those track_actions() recorded
 * for the table relid; the registry is read with its owner's rights
 * (callers may not read it).
 */
static bool
registered_as(Oid relid, char **args)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		values[2];
	CoworkUserSwitch sw;
	bool		found = false;

	values[0] = CStringGetTextDatum(get_namespace_name(get_rel_namespace(relid)));
	values[1] = CStringGetTextDatum(get_rel_name(relid));
	CoworkSPIConnect();
	CoworkSwitchUser(CoworkTableOwner("tracked_source"), &sw);
	CoworkPlan(&plan,
			   "SELECT kind::pg_catalog.text, location_column::pg_catalog.text,"
			   " person_column::pg_catalog.text, state_column::pg_catalog.text,"
			   " completed_value, COALESCE(id_column::pg_catalog.text, '')"
			   " FROM cowork.tracked_source"
			   " WHERE source_schema OPERATOR(pg_catalog.=) $1::pg_catalog.name"
			   " AND source_table OPERATOR(pg_catalog.=) $2::pg_catalog.name",
			   2, argtypes);
	if (CoworkExecute(plan, values, NULL, SPI_OK_SELECT, 1) == 1)
	{
		found = true;
		for (int i = 0; i < 6 && found; i++)
		{
			char	   *v = SPI_getvalue(SPI_tuptable->vals[0],
										 SPI_tuptable->tupdesc, i + 1);

			found = (v != NULL && strcmp(v, args[i]) == 0);
		}
	}
	CoworkSwitchBack(&sw);
	CoworkSPIFinish();
	return found;
}

/*
 * The tracked table the trigger acts for: rel itself, or, for a partition
 * (whose trigger was cloned from its parent's), the ancestor that
 * track_actions() attached; InvalidOid when none was recorded with these
 * arguments.
 */
static Oid
registered_source(Relation rel, char **args)
{
	List	   *ancestors;
	ListCell   *lc;

	if (registered_as(RelationGetRelid(rel), args))
		return RelationGetRelid(rel);
	if (!rel->rd_rel->relispartition)
		return InvalidOid;
	ancestors = get_partition_ancestors(RelationGetRelid(rel));
	foreach(lc, ancestors)
	{
		if (registered_as(lfirst_oid(lc), args))
			return lfirst_oid(lc);
	}
	return InvalidOid;
}

/*
 * Refuse, with 42501, to act for a trigger the extension did not attach:
 * it would change customers with the owner's rights.
 */
static void
refuse_unregistered(Relation rel, Trigger *trigger, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("trigger \"%s\" on table \"%s\" was not attached by cowork.track_actions()",
					trigger->tgname, RelationGetRelationName(rel)),
			 errdetail("cowork.action_trigger() changes customer statuses with the rights of cowork's owner, so it acts only for the tables and columns cowork.track_actions() recorded; %s.",
					   why),
			 errhint("Drop the trigger, and attach the table with cowork.track_actions().")));
}

/* The arguments of cowork.action's own trigger (the install script's). */
static const char *const cowork_action_args[ACTION_TRIGGER_NARGS] = {
	"", "location_id", "person_id", "state", "completed", "action_id", ""
};

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
		if (!entry->completed_byval && DatumGetPointer(entry->completed) != NULL)
			pfree(DatumGetPointer(entry->completed));
		if (entry->kind)
			pfree(entry->kind);
		if (entry->source)
			pfree(entry->source);
		entry->completed = (Datum) 0;
		entry->completed_byval = true;
		entry->kind = entry->source = NULL;
	}
	return entry;
}

/*
 * The cache entry of cowork.action_trigger() on this table, checked and
 * worked out at its first row: the trigger must be the extension's (see the
 * header), its arguments must name columns of usable types, and the
 * completed value must be a value of the state column's type.
 */
static TriggerCache *
action_trigger_info(TriggerData *trigdata)
{
	TriggerCache *info = trigger_cache_entry(trigdata);
	Trigger    *trigger = trigdata->tg_trigger;
	Relation	rel = trigdata->tg_relation;
	char	  **args = trigger->tgargs;
	Oid			state_type;
	Oid			kind_type;
	Oid			source = RelationGetRelid(rel);
	MemoryContext oldcxt;

	if (info->valid)
		return info;
	if (trigger->tgnargs != ACTION_TRIGGER_NARGS)
		refuse_unregistered(rel, trigger,
							psprintf("it passes %d arguments instead of %d",
									 trigger->tgnargs, ACTION_TRIGGER_NARGS));
	if (rel->rd_rel->relpersistence == RELPERSISTENCE_TEMP)
		refuse_unregistered(rel, trigger, "the table is a temporary table");
	if (is_cowork_action(rel))
	{
		for (int i = 0; i < ACTION_TRIGGER_NARGS; i++)
			if (strcmp(args[i], cowork_action_args[i]) != 0)
				refuse_unregistered(rel, trigger, "its arguments are not cowork.action's");
	}
	else if (RelationGetNamespace(rel) == get_namespace_oid("cowork", false))
		refuse_unregistered(rel, trigger, "the table belongs to cowork");
	else if (strcmp(trigger->tgname, TRACK_TRIGGER_NAME) != 0 ||
			 !OidIsValid(source = registered_source(rel, args)))
		refuse_unregistered(rel, trigger,
							"the table and arguments are not in cowork.tracked_source");

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
	kind_type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
								CStringGetDatum("action_kind"),
								ObjectIdGetDatum(get_namespace_oid("cowork", false)));
	if (info->kind_att != 0)
	{
		if (column_base_type(rel, info->kind_att) != kind_type)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"kind\" of table \"%s\" must be of type cowork.action_kind",
							RelationGetRelationName(rel))));
	}
	else if (!OidIsValid(CoworkEnumValue(kind_type, args[0])))
		refuse_unregistered(rel, trigger, "its kind is not a cowork.action_kind");

	state_type = column_base_type(rel, info->state_att);
	if (!is_state_type(state_type))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("state column \"%s\" of table \"%s\" is of type %s, which has no equality operator",
						args[3], RelationGetRelationName(rel), format_type_be(state_type)),
				 errhint("Call cowork.track_actions() again with the table's current columns.")));
	info->state_is_enum = type_is_enum(state_type);
	if (info->state_is_enum)
	{
		info->completed_enum = CoworkEnumValue(state_type, args[4]);
		if (!OidIsValid(info->completed_enum))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("completed value \"%s\" is not a value of type %s, the type of column \"%s\" of table \"%s\"",
							args[4], format_type_be(state_type), args[3],
							RelationGetRelationName(rel))));
	}
	else
	{
		TypeCacheEntry *typentry = lookup_type_cache(state_type, TYPECACHE_EQ_OPR);
		Datum		value = read_completed_value(rel, info->state_att, args[4]);
		Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel), info->state_att - 1);

		fmgr_info_cxt(get_opcode(typentry->eq_opr), &info->state_eq, CacheMemoryContext);
		info->state_collation = att->attcollation;
		info->completed_byval = att->attbyval;
		oldcxt = MemoryContextSwitchTo(CacheMemoryContext);
		info->completed = datumCopy(value, att->attbyval, att->attlen);
		MemoryContextSwitchTo(oldcxt);
	}
	info->kind = MemoryContextStrdup(CacheMemoryContext, args[0]);
	info->source = MemoryContextStrdup(CacheMemoryContext,
									   quote_qualified_identifier(get_namespace_name(get_rel_namespace(source)),
																  get_rel_name(source)));
	info->valid = true;
	return info;
}

/* Whether a row's state is the completed one, by the state type's equality. */
static bool
is_completed(TriggerCache *info, HeapTuple tuple, TupleDesc tupdesc)
{
	bool		isnull;
	Datum		value = SPI_getbinval(tuple, tupdesc, info->state_att, &isnull);

	if (isnull)
		return false;
	if (info->state_is_enum)
		return DatumGetObjectId(value) == info->completed_enum;
	return DatumGetBool(FunctionCall2Coll(&info->state_eq, info->state_collation,
										  value, info->completed));
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
 * The event's reason detail for an action row: its kind.  Built only when
 * the action changes a status.
 */
static const char *
describe_action(void *arg)
{
	ActionRow  *action = (ActionRow *) arg;
	TriggerCache *info = action->info;

	if (info->kind_att != 0)
	{
		bool		isnull;
		Datum		value = SPI_getbinval(action->row, action->tupdesc,
										  info->kind_att, &isnull);

		return isnull ? "unknown" : CoworkEnumLabel(value);
	}
	return info->kind;
}

/* The event's source_key: the row's key, or NULL when the table has none. */
static const char *
describe_action_key(void *arg)
{
	ActionRow  *action = (ActionRow *) arg;

	if (action->info->id_att == 0)
		return NULL;
	return SPI_getvalue(action->row, action->tupdesc, action->info->id_att);
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
	if (CoworkRestoringRow(trigdata))
		return PointerGetDatum(NULL);

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
	change.describe_key = describe_action_key;
	change.source = info->source;
	change.describe_arg = &action;

	/* Statuses changed by actions are written with the owner's rights. */
	change.run_as = CoworkCustomerOwner();
	change.actor = GetUserId();
	CoworkSetStatus(&change);

	return PointerGetDatum(NULL);
}

/*
 * The columns of a completed action that are history: who, where, what and
 * how much, and when it completed.  Cancelling it (a refund) and its
 * reference may still change.
 */
static const char *const history_columns[5] = {
	"location_id", "person_id", "kind", "amount", "completed_at"
};

/*
 * Refuse (55000) an update of a completed action that changes what it was:
 * it made its person a customer, and reports count it.
 */
static void
check_completed_kept(TriggerCache *info, HeapTuple old, HeapTuple row,
					 TupleDesc tupdesc)
{
	for (int i = 0; i < lengthof(history_columns); i++)
	{
		if (!CoworkColumnChanged(old, row, tupdesc, info->history_atts[i]))
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s of completed action %s cannot change",
						history_columns[i], SPI_getvalue(old, tupdesc, info->id_att)),
				 errdetail("A completed action is history: it made its person a customer, and reports count it."),
				 errhint("Cancel it (state cancelled) and record a new action instead.")));
	}
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
	for (int i = 0; i < lengthof(history_columns); i++)
	{
		info->history_atts[i] = SPI_fnumber(RelationGetDescr(rel), history_columns[i]);
		if (info->history_atts[i] <= 0)
			elog(ERROR, "cowork: table \"%s\" is not an action table",
				 RelationGetRelationName(rel));
	}
	state_type = column_base_type(rel, info->state_att);
	info->started_enum = CoworkEnumValue(state_type, "started");
	info->completed_enum = CoworkEnumValue(state_type, "completed");
	info->cancelled_enum = CoworkEnumValue(state_type, "cancelled");
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
	if (CoworkRestoringRow(trigdata))
		return PointerGetDatum(trigdata->tg_trigtuple);

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

		if (old == info->completed_enum)
			check_completed_kept(info, trigdata->tg_trigtuple, row, tupdesc);
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

	CoworkRequireRowArg(fcinfo, 0, "action", COWORK_ACCESS_ADMIN);
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
 * Record (or replace) a tracked table in cowork.tracked_source, with the
 * registry owner's rights: callers cannot write it themselves.
 */
static void
register_source(Relation rel, const char *kind, const char *location_column,
				const char *person_column, const char *state_column,
				const char *completed_value, const char *id_column)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[8] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
	TEXTOID, TEXTOID, TEXTOID};
	Datum		values[8];
	char		nulls[8] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
	CoworkUserSwitch sw;

	values[0] = CStringGetTextDatum(get_namespace_name(RelationGetNamespace(rel)));
	values[1] = CStringGetTextDatum(RelationGetRelationName(rel));
	values[2] = CStringGetTextDatum(kind);
	values[3] = CStringGetTextDatum(location_column);
	values[4] = CStringGetTextDatum(person_column);
	values[5] = CStringGetTextDatum(state_column);
	values[6] = CStringGetTextDatum(completed_value);
	if (id_column == NULL)
		nulls[7] = 'n';
	else
		values[7] = CStringGetTextDatum(id_column);

	CoworkSwitchUser(CoworkTableOwner("tracked_source"), &sw);
	CoworkPlan(&plan,
			   "INSERT INTO cowork.tracked_source AS t (source_schema, source_table, kind,"
			   " location_column, person_column, state_column, completed_value, id_column,"
			   " tracked_by)"
			   " VALUES ($1::pg_catalog.name, $2::pg_catalog.name, $3::cowork.action_kind,"
			   " $4::pg_catalog.name, $5::pg_catalog.name, $6::pg_catalog.name, $7,"
			   " $8::pg_catalog.name, SESSION_USER)"
			   " ON CONFLICT (source_schema, source_table) DO UPDATE SET"
			   " kind = EXCLUDED.kind, location_column = EXCLUDED.location_column,"
			   " person_column = EXCLUDED.person_column,"
			   " state_column = EXCLUDED.state_column,"
			   " completed_value = EXCLUDED.completed_value,"
			   " id_column = EXCLUDED.id_column, tracked_at = pg_catalog.now(),"
			   " tracked_by = EXCLUDED.tracked_by",
			   8, argtypes);
	CoworkExecute(plan, values, nulls, SPI_OK_INSERT, 0);
	CoworkSwitchBack(&sw);
}

/* Remove a tracked table from cowork.tracked_source, with its owner's rights. */
static void
unregister_source(const char *schema, const char *table)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		values[2] = {CStringGetTextDatum(schema), CStringGetTextDatum(table)};
	CoworkUserSwitch sw;

	CoworkSwitchUser(CoworkTableOwner("tracked_source"), &sw);
	CoworkPlan(&plan,
			   "DELETE FROM cowork.tracked_source"
			   " WHERE source_schema OPERATOR(pg_catalog.=) $1::pg_catalog.name"
			   " AND source_table OPERATOR(pg_catalog.=) $2::pg_catalog.name",
			   2, argtypes);
	CoworkExecute(plan, values, NULL, SPI_OK_DELETE, 0);
	CoworkSwitchBack(&sw);
}

/*
 * track_actions(source regclass, kind cowork.action_kind, location_column
 * name, person_column name, state_column name, completed_value text): attach
 * cowork.action_trigger() to an application's table, after checking that
 * the table and columns exist and have usable types and that the completed
 * value is a value of the state column's type, and record it in
 * cowork.tracked_source.  Calling it again replaces the attachment.
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
	StringInfoData sql;

	CoworkRequireEveryLocation(fcinfo, COWORK_ACCESS_ADMIN);
	CoworkRequireArgs(fcinfo, argnames, 6);
	relid = PG_GETARG_OID(0);
	kind = CoworkEnumLabel(PG_GETARG_DATUM(1));
	location_column = NameStr(*PG_GETARG_NAME(2));
	person_column = NameStr(*PG_GETARG_NAME(3));
	state_column = NameStr(*PG_GETARG_NAME(4));
	completed_value = text_to_cstring(PG_GETARG_TEXT_PP(5));

	/* The caller's right first: attaching needs TRIGGER on the table. */
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	if (get_rel_namespace(relid) == get_namespace_oid("cowork", false))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("table \"%s\" belongs to cowork and cannot be tracked",
						get_rel_name(relid)),
				 errdetail("cowork.action drives customer statuses already.")));
	if (pg_class_aclcheck(relid, GetUserId(), ACL_TRIGGER) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to attach cowork.action_trigger() to table \"%s\"",
						get_rel_name(relid)),
				 errdetail("cowork.track_actions() needs TRIGGER on the table.")));
	rel = try_relation_open(relid, AccessShareLock);
	if (rel == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	if (rel->rd_rel->relkind != RELKIND_RELATION &&
		rel->rd_rel->relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table", RelationGetRelationName(rel)),
				 errdetail("cowork.track_actions() attaches a row trigger to a table of actions.")));
	if (rel->rd_rel->relpersistence == RELPERSISTENCE_TEMP)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is a temporary table and cannot be tracked",
						RelationGetRelationName(rel)),
				 errdetail("Its rows would make customers for one session only.")));

	check_tracked_column(rel, "location_column", location_column, is_integer_type,
						 "an integer type (bigint, integer or smallint)");
	check_tracked_column(rel, "person_column", person_column, is_integer_type,
						 "an integer type (bigint, integer or smallint)");
	check_tracked_column(rel, "state_column", state_column, is_state_type,
						 "a type with an equality operator");
	if (completed_value[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("completed_value must not be empty")));
	(void) read_completed_value(rel, SPI_fnumber(RelationGetDescr(rel), state_column),
								completed_value);

	source_name = quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
											 RelationGetRelationName(rel));

	CoworkSPIConnect();
	id_column = primary_key_column(relid);

	/* The trigger, with the caller's rights (TRIGGER on the table) ... */
	initStringInfo(&sql);
	appendStringInfo(&sql,
					 "CREATE OR REPLACE TRIGGER " TRACK_TRIGGER_NAME
					 " AFTER INSERT OR UPDATE OF %s ON %s FOR EACH ROW"
					 " EXECUTE FUNCTION cowork.action_trigger(%s, %s, %s, %s, %s, %s, '')",
					 quote_identifier(state_column), source_name,
					 quote_literal_cstr(kind), quote_literal_cstr(location_column),
					 quote_literal_cstr(person_column), quote_literal_cstr(state_column),
					 quote_literal_cstr(completed_value),
					 quote_literal_cstr(id_column ? id_column : ""));
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

	/* ... and the registry entry that lets it act, with the owner's. */
	register_source(rel, kind, location_column, person_column, state_column,
					completed_value, id_column);

	CoworkSPIFinish();
	relation_close(rel, AccessShareLock);
	PG_RETURN_VOID();
}

/*
 * untrack_actions(source regclass) returns boolean: detach what
 * track_actions() attached and forget it; false when the table was not
 * tracked.
 */
Datum
cowork_untrack_actions(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"source"};
	Oid			relid;
	bool		tracked;
	char	   *schema;
	char	   *table;
	char	   *source_name;

	CoworkRequireEveryLocation(fcinfo, COWORK_ACCESS_ADMIN);
	CoworkRequireArgs(fcinfo, argnames, 1);
	relid = PG_GETARG_OID(0);
	schema = get_namespace_name(get_rel_namespace(relid));
	table = get_rel_name(relid);
	if (schema == NULL || table == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	tracked = OidIsValid(get_trigger_oid(relid, TRACK_TRIGGER_NAME, true));
	source_name = quote_qualified_identifier(schema, table);
	CoworkSPIConnect();
	if (tracked &&
		SPI_execute(psprintf("DROP TRIGGER " TRACK_TRIGGER_NAME " ON %s", source_name),
					false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "cowork: could not drop the trigger on %s", source_name);
	unregister_source(schema, table);
	CoworkSPIFinish();
	PG_RETURN_BOOL(tracked);
}
