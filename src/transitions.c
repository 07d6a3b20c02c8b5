/*-------------------------------------------------------------------------
 *
 * transitions.c
 *	  The customer status transition table (SPEC section 2), in one place,
 *	  and everything that applies it:
 *
 *	- the BEFORE trigger on cowork.customer, which checks every insert and
 *	  status update, however made, against the table;
 *	- the AFTER trigger, which writes one cowork.customer_event row per
 *	  change;
 *	- CoworkSetStatus(), through which the extension's own functions change
 *	  a status (they pass the cause, which becomes the event's reason);
 *	- the append-only trigger of the event log (and of the audit);
 *	- the rule that "since" belongs to the status: direct DML cannot set it.
 *
 * The AFTER trigger also hands every change of the other audited fields to
 * audit.c.
 *
 * A function that changes a status announces its cause for exactly that
 * customer row while its statement runs ("pending cause"); any other change
 * is direct DML, which may take every allowed edge.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "cowork.h"

PG_FUNCTION_INFO_V1(cowork_customer_check_trigger);
PG_FUNCTION_INFO_V1(cowork_customer_event_trigger);
PG_FUNCTION_INFO_V1(cowork_append_only_trigger);

#define CAUSE(c)	(1U << (c))

/* Direct DML may take any allowed edge. */
#define DIRECT		(CAUSE(CAUSE_DIRECT_INSERT) | CAUSE(CAUSE_DIRECT_UPDATE))

/* One edge of the table: who may take it, and how to say so in a hint. */
typedef struct TransitionRule
{
	uint32		causes;			/* CAUSE() bits; 0 = refused */
	const char *ways;			/* the allowed ways, or what to do instead */
} TransitionRule;

/*
 * The transition table of SPEC section 2: rows are the current status
 * (STATUS_NONE: no customer row), columns the new one.  Same-status cells
 * are not transitions and never consulted.
 */
static const TransitionRule transition_table[STATUS_COUNT][STATUS_COUNT] = {
	[STATUS_NONE] = {
		[STATUS_MEMBER] = {
			CAUSE(CAUSE_INVITE_MEMBER) | CAUSE(CAUSE_SUBSCRIPTION) | DIRECT,
			"A new customer becomes a member through cowork.invite_member() or a membership subscription that starts."
		},
		[STATUS_NONMEMBER] = {
			CAUSE(CAUSE_ACTION) | CAUSE(CAUSE_ADD_NONMEMBER) |
			CAUSE(CAUSE_PROMOTE_LEAD) | DIRECT,
			"A new customer becomes a nonmember through a completed action, cowork.add_nonmember(), promote_lead or an import."
		},
		[STATUS_REMOVED] = {
			0,
			"A new customer starts as a member or a nonmember: use cowork.invite_member() or cowork.add_nonmember()."
		},
	},
	[STATUS_MEMBER] = {
		[STATUS_NONMEMBER] = {
			CAUSE(CAUSE_REMOVE_MEMBER) | CAUSE(CAUSE_AUTO_REMOVE) | DIRECT,
			"A member becomes a nonmember through cowork.remove_member() or auto-removal after their last membership subscription ended."
		},
		[STATUS_REMOVED] = {
			0,
			"Remove the member to nonmember first with cowork.remove_member(location_id, person_id), then call cowork.delete_nonmember(location_id, person_id)."
		},
	},
	[STATUS_NONMEMBER] = {
		[STATUS_MEMBER] = {
			CAUSE(CAUSE_RESTORE_MEMBER) | CAUSE(CAUSE_INVITE_MEMBER) |
			CAUSE(CAUSE_SUBSCRIPTION) | DIRECT,
			"A nonmember becomes a member through cowork.restore_member(location_id, person_id), cowork.invite_member() or a membership subscription that starts."
		},
		[STATUS_REMOVED] = {
			CAUSE(CAUSE_DELETE_NONMEMBER) | DIRECT,
			"A nonmember is removed through cowork.delete_nonmember(location_id, person_id)."
		},
	},
	[STATUS_REMOVED] = {
		[STATUS_MEMBER] = {
			CAUSE(CAUSE_RESTORE_MEMBER) | CAUSE(CAUSE_INVITE_MEMBER) |
			CAUSE(CAUSE_SUBSCRIPTION) | DIRECT,
			"A removed customer becomes a member again through cowork.restore_member(location_id, person_id), cowork.invite_member() or a membership subscription that starts."
		},
		[STATUS_NONMEMBER] = {
			CAUSE(CAUSE_ACTION) | CAUSE(CAUSE_ADD_NONMEMBER) | DIRECT,
			"A removed customer becomes a nonmember again through a completed action or cowork.add_nonmember()."
		},
	},
};

/* Reason codes written to cowork.customer_event.reason, by cause. */
static const char *const cause_names[CAUSE_COUNT] = {
	[CAUSE_DIRECT_INSERT] = "direct_insert",
	[CAUSE_DIRECT_UPDATE] = "direct_update",
	[CAUSE_ADD_NONMEMBER] = "add_nonmember",
	[CAUSE_INVITE_MEMBER] = "invite_member",
	[CAUSE_REMOVE_MEMBER] = "remove_member",
	[CAUSE_DELETE_NONMEMBER] = "delete_nonmember",
	[CAUSE_RESTORE_MEMBER] = "restore_member",
	[CAUSE_ACTION] = "action",
	[CAUSE_SUBSCRIPTION] = "subscription",
	[CAUSE_AUTO_REMOVE] = "auto_remove",
	[CAUSE_PROMOTE_LEAD] = "promote_lead",
};

static const char *const status_names[STATUS_COUNT] = {
	[STATUS_NONE] = "(no customer row)",
	[STATUS_MEMBER] = "member",
	[STATUS_NONMEMBER] = "nonmember",
	[STATUS_REMOVED] = "removed",
};

/* The cause announced by CoworkSetStatus() for the row it is changing. */
typedef struct PendingCause
{
	bool		active;
	int64		location_id;
	int64		person_id;
	TransitionCause cause;
	const char *detail;
	const char *source;			/* the event's source and source_key, or NULL */
	const char *source_key;
	Oid			actor;
	TimestampTz since;			/* 0: transaction time */
} PendingCause;

static PendingCause pending = {false};

/*
 * The cause of every change made while a batch is open (the sweep's
 * set-based UPDATE), with a function giving each row's reason detail.
 *
 * The events of a batch's changes are collected by the event trigger, row
 * by row, and written by CoworkFlushBatch() in one INSERT ... SELECT once
 * the statement is done: every change is still checked by the BEFORE
 * trigger and logged, but the log costs one statement per batch instead
 * of one per row (and one switch to the log owner's rights).
 */
typedef struct BatchCause
{
	bool		active;
	TransitionCause cause;
	BatchDetailFn detail_fn;
	void	   *arg;
	Oid			actor;
	MemoryContext context;		/* the caller's: the events' lifetime */
	int			n;				/* events collected, not yet written */
	int			size;
	Datum	   *locations;
	Datum	   *persons;
	Datum	   *froms;			/* status labels, as text */
	bool	   *from_nulls;		/* no customer row before */
	Datum	   *tos;
	Datum	   *reasons;
} BatchCause;

static BatchCause batch = {false};

/*
 * Open a batch: until CoworkEndBatch(), every change is for this cause.
 * The events are kept in the current memory context until
 * CoworkFlushBatch() writes them.
 */
void
CoworkBeginBatch(TransitionCause cause, BatchDetailFn detail_fn, void *arg)
{
	batch.cause = cause;
	batch.detail_fn = detail_fn;
	batch.arg = arg;
	batch.actor = GetUserId();
	batch.context = CurrentMemoryContext;
	batch.n = 0;
	batch.size = 0;
	batch.active = true;
}

/* Close the batch; events not flushed (an error on the way) are dropped. */
void
CoworkEndBatch(void)
{
	batch.active = false;
	batch.n = 0;
	batch.size = 0;
}

/* Collect the event of one change made in the open batch. */
static void
batch_add_event(int64 location_id, int64 person_id, const char *from,
				const char *to, const char *reason)
{
	MemoryContext oldcontext = MemoryContextSwitchTo(batch.context);

	if (batch.n == batch.size)
	{
		int			size = Max(batch.size * 2, 256);

		if (batch.size == 0)
		{
			batch.locations = palloc(sizeof(Datum) * size);
			batch.persons = palloc(sizeof(Datum) * size);
			batch.froms = palloc(sizeof(Datum) * size);
			batch.from_nulls = palloc(sizeof(bool) * size);
			batch.tos = palloc(sizeof(Datum) * size);
			batch.reasons = palloc(sizeof(Datum) * size);
		}
		else
		{
			batch.locations = repalloc(batch.locations, sizeof(Datum) * size);
			batch.persons = repalloc(batch.persons, sizeof(Datum) * size);
			batch.froms = repalloc(batch.froms, sizeof(Datum) * size);
			batch.from_nulls = repalloc(batch.from_nulls, sizeof(bool) * size);
			batch.tos = repalloc(batch.tos, sizeof(Datum) * size);
			batch.reasons = repalloc(batch.reasons, sizeof(Datum) * size);
		}
		batch.size = size;
	}
	batch.locations[batch.n] = Int64GetDatum(location_id);
	batch.persons[batch.n] = Int64GetDatum(person_id);
	batch.from_nulls[batch.n] = (from == NULL);
	batch.froms[batch.n] = from ? CStringGetTextDatum(from) : (Datum) 0;
	batch.tos[batch.n] = CStringGetTextDatum(to);
	batch.reasons[batch.n] = CStringGetTextDatum(reason);
	batch.n++;
	MemoryContextSwitchTo(oldcontext);
}

/* A one-dimensional array datum of n values of type elemtype. */
static Datum
batch_array(Datum *values, bool *nulls, int n, Oid elemtype)
{
	int			dims[1] = {n};
	int			lbs[1] = {1};
	int16		typlen;
	bool		typbyval;
	char		typalign;

	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	return PointerGetDatum(construct_md_array(values, nulls, 1, dims, lbs, elemtype,
											  typlen, typbyval, typalign));
}

static void write_batch_events(void);

/*
 * Write the events collected in the open batch, in the order of the
 * changes, in one statement; call after each statement of the batch.
 */
void
CoworkFlushBatch(void)
{
	if (!batch.active || batch.n == 0)
		return;
	write_batch_events();
	batch.n = 0;
}

/* The name of a status, as in the enum (or "(no customer row)"). */
const char *
CustomerStatusName(CustomerStatus status)
{
	return status_names[status];
}

/* The status of an enum label; STATUS_NONE for an unknown label. */
CustomerStatus
CustomerStatusFromName(const char *name)
{
	for (int s = STATUS_MEMBER; s < STATUS_COUNT; s++)
	{
		if (strcmp(name, status_names[s]) == 0)
			return (CustomerStatus) s;
	}
	return STATUS_NONE;
}

/* The status held in a cowork.customer_status datum (an enum value OID). */
/*
 * The enum value OIDs of the statuses seen so far in this backend, so that
 * most rows need no catalog look-up; forgotten with the relation cache
 * (invalidate_customer_relation), so a recreated extension is relearnt.
 */
static Oid	status_oids[STATUS_COUNT];
static Oid	status_type = InvalidOid;	/* cowork.customer_status; likewise */

static void register_invalidation(void);

/* The OID of type cowork.customer_status. */
static Oid
customer_status_type(void)
{
	register_invalidation();
	if (!OidIsValid(status_type))
		status_type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
									  CStringGetDatum("customer_status"),
									  ObjectIdGetDatum(get_namespace_oid("cowork", false)));
	return status_type;
}

static CustomerStatus
status_from_datum(Datum value)
{
	CustomerStatus status;

	for (int s = STATUS_MEMBER; s < STATUS_COUNT; s++)
	{
		if (status_oids[s] == DatumGetObjectId(value))
			return (CustomerStatus) s;
	}

	status = CustomerStatusFromName(CoworkEnumLabel(value));
	if (status == STATUS_NONE)
		elog(ERROR, "cowork: unexpected customer status %u",
			 DatumGetObjectId(value));
	status_oids[status] = DatumGetObjectId(value);
	return status;
}

/* Columns of a customer row that the triggers read, by name. */
typedef struct CustomerColumns
{
	int			location_id;
	int			person_id;
	int			status;
	int			since;
	int			company_id;		/* 0 when the table has none */
	int			suspended;		/* 0 when the table has none */
} CustomerColumns;

static void
customer_columns(Relation rel, CustomerColumns *cols)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);

	cols->location_id = SPI_fnumber(tupdesc, "location_id");
	cols->person_id = SPI_fnumber(tupdesc, "person_id");
	cols->status = SPI_fnumber(tupdesc, "status");
	cols->since = SPI_fnumber(tupdesc, "since");
	cols->company_id = Max(SPI_fnumber(tupdesc, "company_id"), 0);
	cols->suspended = Max(SPI_fnumber(tupdesc, "suspended"), 0);
	/*
	 * The triggers read these columns as bigint, the status enum and
	 * timestamptz: a trigger attached by hand to another table (only the
	 * owner may) is refused rather than misread.  Checked by type, not by
	 * relation: under Citus the triggers fire on shards.
	 */
	if (cols->location_id <= 0 || cols->person_id <= 0 ||
		cols->status <= 0 || cols->since <= 0 ||
		TupleDescAttr(tupdesc, cols->location_id - 1)->atttypid != INT8OID ||
		TupleDescAttr(tupdesc, cols->person_id - 1)->atttypid != INT8OID ||
		TupleDescAttr(tupdesc, cols->since - 1)->atttypid != TIMESTAMPTZOID ||
		TupleDescAttr(tupdesc, cols->status - 1)->atttypid != customer_status_type() ||
		(cols->company_id > 0 &&
		 TupleDescAttr(tupdesc, cols->company_id - 1)->atttypid != INT8OID) ||
		(cols->suspended > 0 &&
		 TupleDescAttr(tupdesc, cols->suspended - 1)->atttypid != BOOLOID))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("table \"%s\" is not a cowork customer table",
						RelationGetRelationName(rel)),
				 errdetail("The customer triggers of cowork act only on cowork.customer.")));
}

/*
 * Raise 23502 for a NULL in a column the triggers need, in the words of
 * core's NOT NULL check (for a table that has lost that constraint).
 */
static void
null_column_error(Relation rel, int attnum)
{
	ereport(ERROR,
			(errcode(ERRCODE_NOT_NULL_VIOLATION),
			 errmsg("null value in column \"%s\" of relation \"%s\" violates not-null constraint",
					NameStr(TupleDescAttr(RelationGetDescr(rel), attnum - 1)->attname),
					RelationGetRelationName(rel)),
			 errtablecol(rel, attnum)));
}

/*
 * Whether the new row has a NULL key or status that a NOT NULL constraint
 * of the table will reject: the constraints are checked after the BEFORE
 * triggers, so the trigger leaves the row to them (core's message, with the
 * failing row).  A NULL in a column without the constraint is 23502 here.
 */
static bool
null_for_constraint(HeapTuple tuple, Relation rel, const CustomerColumns *cols)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	int			atts[3] = {cols->location_id, cols->person_id, cols->status};

	for (int i = 0; i < lengthof(atts); i++)
	{
		if (!heap_attisnull(tuple, atts[i], tupdesc))
			continue;
		if (TupleDescAttr(tupdesc, atts[i] - 1)->attnotnull)
			return true;
		null_column_error(rel, atts[i]);
	}
	return false;
}

/* A key column of a customer row, read as int64. */
static int64
int64_column(HeapTuple tuple, Relation rel, int attnum)
{
	bool		isnull;
	Datum		value = SPI_getbinval(tuple, RelationGetDescr(rel), attnum, &isnull);

	if (isnull)
		null_column_error(rel, attnum);
	return DatumGetInt64(value);
}

/* The row's company, 0 for none; read only while a batch needs it. */
static int64
company_column(HeapTuple tuple, TupleDesc tupdesc, const CustomerColumns *cols)
{
	bool		isnull;
	Datum		value;

	if (!batch.active || cols->company_id == 0)
		return 0;
	value = SPI_getbinval(tuple, tupdesc, cols->company_id, &isnull);
	return isnull ? 0 : DatumGetInt64(value);
}

/* The status column of a customer row. */
static CustomerStatus
status_column(HeapTuple tuple, Relation rel, int attnum)
{
	bool		isnull;
	Datum		value = SPI_getbinval(tuple, RelationGetDescr(rel), attnum, &isnull);

	if (isnull)
		null_column_error(rel, attnum);
	return status_from_datum(value);
}

/* Whether CoworkSetStatus() is changing this very customer row. */
static inline bool
pending_for(int64 location_id, int64 person_id)
{
	return pending.active && pending.location_id == location_id &&
		pending.person_id == person_id;
}

/* The cause of a change to this row: the pending one, or direct DML. */
static TransitionCause
cause_for(int64 location_id, int64 person_id, int64 company_id, bool is_insert,
		  const char **detail, Oid *actor)
{
	if (pending_for(location_id, person_id))
	{
		*detail = pending.detail;
		*actor = pending.actor;
		return pending.cause;
	}
	if (batch.active)
	{
		*detail = batch.detail_fn ?
			batch.detail_fn(location_id, person_id, company_id, batch.arg) : NULL;
		*actor = batch.actor;
		return batch.cause;
	}
	*detail = NULL;
	*actor = GetUserId();
	return is_insert ? CAUSE_DIRECT_INSERT : CAUSE_DIRECT_UPDATE;
}

/*
 * Check one change against the transition table; raise 55000 naming the
 * location, the person, both statuses and the allowed way when refused.
 */
static void
check_transition(int64 location_id, int64 person_id, CustomerStatus from,
				 CustomerStatus to, TransitionCause cause)
{
	const TransitionRule *rule = &transition_table[from][to];
	char	   *location_name;
	char	   *email;

	Assert(from != to);
	if (rule->causes & CAUSE(cause))
		return;

	/* Refused: gather the names for the message (error path only). */
	CoworkSPIConnect();
	location_name = CoworkLocationName(location_id);
	email = CoworkPersonEmail(person_id);

	if (rule->causes == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("customer status of person %lld (%s) at location %lld (%s) cannot change from %s to %s",
						(long long) person_id, email ? email : "unknown",
						(long long) location_id,
						location_name ? location_name : "unknown",
						status_names[from], status_names[to]),
				 errdetail("The customer status rules refuse this transition."),
				 errhint("%s", rule->ways)));
	else
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s cannot change the status of person %lld (%s) at location %lld (%s) from %s to %s",
						cause_names[cause],
						(long long) person_id, email ? email : "unknown",
						(long long) location_id,
						location_name ? location_name : "unknown",
						status_names[from], status_names[to]),
				 errdetail("Their status there is %s.", status_names[from]),
				 errhint("%s", rule->ways)));
}

/*
 * Raise 55000: "since" is when the current status began, kept by the
 * status rules; direct DML cannot set it (auto-removal reads it).
 */
static void
refuse_since(int64 location_id, int64 person_id)
{
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("since of person %lld at location %lld cannot be set",
					(long long) person_id, (long long) location_id),
			 errdetail("since is when the customer's current status began; the status rules keep it, and auto-removal reads it."),
			 errhint("Leave the column out: it changes with the status.")));
}

/*
 * BEFORE INSERT OR UPDATE OR DELETE FOR EACH ROW on cowork.customer.
 *
 * Inserts and status changes are checked against the transition table, and
 * a status change restarts "since".  The key columns never change, and
 * customer rows are never deleted: removal is a status.
 */
Datum
cowork_customer_check_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;
	TupleDesc	tupdesc;
	CustomerColumns cols;
	HeapTuple	newtuple;
	int64		location_id;
	int64		person_id;
	CustomerStatus from;
	CustomerStatus to;
	TransitionCause cause;
	const char *detail;
	Oid			actor;
	bool		is_insert;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "cowork_customer_check_trigger: not called by trigger manager");
	if (!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event))
		elog(ERROR, "cowork_customer_check_trigger: must fire BEFORE ... FOR EACH ROW");
	if (CoworkRestoringRow(trigdata))
		return PointerGetDatum(trigdata->tg_trigtuple);

	rel = trigdata->tg_relation;
	tupdesc = RelationGetDescr(rel);
	customer_columns(rel, &cols);

	if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
	{
		HeapTuple	old = trigdata->tg_trigtuple;

		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("customer rows are never deleted (person %lld at location %lld)",
						(long long) int64_column(old, rel, cols.person_id),
						(long long) int64_column(old, rel, cols.location_id)),
				 errdetail("A removed customer keeps their row, with status removed, so that their history stays."),
				 errhint("Use cowork.remove_member() and cowork.delete_nonmember().")));
	}

	is_insert = TRIGGER_FIRED_BY_INSERT(trigdata->tg_event);
	newtuple = is_insert ? trigdata->tg_trigtuple : trigdata->tg_newtuple;
	if (null_for_constraint(newtuple, rel, &cols))
		return PointerGetDatum(newtuple);
	location_id = int64_column(newtuple, rel, cols.location_id);
	person_id = int64_column(newtuple, rel, cols.person_id);
	to = status_column(newtuple, rel, cols.status);

	if (is_insert)
	{
		/*
		 * The rules give a new customer's "since" (below): the column has no
		 * default, and a value given by the statement is refused.  (Not
		 * compared with now(): under Citus the default would be the
		 * coordinator's and this trigger runs on a worker.)
		 */
		from = STATUS_NONE;
		if (!heap_attisnull(newtuple, cols.since, tupdesc))
			refuse_since(location_id, person_id);
	}
	else
	{
		HeapTuple	old = trigdata->tg_trigtuple;

		if (int64_column(old, rel, cols.location_id) != location_id ||
			int64_column(old, rel, cols.person_id) != person_id)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("location_id and person_id of a customer cannot change"),
					 errdetail("Person %lld at location %lld is one customer; their history belongs to that pair.",
							   (long long) int64_column(old, rel, cols.person_id),
							   (long long) int64_column(old, rel, cols.location_id)),
					 errhint("Add the person at the other location instead.")));
		from = status_column(old, rel, cols.status);
		if (from == to)
		{
			/* No transition: "since" stays what the rules made it. */
			if (CoworkColumnChanged(old, newtuple, tupdesc, cols.since))
				refuse_since(location_id, person_id);
			return PointerGetDatum(newtuple);
		}
		if (CoworkColumnChanged(old, newtuple, tupdesc, cols.since))
			refuse_since(location_id, person_id);
	}

	cause = cause_for(location_id, person_id, company_column(newtuple, tupdesc, &cols),
					  is_insert, &detail, &actor);
	check_transition(location_id, person_id, from, to, cause);

	/*
	 * The new status starts now, or when the change says it began (a
	 * membership started by a subscription dates from its start).
	 */
	if (pending_for(location_id, person_id) && pending.since != 0)
	{
		Datum		since = TimestampTzGetDatum(pending.since);
		bool		isnull = false;

		newtuple = heap_modify_tuple_by_cols(newtuple, tupdesc, 1, &cols.since,
											 &since, &isnull);
	}
	else
	{
		Datum		since = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
		bool		isnull = false;

		newtuple = heap_modify_tuple_by_cols(newtuple, tupdesc, 1, &cols.since,
											 &since, &isnull);
	}
	return PointerGetDatum(newtuple);
}

/*
 * cowork.customer and its log as this backend knows them, kept until the
 * next relcache invalidation (DDL, a new owner, the extension recreated).
 */
typedef struct CustomerRelation
{
	bool		valid;
	Oid			relid;			/* cowork.customer */
	Oid			indexid;		/* its primary key */
	int			status_att;
	Oid			owner;			/* owner of cowork.customer */
	Oid			event_owner;	/* owner of cowork.customer_event */
} CustomerRelation;

static CustomerRelation customer_relation = {false};

static void
invalidate_customer_relation(Datum arg, Oid relid)
{
	customer_relation.valid = false;
	memset(status_oids, 0, sizeof(status_oids));
	status_type = InvalidOid;
}

/* Register invalidate_customer_relation once per backend. */
static void
register_invalidation(void)
{
	static bool registered = false;

	if (!registered)
	{
		CacheRegisterRelcacheCallback(invalidate_customer_relation, (Datum) 0);
		registered = true;
	}
}

static CustomerRelation *
customer_relation_info(void)
{
	Oid			nsp;
	Relation	rel;

	if (customer_relation.valid)
		return &customer_relation;
	register_invalidation();
	nsp = get_namespace_oid("cowork", false);
	customer_relation.relid = get_relname_relid("customer", nsp);
	customer_relation.indexid = get_relname_relid("customer_pkey", nsp);
	if (!OidIsValid(customer_relation.relid) || !OidIsValid(customer_relation.indexid))
		elog(ERROR, "cowork: table cowork.customer or its primary key is missing");
	rel = table_open(customer_relation.relid, AccessShareLock);
	customer_relation.status_att = SPI_fnumber(RelationGetDescr(rel), "status");
	customer_relation.owner = rel->rd_rel->relowner;
	table_close(rel, NoLock);
	if (customer_relation.status_att <= 0)
		elog(ERROR, "cowork: cowork.customer has no status column");
	customer_relation.event_owner = CoworkTableOwner("customer_event");
	customer_relation.valid = true;
	return &customer_relation;
}

/* The owner of cowork.customer, as whom completed actions change statuses. */
Oid
CoworkCustomerOwner(void)
{
	return customer_relation_info()->owner;
}

/*
 * Append one row to cowork.customer_event, naming actor_id as the actor;
 * the row is written with the log owner's rights, so that roles that may
 * change customers need no right to write the log themselves.
 */
static void
write_event(int64 location_id, int64 person_id, CustomerStatus from,
			CustomerStatus to, const char *reason, Oid actor_id,
			const char *source, const char *source_key)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[8] = {INT8OID, INT8OID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
	TEXTOID, TEXTOID};
	Datum		values[8];
	char		nulls[8] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
	CoworkUserSwitch sw;
	char	   *actor = GetUserNameFromId(actor_id, false);

	values[0] = Int64GetDatum(location_id);
	values[1] = Int64GetDatum(person_id);
	if (from == STATUS_NONE)
		nulls[2] = 'n';
	else
		values[2] = CStringGetTextDatum(status_names[from]);
	values[3] = CStringGetTextDatum(status_names[to]);
	values[4] = CStringGetTextDatum(reason);
	values[5] = CStringGetTextDatum(actor);
	if (source == NULL)
		nulls[6] = 'n';
	else
		values[6] = CStringGetTextDatum(source);
	if (source_key == NULL)
		nulls[7] = 'n';
	else
		values[7] = CStringGetTextDatum(source_key);

	CoworkSPIConnect();
	CoworkSwitchUser(customer_relation_info()->event_owner, &sw);
	CoworkPlan(&plan,
			   "INSERT INTO cowork.customer_event"
			   " (location_id, person_id, from_status, to_status, reason, actor,"
			   " source, source_key)"
			   " VALUES ($1, $2, $3::cowork.customer_status,"
			   " $4::cowork.customer_status, $5, $6, $7, $8)",
			   8, argtypes);
	CoworkExecute(plan, values, nulls, SPI_OK_INSERT, 0);
	CoworkSwitchBack(&sw);
	CoworkSPIFinish();
}

/*
 * Append the events collected in the open batch to cowork.customer_event,
 * in one INSERT ... SELECT, with the log owner's rights and the batch's
 * actor: the same rows write_event() would write one by one.
 */
static void
write_batch_events(void)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[6] = {INT8ARRAYOID, INT8ARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
	TEXTARRAYOID, TEXTOID};
	Datum		values[6];
	CoworkUserSwitch sw;

	values[0] = batch_array(batch.locations, NULL, batch.n, INT8OID);
	values[1] = batch_array(batch.persons, NULL, batch.n, INT8OID);
	values[2] = batch_array(batch.froms, batch.from_nulls, batch.n, TEXTOID);
	values[3] = batch_array(batch.tos, NULL, batch.n, TEXTOID);
	values[4] = batch_array(batch.reasons, NULL, batch.n, TEXTOID);
	values[5] = CStringGetTextDatum(GetUserNameFromId(batch.actor, false));

	CoworkSPIConnect();
	CoworkSwitchUser(customer_relation_info()->event_owner, &sw);
	CoworkPlan(&plan,
			   "INSERT INTO cowork.customer_event"
			   " (location_id, person_id, from_status, to_status, reason, actor)"
			   " SELECT e.location_id, e.person_id, e.from_status::cowork.customer_status,"
			   " e.to_status::cowork.customer_status, e.reason, $6"
			   " FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2),"
			   "  pg_catalog.unnest($3), pg_catalog.unnest($4), pg_catalog.unnest($5))"
			   "  WITH ORDINALITY AS e(location_id, person_id, from_status, to_status, reason, n)"
			   " ORDER BY e.n",
			   6, argtypes);
	if (CoworkExecute(plan, values, NULL, SPI_OK_INSERT, 0) != batch.n)
		elog(ERROR, "cowork: the events of a batch were not all written");
	CoworkSwitchBack(&sw);
	CoworkSPIFinish();
}

/*
 * AFTER INSERT OR UPDATE FOR EACH ROW on cowork.customer: one event per
 * status change, none when the status stayed the same; and the audit of the
 * other fields that changed (audit.c).
 */
Datum
cowork_customer_event_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;
	TupleDesc	tupdesc;
	CustomerColumns cols;
	HeapTuple	newtuple;
	HeapTuple	oldtuple;
	int64		location_id;
	int64		person_id;
	CustomerStatus from;
	CustomerStatus to;
	TransitionCause cause;
	const char *detail;
	Oid			actor;
	bool		is_insert;
	char	   *reason;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "cowork_customer_event_trigger: not called by trigger manager");
	if (!TRIGGER_FIRED_AFTER(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		elog(ERROR, "cowork_customer_event_trigger: must fire AFTER INSERT OR UPDATE FOR EACH ROW");
	if (CoworkRestoringRow(trigdata))
		return PointerGetDatum(NULL);

	rel = trigdata->tg_relation;
	tupdesc = RelationGetDescr(rel);
	customer_columns(rel, &cols);

	is_insert = TRIGGER_FIRED_BY_INSERT(trigdata->tg_event);
	newtuple = is_insert ? trigdata->tg_trigtuple : trigdata->tg_newtuple;
	oldtuple = is_insert ? NULL : trigdata->tg_trigtuple;
	to = status_column(newtuple, rel, cols.status);
	from = is_insert ? STATUS_NONE : status_column(oldtuple, rel, cols.status);

	location_id = int64_column(newtuple, rel, cols.location_id);
	person_id = int64_column(newtuple, rel, cols.person_id);
	cause = cause_for(location_id, person_id, company_column(newtuple, tupdesc, &cols),
					  is_insert, &detail, &actor);
	reason = detail ? psprintf("%s:%s", cause_names[cause], detail) :
		pstrdup(cause_names[cause]);

	if (from != to)
	{
		bool		own = pending_for(location_id, person_id);

		if (!own && batch.active)
			batch_add_event(location_id, person_id,
							from == STATUS_NONE ? NULL : status_names[from],
							status_names[to], reason);
		else
			write_event(location_id, person_id, from, to, reason, actor,
						own ? pending.source : NULL, own ? pending.source_key : NULL);
	}
	CoworkAuditCustomer(trigdata->tg_relation, oldtuple, newtuple,
						location_id, person_id, reason, actor);
	return PointerGetDatum(NULL);
}

/* Whether the table lets cause move a customer from "from" to "to". */
static inline bool
edge_allowed(CustomerStatus from, CustomerStatus to, TransitionCause cause)
{
	return (transition_table[from][to].causes & CAUSE(cause)) != 0;
}

/* Raise P0002 for a customer row that is missing, naming what is unknown. */
static void
report_unknown_customer(int64 location_id, int64 person_id)
{
	char	   *location_name = CoworkLocationName(location_id);

	if (location_name == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("location %lld does not exist", (long long) location_id)));
	if (CoworkPersonEmail(person_id) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("person %lld does not exist", (long long) person_id)));
	ereport(ERROR,
			(errcode(ERRCODE_NO_DATA_FOUND),
			 errmsg("person %lld is not a customer at location %lld (%s)",
					(long long) person_id, (long long) location_id,
					location_name),
			 errhint("cowork.add_nonmember() or cowork.invite_member() makes a person a customer of a location.")));
}

/*
 * Read a customer's status without a lock, by a direct probe of
 * cowork.customer's primary key: the hot path of every completed action,
 * where an SPI query would cost several times the probe.  Sees what an SPI
 * query would (the changes of the transaction so far, and in READ COMMITTED
 * what committed before now).  Returns false when the probe cannot be used:
 * with Citus, cowork.customer may be a distributed table whose rows live in
 * shards, so only SPI, which Citus routes, can read it.
 */
static bool
read_status_direct(int64 location_id, int64 person_id, CustomerStatus *status)
{
	CustomerRelation *cr;
	Relation	rel;
	Relation	idx;
	Snapshot	snapshot;
	ScanKeyData keys[2];
	IndexScanDesc scan;
	TupleTableSlot *slot;

	if (CoworkCitusLoaded())
		return false;
	cr = customer_relation_info();

	rel = table_open(cr->relid, AccessShareLock);
	if (rel->rd_rel->relkind != RELKIND_RELATION)
	{
		table_close(rel, NoLock);
		return false;
	}
	idx = index_open(cr->indexid, AccessShareLock);

	/* What a new SPI query would see. */
	CommandCounterIncrement();
	snapshot = RegisterSnapshot(GetTransactionSnapshot());

	ScanKeyInit(&keys[0], 1, BTEqualStrategyNumber, F_INT8EQ,
				Int64GetDatum(location_id));
	ScanKeyInit(&keys[1], 2, BTEqualStrategyNumber, F_INT8EQ,
				Int64GetDatum(person_id));
	scan = index_beginscan(rel, idx, snapshot, 2, 0);
	index_rescan(scan, keys, 2, NULL, 0);
	slot = table_slot_create(rel, NULL);

	*status = STATUS_NONE;
	if (index_getnext_slot(scan, ForwardScanDirection, slot))
	{
		bool		isnull;
		Datum		value = slot_getattr(slot, cr->status_att, &isnull);

		if (!isnull)
			*status = status_from_datum(value);
	}

	ExecDropSingleTupleTableSlot(slot);
	index_endscan(scan);
	UnregisterSnapshot(snapshot);
	/* Keep the locks to the end of the transaction, as the executor does. */
	index_close(idx, NoLock);
	table_close(rel, NoLock);
	return true;
}

/* A customer's status now (STATUS_NONE: not a customer), without a lock. */
CustomerStatus
CoworkStatusOf(int64 location_id, int64 person_id)
{
	static SPIPlanPtr plan = NULL;
	CustomerStatus status = STATUS_NONE;

	if (read_status_direct(location_id, person_id, &status))
		return status;
	CoworkSPIConnect();
	if (CoworkExecuteKey(&plan,
						 "SELECT status::pg_catalog.text FROM cowork.customer"
						 " WHERE location_id OPERATOR(pg_catalog.=) $1"
						 " AND person_id OPERATOR(pg_catalog.=) $2",
						 location_id, person_id, SPI_OK_SELECT, 1) == 1)
		status = CustomerStatusFromName(SPI_getvalue(SPI_tuptable->vals[0],
													 SPI_tuptable->tupdesc, 1));
	CoworkSPIFinish();
	return status;
}

/*
 * Make the customer change->(location_id, person_id) have status
 * change->target, for change->cause.
 *
 * The customer row is locked first (FOR UPDATE), so concurrent changes of
 * one customer serialise and each sees the status the previous one left.  A
 * missing row is created when the table lets the cause create customers,
 * and is an error (P0002) otherwise.  The change itself goes through the
 * triggers, which check the transition and log it.  Returns false when
 * nothing changed: the status already was the target (not a transition),
 * or, for a soft change, the table does not give the cause that edge.
 *
 * A soft change first reads the status without a lock, and stops there when
 * there is nothing to do: doing nothing is then the same as running before
 * any concurrent change of that customer, so no lock is needed for it.  When
 * that read finds no row, the insert is tried at once (its ON CONFLICT
 * handles a concurrent creation).
 *
 * A soft change reads first by a direct probe of the primary key
 * (read_status_direct), and connects to SPI only when it has work to do.
 */
bool
CoworkSetStatus(const StatusChange *change)
{
	static SPIPlanPtr read_plan = NULL;
	static SPIPlanPtr lock_plan = NULL;
	static SPIPlanPtr insert_plan = NULL;
	static SPIPlanPtr update_plan = NULL;
	Oid			argtypes[3] = {INT8OID, INT8OID, TEXTOID};
	Datum		values[3];
	CustomerStatus target = change->target;
	CustomerStatus current = STATUS_NONE;
	bool		changed = false;
	bool		probed = false;
	bool		absent = false;
	Oid			actor = OidIsValid(change->actor) ? change->actor : GetUserId();
	CoworkUserSwitch sw;

	Assert(target != STATUS_NONE);

	/* The hot path of completed actions: a probe, and nothing to do. */
	if (change->soft &&
		read_status_direct(change->location_id, change->person_id, &current))
	{
		if (current != STATUS_NONE &&
			(current == target || !edge_allowed(current, target, change->cause)))
			return false;
		probed = true;
		absent = (current == STATUS_NONE);
	}

	/* Past the probe: something may change, with the rights asked for. */
	if (OidIsValid(change->run_as))
		CoworkSwitchUser(change->run_as, &sw);

	CoworkSPIConnect();
	values[0] = Int64GetDatum(change->location_id);
	values[1] = Int64GetDatum(change->person_id);
	values[2] = CStringGetTextDatum(status_names[target]);

	CoworkPlan(&read_plan,
			   "SELECT status::pg_catalog.text FROM cowork.customer"
			   " WHERE location_id OPERATOR(pg_catalog.=) $1"
			   " AND person_id OPERATOR(pg_catalog.=) $2",
			   2, argtypes);
	CoworkPlan(&lock_plan,
			   "SELECT status::pg_catalog.text FROM cowork.customer"
			   " WHERE location_id OPERATOR(pg_catalog.=) $1"
			   " AND person_id OPERATOR(pg_catalog.=) $2 FOR UPDATE",
			   2, argtypes);
	CoworkPlan(&insert_plan,
			   "INSERT INTO cowork.customer (location_id, person_id, status)"
			   " VALUES ($1, $2, $3::cowork.customer_status)"
			   " ON CONFLICT (location_id, person_id) DO NOTHING",
			   3, argtypes);
	CoworkPlan(&update_plan,
			   "UPDATE cowork.customer SET status = $3::cowork.customer_status"
			   " WHERE location_id OPERATOR(pg_catalog.=) $1"
			   " AND person_id OPERATOR(pg_catalog.=) $2",
			   3, argtypes);

	if (change->soft && !probed)
	{
		if (CoworkExecute(read_plan, values, NULL, SPI_OK_SELECT, 1) == 1)
		{
			current = CustomerStatusFromName(SPI_getvalue(SPI_tuptable->vals[0],
														  SPI_tuptable->tupdesc, 1));
			if (current == target || !edge_allowed(current, target, change->cause))
			{
				CoworkSPIFinish();
				if (OidIsValid(change->run_as))
					CoworkSwitchBack(&sw);
				return false;
			}
		}
		else
			absent = true;		/* try the insert straight away */
	}

	pending.location_id = change->location_id;
	pending.person_id = change->person_id;
	pending.cause = change->cause;
	pending.detail = change->detail;
	if (pending.detail == NULL && change->describe != NULL)
		pending.detail = change->describe(change->describe_arg);
	pending.source = change->source;
	pending.source_key = change->describe_key ?
		change->describe_key(change->describe_arg) : NULL;
	pending.actor = actor;
	pending.since = change->since;

	PG_TRY();
	{
		for (;;)
		{
			current = STATUS_NONE;
			if (!absent &&
				CoworkExecute(lock_plan, values, NULL, SPI_OK_SELECT, 1) == 1)
				current = CustomerStatusFromName(SPI_getvalue(SPI_tuptable->vals[0],
															  SPI_tuptable->tupdesc, 1));
			absent = false;
			if (current == target)
				break;
			if (change->soft && !edge_allowed(current, target, change->cause))
				break;
			if (current == STATUS_NONE &&
				!edge_allowed(STATUS_NONE, target, change->cause))
				report_unknown_customer(change->location_id, change->person_id);

			/*
			 * The trigger checks again; checking here first raises a refusal
			 * without the internal statement as its context.
			 */
			check_transition(change->location_id, change->person_id,
							 current, target, change->cause);
			pending.active = true;
			if (current != STATUS_NONE)
			{
				CoworkExecute(update_plan, values, NULL, SPI_OK_UPDATE, 0);
				changed = true;
				break;
			}
			if (CoworkExecute(insert_plan, values, NULL, SPI_OK_INSERT, 0) == 1)
			{
				changed = true;
				break;
			}
			/* A concurrent transaction created the row: lock it, look again. */
			pending.active = false;
		}
	}
	PG_FINALLY();
	{
		pending.active = false;
	}
	PG_END_TRY();

	CoworkSPIFinish();
	if (OidIsValid(change->run_as))
		CoworkSwitchBack(&sw);
	return changed;
}

/*
 * BEFORE UPDATE OR DELETE FOR EACH ROW and BEFORE TRUNCATE on a table whose
 * rows are never rewritten or removed: refuse.  The trigger's first argument,
 * if any, is the error's detail.  Enabled ALWAYS on the event log, so that
 * replicas and restores cannot rewrite history either.
 */
Datum
cowork_append_only_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	const char *what;
	Trigger    *trigger;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "cowork_append_only_trigger: not called by trigger manager");

	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
		what = "UPDATE";
	else if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		what = "DELETE";
	else if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
		what = "TRUNCATE";
	else
		elog(ERROR, "cowork_append_only_trigger: must fire BEFORE UPDATE, DELETE or TRUNCATE");

	trigger = trigdata->tg_trigger;
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("%s of table \"%s\" is not allowed",
					what, RelationGetRelationName(trigdata->tg_relation)),
			 trigger->tgnargs > 0 ? errdetail("%s", trigger->tgargs[0]) : 0));
	PG_RETURN_NULL();			/* keep compiler quiet */
}
