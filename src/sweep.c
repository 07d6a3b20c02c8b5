/*-------------------------------------------------------------------------
 *
 * sweep.c
 *	  Subscriptions and auto-removal (SPEC section 4): the start of a
 *	  membership subscription makes its people members; the end of the last
 *	  one lets auto-removal make them nonmembers.  Here live the
 *	  subscription triggers, end_subscription(), run_auto_remove() and the
 *	  procedure run_maintenance(); every status change goes through the
 *	  transition table (transitions.c).
 *
 * Starts.  A subscription's start is handled once (start_processed_at):
 * at insert when it has started already, else by the first maintenance run
 * that passes it.  Its people (the person, or the company's members who
 * are not removed) become members, the membership dating from starts_at.
 *
 * Ends.  A subscription's end date is queued (cowork.subscription_end_due,
 * kept by the subscription trigger) and handled once, by the first sweep at
 * least the location's grace after it, which deletes it from the queue.
 * At a location whose auto_remove_members is off the sweep puts it on hold
 * instead (out of the queue's index by date); switching the location on
 * releases its held ends (location_switch_trigger), so the outcome never
 * depends on whether a sweep ran while it was off.  A member it
 * covers becomes a nonmember when all of these hold:
 *	- the location has auto_remove_members on, and the member is no admin;
 *	- the subscription ended after their membership began (customer.since):
 *	  so a member restored or invited by hand after it ended stays;
 *	- no membership subscription of theirs or of their company has an end
 *	  later than as_of minus the grace, or none (running, or starting later).
 * Ending early (end_subscription) is just an earlier ends_at: one rule.
 *
 * Concurrency.  A batch (of starts or of ends) takes, for each location it
 * works at, an exclusive transaction-level advisory lock (the location's
 * subscription lock) before it claims anything there, and judges in
 * statements of its own, with fresh snapshots; every writer of a
 * subscription takes the same lock in shared mode (the subscription
 * trigger, end_subscription), and so do remove_member, restore_member and
 * delete_nonmember before they touch anything.  So a subscription
 * committed before the batch's lock is seen by it, and one that waited for
 * the lock comes after the demotion and promotes again: either way a
 * serial order.  Changes made by administrators to the customer row itself
 * are re-checked by the UPDATE (EvalPlanQual).
 *
 * Lock order, the same on every path: the location's subscription lock
 * first, then rows: subscriptions, the queue of pending ends, customers.  A writer holds its shared lock
 * from its first subscription statement to its commit, so a batch must not
 * hold a row a writer may want while it waits for that lock: it takes the
 * locks of the locations where something is due before it claims (rows
 * read without locks tell it which), first without waiting
 * (pg_try_advisory_xact_lock).  A location it cannot lock at once is either
 * held by a writer or by another batch; a probe (a claim rolled back in a
 * subtransaction) tells which: when something there is due that nobody has
 * claimed, the batch waits for the lock, holding no row; otherwise the
 * other batch has it all and this one does not wait.  Claims of starts
 * are FOR UPDATE SKIP LOCKED; a claim of ends deletes (or holds) its queue
 * rows in the same statement, which locks them as well; and a batch claims
 * only where it holds the locations' locks: so concurrent runs share the
 * work and never handle one start or end twice.  An UPDATE of a subscription locks its row before
 * its trigger takes the lock; that is safe because batches never wait for a
 * subscription row.
 *
 * A batch of ends is four statements: find the locations, claim (delete
 * from the queue) there, and one set-based UPDATE, with the reason for each
 * row given by a batch cause (CoworkBeginBatch).  run_maintenance commits
 * after each batch, so a run killed half-way leaves whole batches, and the
 * next run finishes.  Each batch runs in an SPI connection of its own,
 * whose memory (result tables included) is freed when the batch ends, so a
 * run of any length uses the memory of one batch.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "cowork.h"

PG_FUNCTION_INFO_V1(cowork_subscription_check_trigger);
PG_FUNCTION_INFO_V1(cowork_subscription_trigger);
PG_FUNCTION_INFO_V1(cowork_location_switch_trigger);
PG_FUNCTION_INFO_V1(cowork_end_subscription);
PG_FUNCTION_INFO_V1(cowork_run_auto_remove);
PG_FUNCTION_INFO_V1(cowork_run_maintenance);

/* A subscription, as the handling of its start needs it. */
typedef struct Subscription
{
	int64		location_id;
	int64		subscription_id;
	int64		person_id;		/* 0 for a company's */
	int64		company_id;		/* 0 for a person's */
	TimestampTz starts_at;
	bool		grants_membership;
} Subscription;

/* An int8 column of the current SPI row; 0 for NULL. */
static int64
spi_int8(int row, int col)
{
	bool		isnull;
	Datum		value = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc,
									  col, &isnull);

	return isnull ? 0 : DatumGetInt64(value);
}

/* The subscriptions of the current SPI result, copied out of it. */
static Subscription *
spi_subscriptions(int n)
{
	Subscription *subs = palloc(sizeof(Subscription) * Max(n, 1));

	for (int i = 0; i < n; i++)
	{
		bool		isnull;

		subs[i].location_id = spi_int8(i, 1);
		subs[i].subscription_id = spi_int8(i, 2);
		subs[i].person_id = spi_int8(i, 3);
		subs[i].company_id = spi_int8(i, 4);
		subs[i].starts_at = DatumGetTimestampTz(SPI_getbinval(SPI_tuptable->vals[i],
															  SPI_tuptable->tupdesc,
															  5, &isnull));
		subs[i].grants_membership = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[i],
															   SPI_tuptable->tupdesc,
															   6, &isnull));
	}
	return subs;
}

#define SUBSCRIPTION_COLUMNS \
	"s.location_id, s.subscription_id, s.person_id, s.company_id, s.starts_at," \
	" p.grants_membership"

/* The class of cowork's advisory locks (the first key): 'cowk'. */
#define COWORK_LOCK_CLASS	0x636f776b

/*
 * Take the transaction-level advisory lock on the subscriptions of a
 * location: shared for a writer of subscriptions, exclusive for a sweep
 * batch about to judge the location's members.  The second key is the
 * location id folded to 32 bits (two locations may share a lock; that only
 * serialises them more).
 */
void
CoworkLockSubscriptions(int64 location_id, bool exclusive)
{
	Datum		key2 = Int32GetDatum((int32) (location_id ^ (location_id >> 32)));

	if (exclusive)
		DirectFunctionCall2(pg_advisory_xact_lock_int4,
							Int32GetDatum(COWORK_LOCK_CLASS), key2);
	else
		DirectFunctionCall2(pg_advisory_xact_lock_shared_int4,
							Int32GetDatum(COWORK_LOCK_CLASS), key2);
}

/* Take a location's subscription lock exclusively if no one holds it. */
static bool
try_lock_subscriptions(int64 location_id)
{
	Datum		key2 = Int32GetDatum((int32) (location_id ^ (location_id >> 32)));

	return DatumGetBool(DirectFunctionCall2(pg_try_advisory_xact_lock_int4,
											Int32GetDatum(COWORK_LOCK_CLASS), key2));
}

/*
 * The statements with which a batch finds where to work: candidates ($1
 * as_of, $2 limit, $3 locations to leave out) gives the locations of the
 * first limit rows due, in ascending order, read without locks; probe ($1
 * as_of, $2 a location) claims one due row there that nobody holds.
 */
typedef struct BatchQueries
{
	const char *candidates_sql;
	const char *probe_sql;
	SPIPlanPtr	candidates_plan;
	SPIPlanPtr	probe_plan;
} BatchQueries;

/* A growing array of location ids, in the current memory context. */
typedef struct LocationList
{
	int64	   *ids;
	int			n;
	int			size;
} LocationList;

static void
location_list_add(LocationList *list, int64 id)
{
	if (list->n == list->size)
	{
		list->size = Max(list->size * 2, 8);
		list->ids = list->ids ? repalloc(list->ids, sizeof(int64) * list->size) :
			palloc(sizeof(int64) * list->size);
	}
	list->ids[list->n++] = id;
}

/* An int8[] datum of the ids of a list. */
static Datum
location_array(const LocationList *list)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(list->n, 1));

	for (int i = 0; i < list->n; i++)
		elems[i] = Int64GetDatum(list->ids[i]);
	return PointerGetDatum(construct_array(elems, list->n, INT8OID, 8,
										   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * Whether something is due at the location that no one has claimed: the
 * probe claims it in a subtransaction rolled back at once, so it holds no
 * row afterwards and never waits (SKIP LOCKED).
 */
static bool
has_unclaimed(BatchQueries *queries, TimestampTz as_of, int64 location_id)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	Oid			argtypes[2] = {TIMESTAMPTZOID, INT8OID};
	Datum		values[2];
	bool		found = false;

	values[0] = TimestampTzGetDatum(as_of);
	values[1] = Int64GetDatum(location_id);
	CoworkPlan(&queries->probe_plan, queries->probe_sql, 2, argtypes);

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);
	PG_TRY();
	{
		found = CoworkExecute(queries->probe_plan, values, NULL, SPI_OK_SELECT, 1) > 0;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
		ReThrowError(edata);
	}
	PG_END_TRY();
	RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(oldcontext);
	CurrentResourceOwner = oldowner;
	return found;
}

/*
 * Take the exclusive subscription locks of the locations where a batch
 * will claim, before it claims anything, and return them in *locked (none:
 * nothing is due that this batch may take).  Locations in *skipped are left
 * out, and those that another batch has entirely are added to it.
 *
 * Locations free at once are taken (in ascending order, without waiting).
 * When none is, the first busy one where something is due that nobody has
 * claimed is waited for, the batch holding no row meanwhile; a busy
 * location is otherwise left to the batch that holds it.
 */
static void
lock_batch_locations(BatchQueries *queries, TimestampTz as_of, int limit,
					 LocationList *skipped, LocationList *locked)
{
	Oid			argtypes[3] = {TIMESTAMPTZOID, INT4OID, INT8ARRAYOID};
	Datum		values[3];

	locked->n = 0;
	CoworkPlan(&queries->candidates_plan, queries->candidates_sql, 3, argtypes);
	for (;;)
	{
		LocationList busy = {0};
		int			n;

		values[0] = TimestampTzGetDatum(as_of);
		values[1] = Int32GetDatum(limit);
		values[2] = location_array(skipped);
		n = CoworkExecute(queries->candidates_plan, values, NULL, SPI_OK_SELECT, 0);
		if (n == 0)
			return;
		for (int i = 0; i < n; i++)
		{
			int64		location_id = spi_int8(i, 1);

			if (try_lock_subscriptions(location_id))
				location_list_add(locked, location_id);
			else
				location_list_add(&busy, location_id);
		}
		/* Busy locations wait for a later batch, when there is work here. */
		if (locked->n > 0)
			return;
		for (int i = 0; i < busy.n; i++)
		{
			if (has_unclaimed(queries, as_of, busy.ids[i]))
			{
				CoworkLockSubscriptions(busy.ids[i], true);
				location_list_add(locked, busy.ids[i]);
				return;
			}
			location_list_add(skipped, busy.ids[i]);
		}
	}
}

/*
 * Keep the queue of pending ends in step with a subscription's end date:
 * queued (again) when it has one, dropped when it has none.
 */
static void
queue_end(int64 location_id, int64 subscription_id)
{
	static SPIPlanPtr upsert_plan = NULL;
	static SPIPlanPtr delete_plan = NULL;

	if (CoworkExecuteKey(&upsert_plan,
						 "INSERT INTO cowork.subscription_end_due"
						 " (location_id, subscription_id, person_id, company_id, ends_at)"
						 " SELECT location_id, subscription_id, person_id, company_id, ends_at"
						 " FROM cowork.subscription"
						 " WHERE location_id OPERATOR(pg_catalog.=) $1"
						 " AND subscription_id OPERATOR(pg_catalog.=) $2 AND ends_at IS NOT NULL"
						 " ON CONFLICT (location_id, subscription_id)"
						 " DO UPDATE SET ends_at = EXCLUDED.ends_at, on_hold = false",
						 location_id, subscription_id, SPI_OK_INSERT, 0) == 0)
		CoworkExecuteKey(&delete_plan,
						 "DELETE FROM cowork.subscription_end_due"
						 " WHERE location_id OPERATOR(pg_catalog.=) $1"
						 " AND subscription_id OPERATOR(pg_catalog.=) $2",
						 location_id, subscription_id, SPI_OK_DELETE, 0);
}

/*
 * Handle the start of a subscription: its people become members (when the
 * plan grants membership), then the start is marked handled.
 */
static void
process_start(const Subscription *sub)
{
	static SPIPlanPtr people_plan = NULL;
	static SPIPlanPtr mark_plan = NULL;
	Oid			argtypes[2] = {INT8OID, INT8OID};
	Datum		values[2];

	values[0] = Int64GetDatum(sub->location_id);

	if (sub->grants_membership)
	{
		StatusChange change = {0};
		int64	   *people;
		int			n;

		change.location_id = sub->location_id;
		change.target = STATUS_MEMBER;
		change.cause = CAUSE_SUBSCRIPTION;
		change.detail = psprintf(INT64_FORMAT, sub->subscription_id);
		change.since = sub->starts_at;

		if (sub->person_id != 0)
		{
			people = palloc(sizeof(int64));
			people[0] = sub->person_id;
			n = 1;
		}
		else
		{
			/* The company's members who are not removed. */
			values[1] = Int64GetDatum(sub->company_id);
			CoworkPlan(&people_plan,
					   "SELECT person_id FROM cowork.customer"
					   " WHERE location_id OPERATOR(pg_catalog.=) $1"
					   " AND company_id OPERATOR(pg_catalog.=) $2"
					   " AND status OPERATOR(pg_catalog.<>) 'removed'::cowork.customer_status"
					   " ORDER BY person_id",
					   2, argtypes);
			n = CoworkExecute(people_plan, values, NULL, SPI_OK_SELECT, 0);
			people = palloc(sizeof(int64) * Max(n, 1));
			for (int i = 0; i < n; i++)
				people[i] = spi_int8(i, 1);
		}
		for (int i = 0; i < n; i++)
		{
			change.person_id = people[i];
			CoworkSetStatus(&change);
		}
	}

	values[1] = Int64GetDatum(sub->subscription_id);
	CoworkPlan(&mark_plan,
			   "UPDATE cowork.subscription SET start_processed_at = pg_catalog.now()"
			   " WHERE location_id OPERATOR(pg_catalog.=) $1"
			   " AND subscription_id OPERATOR(pg_catalog.=) $2"
			   " AND start_processed_at IS NULL",
			   2, argtypes);
	CoworkExecute(mark_plan, values, NULL, SPI_OK_UPDATE, 0);
}

/*
 * The columns that make a subscription what it is: fixed once it is made.
 * The queue of pending ends keeps a copy of the subscriber, and an end is
 * judged for the people the subscription had; a different subscriber or
 * plan is a new subscription.
 */
static const char *const fixed_columns[] = {
	"location_id", "subscription_id", "plan_id", "person_id", "company_id"
};

/* Raise 55000 when an UPDATE changes one of the fixed columns. */
static void
check_fixed_columns(TupleDesc tupdesc, HeapTuple old, HeapTuple new)
{
	for (int i = 0; i < lengthof(fixed_columns); i++)
	{
		int			att = SPI_fnumber(tupdesc, fixed_columns[i]);
		bool		old_null;
		bool		new_null;
		Datum		old_value;
		Datum		new_value;
		bool		id_null;
		int64		subscription_id;

		if (att <= 0)
			elog(ERROR, "cowork: subscription table has no column \"%s\"",
				 fixed_columns[i]);
		old_value = SPI_getbinval(old, tupdesc, att, &old_null);
		new_value = SPI_getbinval(new, tupdesc, att, &new_null);
		if (old_null == new_null &&
			(old_null || DatumGetInt64(old_value) == DatumGetInt64(new_value)))
			continue;

		subscription_id = DatumGetInt64(SPI_getbinval(old, tupdesc,
													  SPI_fnumber(tupdesc, "subscription_id"),
													  &id_null));
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot change %s of subscription " INT64_FORMAT,
						fixed_columns[i], subscription_id),
				 errdetail("A subscription's location, subscriber and plan are fixed when it is made."),
				 errhint("End it with cowork.end_subscription() and subscribe again.")));
	}
}

/*
 * BEFORE INSERT OR UPDATE FOR EACH ROW on cowork.subscription: an UPDATE
 * keeps its location, subscriber and plan (check_fixed_columns); a
 * subscription that ends when it starts (ended before it began) never
 * starts; its end is handled like any other.
 */
Datum
cowork_subscription_check_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	tupdesc;
	HeapTuple	row;
	bool		starts_null;
	bool		ends_null;
	bool		start_pending;
	Datum		starts_at;
	Datum		ends_at;
	int			start_done_att;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "cowork_subscription_check_trigger: not called by trigger manager");
	if (!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		elog(ERROR, "cowork_subscription_check_trigger: must fire BEFORE INSERT OR UPDATE FOR EACH ROW");
	if (CoworkRestoringRow(trigdata))
		return PointerGetDatum(trigdata->tg_trigtuple);

	tupdesc = RelationGetDescr(trigdata->tg_relation);
	start_done_att = SPI_fnumber(tupdesc, "start_processed_at");
	if (start_done_att <= 0)
		elog(ERROR, "cowork: table \"%s\" is not a subscription table",
			 RelationGetRelationName(trigdata->tg_relation));

	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
		check_fixed_columns(tupdesc, trigdata->tg_trigtuple, trigdata->tg_newtuple);

	row = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ?
		trigdata->tg_newtuple : trigdata->tg_trigtuple;
	starts_at = SPI_getbinval(row, tupdesc, SPI_fnumber(tupdesc, "starts_at"), &starts_null);
	ends_at = SPI_getbinval(row, tupdesc, SPI_fnumber(tupdesc, "ends_at"), &ends_null);
	(void) SPI_getbinval(row, tupdesc, start_done_att, &start_pending);

	if (start_pending && !starts_null && !ends_null &&
		DatumGetTimestampTz(ends_at) <= DatumGetTimestampTz(starts_at))
	{
		/*
		 * Ended before it began: it never starts.  Its end is an end like
		 * any other (the sweep handles it), as one rule wants.
		 */
		Datum		now = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
		bool		isnull = false;

		row = heap_modify_tuple_by_cols(row, tupdesc, 1, &start_done_att, &now, &isnull);
	}
	return PointerGetDatum(row);
}

/* The subscription (location_id, subscription_id) with its plan's flag. */
static Subscription *
fetch_subscription(int64 location_id, int64 subscription_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT8OID, INT8OID};
	Datum		values[2];

	values[0] = Int64GetDatum(location_id);
	values[1] = Int64GetDatum(subscription_id);
	CoworkPlan(&plan,
			   "SELECT " SUBSCRIPTION_COLUMNS ", s.start_processed_at IS NULL"
			   " FROM cowork.subscription s JOIN cowork.plan p"
			   " ON p.location_id OPERATOR(pg_catalog.=) s.location_id"
			   " AND p.plan_id OPERATOR(pg_catalog.=) s.plan_id"
			   " WHERE s.location_id OPERATOR(pg_catalog.=) $1"
			   " AND s.subscription_id OPERATOR(pg_catalog.=) $2",
			   2, argtypes);
	if (CoworkExecute(plan, values, NULL, SPI_OK_SELECT, 1) == 0)
		return NULL;
	return spi_subscriptions(1);
}

/*
 * AFTER INSERT OR UPDATE OF starts_at, ends_at FOR EACH ROW on
 * cowork.subscription: its end date goes to the queue of pending ends; a
 * subscription whose start has come and is not handled yet makes its
 * people members now (a plan that grants no membership: just marked).
 */
Datum
cowork_subscription_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	tupdesc;
	HeapTuple	row;
	Subscription *sub;
	bool		isnull;
	bool		start_pending;
	int64		location_id;
	int64		subscription_id;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "cowork_subscription_trigger: not called by trigger manager");
	if (!TRIGGER_FIRED_AFTER(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		elog(ERROR, "cowork_subscription_trigger: must fire AFTER INSERT OR UPDATE FOR EACH ROW");
	if (CoworkRestoringRow(trigdata))
		return PointerGetDatum(NULL);

	tupdesc = RelationGetDescr(trigdata->tg_relation);
	row = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ?
		trigdata->tg_newtuple : trigdata->tg_trigtuple;
	location_id = DatumGetInt64(SPI_getbinval(row, tupdesc,
											  SPI_fnumber(tupdesc, "location_id"), &isnull));
	subscription_id = DatumGetInt64(SPI_getbinval(row, tupdesc,
												  SPI_fnumber(tupdesc, "subscription_id"), &isnull));

	/* A sweep judging this location's members comes before or after us. */
	CoworkLockSubscriptions(location_id, false);

	CoworkSPIConnect();
	sub = fetch_subscription(location_id, subscription_id);
	start_pending = sub != NULL &&
		DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 7, &isnull));
	if (sub != NULL)
	{
		CoworkUserSwitch sw;

		/* The queue is the extension's bookkeeping: its owner writes it. */
		CoworkSwitchUser(CoworkTableOwner("subscription_end_due"), &sw);
		queue_end(location_id, subscription_id);
		CoworkSwitchBack(&sw);
		if (start_pending && sub->starts_at <= GetCurrentTransactionStartTimestamp())
			process_start(sub);
	}
	CoworkSPIFinish();

	return PointerGetDatum(NULL);
}

/*
 * AFTER UPDATE OF auto_remove_members FOR EACH ROW on cowork.location: a
 * change of the switch takes the location's subscription lock, as a writer
 * of subscriptions does, so that a sweep batch judging the location sees
 * one value throughout (it holds the lock exclusively).  Switched on, the
 * ends that sweeps put on hold while it was off are released: the next
 * sweep judges them by the rule, as if no sweep had run meanwhile.
 */
Datum
cowork_location_switch_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	static SPIPlanPtr release_plan = NULL;
	TupleDesc	tupdesc;
	int			switch_att;
	int			id_att;
	bool		old_null;
	bool		new_null;
	bool		was_on;
	bool		is_on;
	int64		location_id;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "cowork_location_switch_trigger: not called by trigger manager");
	if (!TRIGGER_FIRED_AFTER(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
		elog(ERROR, "cowork_location_switch_trigger: must fire AFTER UPDATE FOR EACH ROW");
	if (CoworkRestoringRow(trigdata))
		return PointerGetDatum(NULL);

	tupdesc = RelationGetDescr(trigdata->tg_relation);
	switch_att = SPI_fnumber(tupdesc, "auto_remove_members");
	id_att = SPI_fnumber(tupdesc, "location_id");
	if (switch_att <= 0 || id_att <= 0)
		elog(ERROR, "cowork: table \"%s\" is not a location table",
			 RelationGetRelationName(trigdata->tg_relation));
	was_on = DatumGetBool(SPI_getbinval(trigdata->tg_trigtuple, tupdesc, switch_att, &old_null));
	is_on = DatumGetBool(SPI_getbinval(trigdata->tg_newtuple, tupdesc, switch_att, &new_null));
	was_on = was_on && !old_null;
	is_on = is_on && !new_null;
	if (was_on == is_on)
		return PointerGetDatum(NULL);
	location_id = DatumGetInt64(SPI_getbinval(trigdata->tg_newtuple, tupdesc, id_att, &new_null));

	/* A sweep batch judging this location's members comes before or after us. */
	CoworkLockSubscriptions(location_id, false);

	if (is_on)
	{
		Oid			argtypes[1] = {INT8OID};
		Datum		values[1] = {Int64GetDatum(location_id)};
		CoworkUserSwitch sw;
		int			rc;

		CoworkSPIConnect();
		/* The queue is the extension's bookkeeping: its owner writes it. */
		CoworkSwitchUser(CoworkTableOwner("subscription_end_due"), &sw);
		CoworkPlan(&release_plan,
				   "UPDATE cowork.subscription_end_due SET on_hold = false"
				   " WHERE location_id OPERATOR(pg_catalog.=) $1 AND on_hold",
				   1, argtypes);

		/*
		 * Every held end, whatever the caller's snapshot: one a batch held
		 * after this transaction's snapshot was taken (REPEATABLE READ) is
		 * released too, or it would wait for the next switch.
		 */
		rc = SPI_execute_snapshot(release_plan, values, NULL, GetLatestSnapshot(),
								  InvalidSnapshot, false, true, 0);
		if (rc != SPI_OK_UPDATE)
			elog(ERROR, "cowork: SPI_execute_snapshot returned %s, expected %s",
				 SPI_result_code_string(rc), SPI_result_code_string(SPI_OK_UPDATE));
		CoworkSwitchBack(&sw);
		CoworkSPIFinish();
	}
	return PointerGetDatum(NULL);
}

/*
 * end_subscription(subscription_id bigint, ends_at timestamptz DEFAULT
 * now()): end a subscription early.  Exactly like reaching that end date
 * (the sweep handles it); one ended before its start never starts.  Takes
 * the location's subscription lock before the subscription's row, in the
 * order every path takes them.
 */
Datum
cowork_end_subscription(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr find_plan = NULL;
	static SPIPlanPtr lock_plan = NULL;
	static SPIPlanPtr update_plan = NULL;
	static const char *const argnames[] = {"subscription_id", "ends_at"};
	Oid			argtypes[3] = {INT8OID, INT8OID, TIMESTAMPTZOID};
	Datum		values[3];
	bool		isnull;
	int64		subscription_id;
	int64		location_id = 0;
	TimestampTz ends_at;
	TimestampTz starts_at;
	TimestampTz current_end;
	bool		open_ended;
	bool		found;

	CoworkRequireRowArg(fcinfo, 0, "subscription", COWORK_ACCESS_ADMIN);
	CoworkRequireArgs(fcinfo, argnames, 2);
	subscription_id = PG_GETARG_INT64(0);
	ends_at = PG_GETARG_TIMESTAMPTZ(1);

	CoworkSPIConnect();
	/* Its location (which never changes), then the lock, then the row. */
	CoworkPlan(&find_plan,
			   "SELECT location_id FROM cowork.subscription"
			   " WHERE subscription_id OPERATOR(pg_catalog.=) $1",
			   1, argtypes);
	values[0] = Int64GetDatum(subscription_id);
	found = CoworkExecute(find_plan, values, NULL, SPI_OK_SELECT, 1) == 1;
	if (found)
	{
		location_id = spi_int8(0, 1);
		CoworkLockSubscriptions(location_id, false);
		found = CoworkExecuteKey(&lock_plan,
								 "SELECT starts_at, ends_at FROM cowork.subscription"
								 " WHERE location_id OPERATOR(pg_catalog.=) $1"
								 " AND subscription_id OPERATOR(pg_catalog.=) $2 FOR UPDATE",
								 location_id, subscription_id, SPI_OK_SELECT, 1) == 1;
	}
	if (!found)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("subscription " INT64_FORMAT " does not exist",
						subscription_id)));
	starts_at = DatumGetTimestampTz(SPI_getbinval(SPI_tuptable->vals[0],
												  SPI_tuptable->tupdesc, 1, &isnull));
	current_end = DatumGetTimestampTz(SPI_getbinval(SPI_tuptable->vals[0],
													SPI_tuptable->tupdesc, 2, &open_ended));
	if (!open_ended && current_end <= GetCurrentTransactionStartTimestamp())
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("subscription " INT64_FORMAT " has ended already",
						subscription_id),
				 errdetail("It ended at %s.", timestamptz_to_str(current_end))));

	/* Ended before it starts: it never runs. */
	if (ends_at < starts_at)
		ends_at = starts_at;

	values[0] = Int64GetDatum(location_id);
	values[1] = Int64GetDatum(subscription_id);
	values[2] = TimestampTzGetDatum(ends_at);
	CoworkPlan(&update_plan,
			   "UPDATE cowork.subscription SET ends_at = $3,"
			   " ended_by = CURRENT_USER, ended_at = pg_catalog.now()"
			   " WHERE location_id OPERATOR(pg_catalog.=) $1"
			   " AND subscription_id OPERATOR(pg_catalog.=) $2",
			   3, argtypes);
	CoworkExecute(update_plan, values, NULL, SPI_OK_UPDATE, 0);
	CoworkSPIFinish();
	PG_RETURN_VOID();
}

/* Where starts are due: the subscriptions not started yet, by start. */
static BatchQueries start_queries = {
	"SELECT DISTINCT d.location_id FROM ("
	" SELECT s.location_id FROM cowork.subscription s"
	" WHERE s.start_processed_at IS NULL AND s.starts_at OPERATOR(pg_catalog.<=) $1"
	" AND s.location_id OPERATOR(pg_catalog.<>) ALL ($3)"
	" ORDER BY s.starts_at LIMIT $2) d ORDER BY 1",
	"SELECT 1 FROM cowork.subscription s"
	" WHERE s.start_processed_at IS NULL AND s.starts_at OPERATOR(pg_catalog.<=) $1"
	" AND s.location_id OPERATOR(pg_catalog.=) $2"
	" ORDER BY s.starts_at LIMIT 1 FOR UPDATE SKIP LOCKED",
	NULL, NULL
};

/*
 * Handle the starts that have come by as_of, at most limit of them;
 * returns how many subscriptions were handled.  Skips those another run
 * holds.  Runs in an SPI connection of its own: what it allocates is freed
 * when it returns.
 */
static int
start_batch(TimestampTz as_of, int limit)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[3] = {TIMESTAMPTZOID, INT4OID, INT8ARRAYOID};
	Datum		values[3];
	LocationList skipped = {0};
	LocationList locked = {0};
	Subscription *subs;
	int			n = 0;

	CoworkSPIConnect();
	CoworkPlan(&plan,
			   "SELECT " SUBSCRIPTION_COLUMNS
			   " FROM cowork.subscription s JOIN cowork.plan p"
			   " ON p.location_id OPERATOR(pg_catalog.=) s.location_id"
			   " AND p.plan_id OPERATOR(pg_catalog.=) s.plan_id"
			   " WHERE s.start_processed_at IS NULL AND s.starts_at OPERATOR(pg_catalog.<=) $1"
			   " AND s.location_id OPERATOR(pg_catalog.=) ANY ($3)"
			   " ORDER BY s.starts_at LIMIT $2 FOR UPDATE OF s SKIP LOCKED",
			   3, argtypes);
	for (;;)
	{
		/* 1. The locations' subscription locks, before any row. */
		lock_batch_locations(&start_queries, as_of, limit, &skipped, &locked);
		if (locked.n == 0)
			break;

		/* 2. Claim the due starts there that no other run holds. */
		values[0] = TimestampTzGetDatum(as_of);
		values[1] = Int32GetDatum(limit);
		values[2] = location_array(&locked);
		n = CoworkExecute(plan, values, NULL, SPI_OK_SELECT, 0);
		if (n > 0)
			break;
		/* Nothing left there (handled meanwhile): look elsewhere. */
		for (int i = 0; i < locked.n; i++)
			location_list_add(&skipped, locked.ids[i]);
	}

	/* 3. Their people become members. */
	subs = spi_subscriptions(n);
	for (int i = 0; i < n; i++)
		process_start(&subs[i]);
	CoworkSPIFinish();
	return n;
}

/*
 * The ends a batch handles, by person and by company: which subscription's
 * end demotes a customer (the latest-ending that covers them).
 */
typedef struct EndKey
{
	int64		location_id;
	int64		id;				/* person_id or company_id */
} EndKey;

typedef struct EndEntry
{
	EndKey		key;
	int64		subscription_id;
	TimestampTz ends_at;
} EndEntry;

typedef struct BatchEnds
{
	HTAB	   *by_person;
	HTAB	   *by_company;
	char		detail[32];
} BatchEnds;

static void
note_end(HTAB *map, int64 location_id, int64 id, int64 subscription_id,
		 TimestampTz ends_at)
{
	EndKey		key = {location_id, id};
	bool		found;
	EndEntry   *e = hash_search(map, &key, HASH_ENTER, &found);

	if (!found || ends_at > e->ends_at)
	{
		e->subscription_id = subscription_id;
		e->ends_at = ends_at;
	}
}

/* BatchDetailFn: the subscription whose end demotes this customer. */
static const char *
demotion_detail(int64 location_id, int64 person_id, int64 company_id, void *arg)
{
	BatchEnds  *ends = (BatchEnds *) arg;
	EndKey		pkey = {location_id, person_id};
	EndKey		ckey = {location_id, company_id};
	EndEntry   *p = hash_search(ends->by_person, &pkey, HASH_FIND, NULL);
	EndEntry   *c = company_id ? hash_search(ends->by_company, &ckey, HASH_FIND, NULL) : NULL;
	EndEntry   *e = (p && (!c || p->ends_at >= c->ends_at)) ? p : c;

	if (e == NULL)
		return NULL;
	snprintf(ends->detail, sizeof(ends->detail), INT64_FORMAT, e->subscription_id);
	return ends->detail;
}

static HTAB *
end_map(const char *name, int n)
{
	HASHCTL		ctl;

	ctl.keysize = sizeof(EndKey);
	ctl.entrysize = sizeof(EndEntry);
	ctl.hcxt = CurrentMemoryContext;
	return hash_create(name, Max(n, 16), &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/*
 * Where ends are due: the queue, by end date, each location's grace after.
 * The grace is a subquery per row, so that the plan reads the queue's index
 * in order and stops at the limit.
 */
static BatchQueries end_queries = {
	"SELECT DISTINCT d.location_id FROM ("
	" SELECT q.location_id FROM cowork.subscription_end_due q"
	" WHERE q.ends_at OPERATOR(pg_catalog.<=) $1 AND NOT q.on_hold"
	" AND q.location_id OPERATOR(pg_catalog.<>) ALL ($3)"
	" AND q.ends_at OPERATOR(pg_catalog.<=) ($1 OPERATOR(pg_catalog.-)"
	"  (SELECT l.auto_remove_grace FROM cowork.location l"
	"   WHERE l.location_id OPERATOR(pg_catalog.=) q.location_id))"
	" ORDER BY q.ends_at LIMIT $2) d ORDER BY 1",
	"SELECT 1 FROM cowork.subscription_end_due q"
	" WHERE q.location_id OPERATOR(pg_catalog.=) $2"
	" AND q.ends_at OPERATOR(pg_catalog.<=) $1 AND NOT q.on_hold"
	" AND q.ends_at OPERATOR(pg_catalog.<=) ($1 OPERATOR(pg_catalog.-)"
	"  (SELECT l.auto_remove_grace FROM cowork.location l"
	"   WHERE l.location_id OPERATOR(pg_catalog.=) $2))"
	" ORDER BY q.ends_at LIMIT 1 FOR UPDATE OF q SKIP LOCKED",
	NULL, NULL
};

/*
 * Handle the ends due by as_of, at most limit of them; returns how many
 * were claimed, and adds the members demoted to *moved.  Runs in an SPI
 * connection of its own: what it allocates is freed when it returns.
 */
static int
end_batch(TimestampTz as_of, int limit, int64 *moved)
{
	static SPIPlanPtr claim_plan = NULL;
	static SPIPlanPtr demote_plan = NULL;
	Oid			claim_types[3] = {TIMESTAMPTZOID, INT4OID, INT8ARRAYOID};
	Oid			batch_types[5] = {INT8ARRAYOID, INT8ARRAYOID, INT8ARRAYOID,
	TIMESTAMPTZARRAYOID, TIMESTAMPTZOID};
	Datum		values[5];
	Datum	   *locations;
	Datum	   *persons;
	Datum	   *companies;
	Datum	   *ends_ats;
	LocationList skipped = {0};
	LocationList locked = {0};
	BatchEnds	ends;
	int			n = 0;
	int			grants = 0;

	CoworkSPIConnect();
	CoworkPlan(&claim_plan,
			   "WITH claimed AS ("
			   "  SELECT q.ctid AS queued, q.location_id, q.subscription_id, q.person_id,"
			   "   q.company_id, q.ends_at, COALESCE(p.grants_membership, false) AS grants,"
			   "   l.auto_remove_members AS active"
			   "  FROM cowork.subscription_end_due q"
			   "  JOIN cowork.location l ON l.location_id OPERATOR(pg_catalog.=) q.location_id"
			   "  LEFT JOIN cowork.subscription s ON s.location_id OPERATOR(pg_catalog.=) q.location_id"
			   "   AND s.subscription_id OPERATOR(pg_catalog.=) q.subscription_id"
			   "  LEFT JOIN cowork.plan p ON p.location_id OPERATOR(pg_catalog.=) s.location_id"
			   "   AND p.plan_id OPERATOR(pg_catalog.=) s.plan_id"
			   "  WHERE q.ends_at OPERATOR(pg_catalog.<=) $1 AND NOT q.on_hold"
			   "   AND q.ends_at OPERATOR(pg_catalog.<=) ($1 OPERATOR(pg_catalog.-) l.auto_remove_grace)"
			   "   AND q.location_id OPERATOR(pg_catalog.=) ANY ($3)"
			   "  ORDER BY q.ends_at LIMIT $2),"
			   " handled AS ("
			   "  DELETE FROM cowork.subscription_end_due"
			   "  WHERE ctid OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT queued FROM claimed WHERE active))),"
			   " held AS ("
			   "  UPDATE cowork.subscription_end_due SET on_hold = true"
			   "  WHERE ctid OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT queued FROM claimed WHERE NOT active)))"
			   " SELECT location_id, subscription_id, person_id, company_id, ends_at, grants AND active"
			   " FROM claimed",
			   3, claim_types);
	for (;;)
	{
		/* 1. The locations' subscription locks, before any row. */
		lock_batch_locations(&end_queries, as_of, limit, &skipped, &locked);
		if (locked.n == 0)
			break;

		/*
		 * 2. Claim the due ends there: deleting them from the queue is also
		 * marking them handled, committed with the batch.  No other batch
		 * claims there meanwhile (the locations' locks), and the DELETE
		 * locks the rows, so another batch's probe (SKIP LOCKED) passes
		 * them by: no FOR UPDATE, which would write every row once more.  At a location whose auto_remove_members is off they are
		 * put on hold instead, out of the way of later sweeps until the
		 * switch is on again (location_switch_trigger releases them).
		 */
		values[0] = TimestampTzGetDatum(as_of);
		values[1] = Int32GetDatum(limit);
		values[2] = location_array(&locked);
		n = CoworkExecute(claim_plan, values, NULL, SPI_OK_SELECT, 0);
		if (n > 0)
			break;
		/* Nothing left there (handled meanwhile): look elsewhere. */
		for (int i = 0; i < locked.n; i++)
			location_list_add(&skipped, locked.ids[i]);
	}
	if (n == 0)
	{
		CoworkSPIFinish();
		return 0;
	}

	ends.by_person = end_map("cowork ends by person", n);
	ends.by_company = end_map("cowork ends by company", n);
	locations = palloc(sizeof(Datum) * n);
	persons = palloc(sizeof(Datum) * n);
	companies = palloc(sizeof(Datum) * n);
	ends_ats = palloc(sizeof(Datum) * n);
	for (int i = 0; i < n; i++)
	{
		bool		isnull;
		int64		location_id = spi_int8(i, 1);
		int64		subscription_id = spi_int8(i, 2);
		TimestampTz ends_at = DatumGetTimestampTz(SPI_getbinval(SPI_tuptable->vals[i],
																SPI_tuptable->tupdesc, 5,
																&isnull));

		if (!DatumGetBool(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 6, &isnull)))
			continue;			/* a product, a subscription since deleted, or held */
		/* What the demotion needs of each end; 0 matches no id. */
		locations[grants] = Int64GetDatum(location_id);
		persons[grants] = Int64GetDatum(spi_int8(i, 3));
		companies[grants] = Int64GetDatum(spi_int8(i, 4));
		ends_ats[grants] = TimestampTzGetDatum(ends_at);
		grants++;
		if (spi_int8(i, 3) != 0)
			note_end(ends.by_person, location_id, spi_int8(i, 3), subscription_id, ends_at);
		else
			note_end(ends.by_company, location_id, spi_int8(i, 4), subscription_id, ends_at);
	}

	if (grants > 0)
	{
		/*
		 * 3. With a fresh snapshot, demote in one statement the members whose
		 * conditions hold: the triggers check each change and log it with the
		 * subscription whose end caused it.
		 */
		values[0] = PointerGetDatum(construct_array(locations, grants, INT8OID, 8,
													FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		values[1] = PointerGetDatum(construct_array(persons, grants, INT8OID, 8,
													FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		values[2] = PointerGetDatum(construct_array(companies, grants, INT8OID, 8,
													FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		values[3] = PointerGetDatum(construct_array(ends_ats, grants, TIMESTAMPTZOID, 8,
													FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		values[4] = TimestampTzGetDatum(as_of);
		CoworkPlan(&demote_plan,
				   "WITH due AS ("
				   "  SELECT * FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2),"
				   "   pg_catalog.unnest($3), pg_catalog.unnest($4))"
				   "   AS d(location_id, person_id, company_id, ends_at)),"
				   " matched AS ("
				   "  SELECT d.location_id, d.person_id, d.ends_at"
				   "  FROM due d WHERE d.person_id OPERATOR(pg_catalog.<>) 0"
				   "  UNION ALL"
				   "  SELECT c.location_id, c.person_id, d.ends_at"
				   "  FROM due d JOIN cowork.customer c ON c.location_id OPERATOR(pg_catalog.=) d.location_id"
				   "   AND c.company_id OPERATOR(pg_catalog.=) d.company_id"
				   "  WHERE d.company_id OPERATOR(pg_catalog.<>) 0),"
				   " covered AS ("
				   "  SELECT location_id, person_id, pg_catalog.max(ends_at) AS ends_at"
				   "  FROM matched GROUP BY location_id, person_id)"
				   " UPDATE cowork.customer c"
				   " SET status = 'nonmember'::cowork.customer_status"
				   " FROM covered v, cowork.location l"
				   " WHERE c.location_id OPERATOR(pg_catalog.=) v.location_id"
				   " AND c.person_id OPERATOR(pg_catalog.=) v.person_id"
				   " AND l.location_id OPERATOR(pg_catalog.=) c.location_id"
				   " AND l.auto_remove_members"
				   " AND c.status OPERATOR(pg_catalog.=) 'member'::cowork.customer_status"
				   " AND NOT c.is_admin"
				   " AND v.ends_at OPERATOR(pg_catalog.>) c.since"
				   " AND NOT EXISTS (SELECT 1 FROM cowork.subscription s2 JOIN cowork.plan p2"
				   "   ON p2.location_id OPERATOR(pg_catalog.=) s2.location_id"
				   "   AND p2.plan_id OPERATOR(pg_catalog.=) s2.plan_id AND p2.grants_membership"
				   "   WHERE s2.location_id OPERATOR(pg_catalog.=) c.location_id"
				   "   AND s2.person_id OPERATOR(pg_catalog.=) c.person_id"
				   "   AND (s2.ends_at IS NULL OR s2.ends_at OPERATOR(pg_catalog.>)"
				   "        ($5 OPERATOR(pg_catalog.-) l.auto_remove_grace)))"
				   " AND NOT EXISTS (SELECT 1 FROM cowork.subscription s3 JOIN cowork.plan p3"
				   "   ON p3.location_id OPERATOR(pg_catalog.=) s3.location_id"
				   "   AND p3.plan_id OPERATOR(pg_catalog.=) s3.plan_id AND p3.grants_membership"
				   "   WHERE s3.location_id OPERATOR(pg_catalog.=) c.location_id"
				   "   AND s3.company_id OPERATOR(pg_catalog.=) c.company_id"
				   "   AND (s3.ends_at IS NULL OR s3.ends_at OPERATOR(pg_catalog.>)"
				   "        ($5 OPERATOR(pg_catalog.-) l.auto_remove_grace)))",
				   5, batch_types);
		CoworkBeginBatch(CAUSE_AUTO_REMOVE, demotion_detail, &ends);
		PG_TRY();
		{
			*moved += CoworkExecute(demote_plan, values, NULL, SPI_OK_UPDATE, 0);
			/* The events of the batch's changes, in one statement. */
			CoworkFlushBatch();
		}
		PG_FINALLY();
		{
			CoworkEndBatch();
		}
		PG_END_TRY();
	}

	CoworkSPIFinish();			/* frees the maps and arrays with the rest */
	return n;
}

/*
 * The sweep judges with a fresh snapshot per statement, taken after its
 * locks: READ COMMITTED.  With a transaction snapshot it could miss a
 * subscription committed just before its lock, so it refuses to run.
 */
static void
require_read_committed(const char *what)
{
	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("%s must run at the READ COMMITTED isolation level", what),
				 errdetail("It judges each batch with a snapshot taken after its locks."),
				 errhint("Run it in a transaction of its own, or SET TRANSACTION ISOLATION LEVEL READ COMMITTED.")));
}

/* Raise 22023 for a batch size that is not positive. */
static void
check_batch_size(int batch_size)
{
	if (batch_size <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("batch_size must be positive, not %d", batch_size)));
}

/*
 * run_auto_remove(as_of timestamptz DEFAULT now()) returns bigint: every
 * due end, in this transaction; how many members became nonmembers.
 */
Datum
cowork_run_auto_remove(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"as_of"};
	TimestampTz as_of;
	int64		moved = 0;

	CoworkRequireEveryLocation(fcinfo, COWORK_ACCESS_ADMIN);
	CoworkRequireArgs(fcinfo, argnames, 1);
	require_read_committed("cowork.run_auto_remove()");
	as_of = PG_GETARG_TIMESTAMPTZ(0);
	while (end_batch(as_of, 10000, &moved) > 0)
		CHECK_FOR_INTERRUPTS();
	PG_RETURN_INT64(moved);
}

/*
 * CALL run_maintenance(as_of timestamptz DEFAULT now(), batch_size integer
 * DEFAULT 1000): the starts that have come, then the due ends, batch_size
 * subscriptions at a time, each batch committed.  Inside a transaction
 * block (where it cannot commit) it does the same in that transaction.
 * Says what it did in a NOTICE, when it did anything.
 */
Datum
cowork_run_maintenance(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"as_of", "batch_size"};
	TimestampTz as_of;
	int			batch_size;
	bool		nonatomic;
	int64		started = 0;
	int64		moved = 0;
	int			n;
	MemoryContext batch_context;
	MemoryContext oldcontext;

	CoworkRequireEveryLocation(fcinfo, COWORK_ACCESS_ADMIN);
	CoworkRequireArgs(fcinfo, argnames, 2);
	as_of = PG_GETARG_TIMESTAMPTZ(0);
	batch_size = PG_GETARG_INT32(1);
	check_batch_size(batch_size);
	require_read_committed("cowork.run_maintenance()");

	/*
	 * This connection is for the commits.  Each batch runs in an SPI
	 * connection of its own (its memory freed when it ends), and each batch
	 * and its commit in a memory context reset after it: a commit made by
	 * SPI_commit() leaves a little in the caller's context (the list of
	 * dropped statistics, pgstat_get_transactional_drops).  So a run uses the
	 * memory of one batch however many there are.
	 */
	nonatomic = fcinfo->context && IsA(fcinfo->context, CallContext) &&
		!castNode(CallContext, fcinfo->context)->atomic;
	if (SPI_connect_ext(nonatomic ? SPI_OPT_NONATOMIC : 0) != SPI_OK_CONNECT)
		elog(ERROR, "cowork: SPI_connect failed");
	batch_context = AllocSetContextCreate(CurrentMemoryContext, "cowork maintenance batch",
										  ALLOCSET_SMALL_SIZES);
	oldcontext = MemoryContextSwitchTo(batch_context);

	do
	{
		n = start_batch(as_of, batch_size);
		started += n;
		if (nonatomic)
			SPI_commit();
		MemoryContextReset(batch_context);
		CHECK_FOR_INTERRUPTS();
	} while (n > 0);

	do
	{
		n = end_batch(as_of, batch_size, &moved);
		if (nonatomic)
			SPI_commit();
		MemoryContextReset(batch_context);
		CHECK_FOR_INTERRUPTS();
	} while (n > 0);

	MemoryContextSwitchTo(oldcontext);
	CoworkSPIFinish();
	if (started > 0 || moved > 0)
		ereport(NOTICE,
				(errmsg("cowork maintenance: " INT64_FORMAT " subscription starts handled, " INT64_FORMAT " members auto-removed",
						started, moved)));
	PG_RETURN_VOID();
}
