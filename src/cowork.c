/*-------------------------------------------------------------------------
 *
 * cowork.c
 *	  Module entry and the small SPI helpers shared by the other files:
 *	  cached plans, checked execution, and the look-ups error messages use.
 *
 * Every statement the extension runs is schema-qualified and uses
 * OPERATOR(pg_catalog.=), so no search_path can redirect it.  Plans are
 * prepared once per backend, generic, and kept (SPI_keepplan); the plan
 * cache revalidates them after DDL.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_enum.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "cowork.h"

PG_MODULE_MAGIC;

/* The search_path of sections run with an owner's rights. */
#define COWORK_SAFE_SEARCH_PATH "pg_catalog, pg_temp"

/* SPI_connect, or raise. */
void
CoworkSPIConnect(void)
{
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cowork: SPI_connect failed");
}

/* SPI_finish, or raise. */
void
CoworkSPIFinish(void)
{
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "cowork: SPI_finish failed");
}

/*
 * Return the plan cached in *cache, preparing and keeping it on first use.
 */
SPIPlanPtr
CoworkPlan(SPIPlanPtr *cache, const char *sql, int nargs, Oid *argtypes)
{
	if (*cache == NULL)
	{
		/*
		 * Generic plans: every statement here is planned for any parameter
		 * value (key probes, or index scans up to a LIMIT), and re-planning
		 * each call for the values would cost more than running it.
		 */
		SPIPlanPtr	plan = SPI_prepare_cursor(sql, nargs, argtypes,
											  CURSOR_OPT_GENERIC_PLAN);

		if (plan == NULL)
			elog(ERROR, "cowork: SPI_prepare failed for \"%s\": %s",
				 sql, SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "cowork: SPI_keepplan failed");
		*cache = plan;
	}
	return *cache;
}

/*
 * Execute a kept plan, check that SPI returned the expected code, and
 * return the number of rows processed.
 */
int
CoworkExecute(SPIPlanPtr plan, Datum *values, const char *nulls,
			  int expected, long tcount)
{
	int			rc = SPI_execute_plan(plan, values, nulls, false, tcount);

	if (rc != expected)
		elog(ERROR, "cowork: SPI_execute_plan returned %s, expected %s",
			 SPI_result_code_string(rc), SPI_result_code_string(expected));
	return (int) SPI_processed;
}

/*
 * Run a kept statement whose two parameters are bigints ($1, $2: a location
 * and a key within it), preparing it on first use; checks the SPI code and
 * returns the number of rows processed.
 */
int
CoworkExecuteKey(SPIPlanPtr *cache, const char *sql, int64 first, int64 second,
				 int expected, long tcount)
{
	Oid			argtypes[2] = {INT8OID, INT8OID};
	Datum		values[2] = {Int64GetDatum(first), Int64GetDatum(second)};

	CoworkPlan(cache, sql, 2, argtypes);
	return CoworkExecute(*cache, values, NULL, expected, tcount);
}

/*
 * Run a kept one-parameter query (preparing it on first use) and return the
 * first column of its first row as text, or NULL when there is no row.  The
 * result lives in the current SPI memory context.
 */
char *
CoworkLookupText(SPIPlanPtr *cache, const char *sql, Oid argtype, Datum arg)
{
	Oid			argtypes[1] = {argtype};
	Datum		values[1] = {arg};

	CoworkPlan(cache, sql, 1, argtypes);
	if (CoworkExecute(*cache, values, NULL, SPI_OK_SELECT, 1) == 0)
		return NULL;
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

/* The name of a location, or NULL when there is no such location. */
char *
CoworkLocationName(int64 location_id)
{
	static SPIPlanPtr plan = NULL;

	return CoworkLookupText(&plan,
							"SELECT name FROM cowork.location"
							" WHERE location_id OPERATOR(pg_catalog.=) $1",
							INT8OID, Int64GetDatum(location_id));
}

/* The email of a person, or NULL when there is no such person. */
char *
CoworkPersonEmail(int64 person_id)
{
	static SPIPlanPtr plan = NULL;

	return CoworkLookupText(&plan,
							"SELECT email FROM cowork.person"
							" WHERE person_id OPERATOR(pg_catalog.=) $1",
							INT8OID, Int64GetDatum(person_id));
}

/*
 * Raise 22004 naming the first of the first nargs arguments that is NULL;
 * for the functions whose arguments are all required.
 */
void
CoworkRequireArgs(FunctionCallInfo fcinfo, const char *const *names, int nargs)
{
	for (int i = 0; i < nargs; i++)
	{
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not be null", names[i])));
	}
}

/*
 * The owner of table cowork.<relname>: the role as whom the extension writes
 * what callers may not write themselves (the event log, statuses changed by
 * completed actions).
 */
Oid
CoworkTableOwner(const char *relname)
{
	Oid			relid = get_relname_relid(relname,
										  get_namespace_oid("cowork", false));
	HeapTuple	tup;
	Oid			owner;

	if (!OidIsValid(relid))
		elog(ERROR, "cowork: table cowork.%s is missing", relname);
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cowork: cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/*
 * Act with the rights of role (the owner of one of cowork's tables) until
 * CoworkSwitchBack(): for the extension's own records (the event log, the
 * queue of pending ends, the credit ledger, statuses changed by completed
 * actions), which callers may read but not write.
 *
 * Entered the way core enters its maintenance commands (VACUUM, REFRESH
 * MATERIALIZED VIEW, index builds) on behalf of a table owner: as a
 * security-restricted operation (no SET ROLE, no temporary objects, nothing
 * the caller could leave behind to run later with these rights), in a new
 * GUC nest level whose search_path is "pg_catalog, pg_temp", so that no
 * type, function or operator the caller created (in pg_temp, or in a schema
 * it put before pg_catalog) can be picked up by a statement run with the
 * owner's rights.  Every statement run here also names its objects
 * schema-qualified.  An error on the way restores both (transaction or
 * subtransaction abort resets the user and unwinds the GUC nest levels).
 */
void
CoworkSwitchUser(Oid role, CoworkUserSwitch *sw)
{
	GetUserIdAndSecContext(&sw->save_userid, &sw->save_sec_context);

	/*
	 * Already there (the event log written inside a status change that a
	 * completed action makes with the same owner's rights): nothing to do.
	 */
	sw->nested = (sw->save_userid == role &&
				  InSecurityRestrictedOperation() &&
				  strcmp(namespace_search_path, COWORK_SAFE_SEARCH_PATH) == 0);
	if (sw->nested)
		return;
	SetUserIdAndSecContext(role, sw->save_sec_context |
						   SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	sw->save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", COWORK_SAFE_SEARCH_PATH,
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

/* Back to the caller's rights and settings after CoworkSwitchUser(). */
void
CoworkSwitchBack(const CoworkUserSwitch *sw)
{
	if (sw->nested)
		return;
	AtEOXact_GUC(false, sw->save_nestlevel);
	SetUserIdAndSecContext(sw->save_userid, sw->save_sec_context);
}

/* The label of an enum value, palloc'd. */
char *
CoworkEnumLabel(Datum value)
{
	HeapTuple	tup = SearchSysCache1(ENUMOID, value);
	char	   *label;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cowork: cache lookup failed for enum value %u",
			 DatumGetObjectId(value));
	label = pstrdup(NameStr(((Form_pg_enum) GETSTRUCT(tup))->enumlabel));
	ReleaseSysCache(tup);
	return label;
}

/*
 * Whether Citus is loaded in this server (it must be preloaded, so the
 * answer holds for the backend's life).
 */
bool
CoworkCitusLoaded(void)
{
	static int	loaded = -1;

	if (loaded < 0)
	{
		const char *libs = GetConfigOption("shared_preload_libraries", true, false);

		loaded = (libs != NULL && strstr(libs, "citus") != NULL) ? 1 : 0;
	}
	return loaded == 1;
}

/* The OID of an enum type's label, or InvalidOid when it has none such. */
Oid
CoworkEnumValue(Oid enumtype, const char *label)
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

/*
 * Whether column attnum differs between two versions of a row (NULLs
 * compared as values, others binary, as the executor's own checks do).
 */
bool
CoworkColumnChanged(HeapTuple oldtuple, HeapTuple newtuple, TupleDesc tupdesc,
					int attnum)
{
	Form_pg_attribute att = TupleDescAttr(tupdesc, attnum - 1);
	bool		oldnull;
	bool		newnull;
	Datum		oldd = heap_getattr(oldtuple, attnum, tupdesc, &oldnull);
	Datum		newd = heap_getattr(newtuple, attnum, tupdesc, &newnull);

	if (oldnull || newnull)
		return oldnull != newnull;
	return !datumIsEqual(oldd, newd, att->attbyval, att->attlen);
}
