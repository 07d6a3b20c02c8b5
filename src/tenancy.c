/*-------------------------------------------------------------------------
 *
 * tenancy.c
 *	  Who may see and change which location: the access a role has
 *	  (cowork.location_access, kept by grant_access and revoke_access), the
 *	  one check every SQL-callable function makes before it reads or writes
 *	  (CoworkRequireAccess and its two variants), and the arrays of location
 *	  ids the row-level security policies compare a row's location_id with
 *	  (accessible_locations).
 *
 * A role has the access granted to it or to any role whose privileges it
 * inherits (has_privs_of_role, as PostgreSQL's own GRANTs work); an access
 * row whose location_id is NULL gives that access at every location.
 * Superusers and the roles that have the privileges of the extension's
 * owner (the owner of cowork.location_access) are not restricted: for them
 * row-level security does not apply either (table owners are exempt unless
 * FORCE ROW LEVEL SECURITY, which the extension does not set).
 *
 * What a role has is worked out once per transaction and role (a scan of
 * cowork.location_access, and of cowork.location for a role with access to
 * every location) and kept until the transaction ends or one of those
 * tables changes (their statement trigger sends a relcache invalidation,
 * which also reaches this backend's later commands and a rolled-back
 * subtransaction) or a role membership changes.  A check then costs a hash
 * look-up and a binary search.  The scans read the tables directly (no
 * SPI, no user switch, no permission check, no row-level security: the
 * policies call this code), except under Citus, where the tables' rows live
 * in shards and only SPI, which Citus routes, can read them.
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
#include "catalog/pg_class.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "cowork.h"

PG_FUNCTION_INFO_V1(cowork_accessible_locations);
PG_FUNCTION_INFO_V1(cowork_has_access);
PG_FUNCTION_INFO_V1(cowork_require_access);
PG_FUNCTION_INFO_V1(cowork_grant_access);
PG_FUNCTION_INFO_V1(cowork_revoke_access);
PG_FUNCTION_INFO_V1(cowork_access_changed_trigger);

/* One location a role has access to, and the highest access it has there. */
typedef struct LocationGrant
{
	int64		location_id;
	CoworkAccess access;
} LocationGrant;

/* What one role may do, as this transaction sees it. */
typedef struct RoleAccess
{
	Oid			roleid;			/* hash key */
	bool		unrestricted;	/* superuser, or has the owner's privileges */
	CoworkAccess every;			/* access at every location */
	int			ngrants;
	LocationGrant *grants;		/* sorted by location_id */
	ArrayType  *arrays[COWORK_ACCESS_ADMIN + 1];	/* built on first use */
} RoleAccess;

/* The cache: its memory, its entries, and what they are valid for. */
static MemoryContext access_context = NULL;
static HTAB *access_cache = NULL;
static LocalTransactionId access_lxid = InvalidLocalTransactionId;
static bool access_stale = true;

/* Every location id, for the roles with access to every location. */
static int64 *all_locations = NULL;
static int	nall_locations = -1;	/* -1: not read yet */

/* What a superuser has: everything, without a look at the tables. */
static RoleAccess superuser_access = {InvalidOid, true, COWORK_ACCESS_ADMIN};

/* The catalog facts the cache rests on. */
static Oid	access_relid = InvalidOid;	/* cowork.location_access */
static Oid	location_relid = InvalidOid;	/* cowork.location */
static Oid	location_pkey = InvalidOid;
static Oid	access_owner = InvalidOid;
static Oid	reader_enum = InvalidOid;
static Oid	admin_enum = InvalidOid;

/* Relcache callback: a change of either table (or any relation) stales it. */
static void
access_relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == access_relid || relid == location_relid)
		access_stale = true;
}

/* Syscache callback: role memberships, or the roles themselves, changed. */
static void
access_syscache_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	access_stale = true;
}

/* The OID of a label of cowork.staff_access. */
static Oid
staff_access_label(Oid typid, const char *label)
{
	Oid			result = CoworkEnumValue(typid, label);

	if (!OidIsValid(result))
		elog(ERROR, "cowork: type cowork.staff_access has no label \"%s\"", label);
	return result;
}

/*
 * Make the cache valid for this transaction: forget everything when the
 * transaction changed or an invalidation came, and look up the catalog
 * facts again.
 */
static void
access_cache_prepare(void)
{
	static bool registered = false;
	Oid			nsp;
	Oid			typid;

	if (!registered)
	{
		CacheRegisterRelcacheCallback(access_relcache_callback, (Datum) 0);
		CacheRegisterSyscacheCallback(AUTHMEMROLEMEM, access_syscache_callback, (Datum) 0);
		CacheRegisterSyscacheCallback(AUTHOID, access_syscache_callback, (Datum) 0);
		access_context = AllocSetContextCreate(TopMemoryContext, "cowork access cache",
											   ALLOCSET_SMALL_SIZES);
		registered = true;
	}
	if (!access_stale && access_cache != NULL && access_lxid == MyProc->lxid)
		return;

	MemoryContextReset(access_context);
	memset(superuser_access.arrays, 0, sizeof(superuser_access.arrays));
	access_cache = NULL;
	all_locations = NULL;
	nall_locations = -1;
	access_stale = false;
	access_lxid = MyProc->lxid;

	nsp = get_namespace_oid("cowork", false);
	access_relid = get_relname_relid("location_access", nsp);
	location_relid = get_relname_relid("location", nsp);
	location_pkey = get_relname_relid("location_pkey", nsp);
	typid = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
							CStringGetDatum("staff_access"), ObjectIdGetDatum(nsp));
	if (!OidIsValid(access_relid) || !OidIsValid(location_relid) ||
		!OidIsValid(location_pkey) || !OidIsValid(typid))
		elog(ERROR, "cowork: cowork.location_access, cowork.location or cowork.staff_access is missing");
	access_owner = CoworkTableOwner("location_access");
	reader_enum = staff_access_label(typid, "reader");
	admin_enum = staff_access_label(typid, "admin");

	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(RoleAccess);
		ctl.hcxt = access_context;
		access_cache = hash_create("cowork access", 16, &ctl,
								   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
}

/* The level a cowork.staff_access value stands for. */
static CoworkAccess
access_of(Datum value)
{
	Oid			label = DatumGetObjectId(value);

	if (label == admin_enum)
		return COWORK_ACCESS_ADMIN;
	if (label == reader_enum)
		return COWORK_ACCESS_READER;
	elog(ERROR, "cowork: unknown staff_access value %u", label);
	return COWORK_ACCESS_NONE;	/* keep compiler quiet */
}

/* The snapshot the scans read with: the statement's, else a fresh one. */
static Snapshot
scan_snapshot(void)
{
	if (ActiveSnapshotSet())
		return RegisterSnapshot(GetActiveSnapshot());
	return RegisterSnapshot(GetLatestSnapshot());
}

/* qsort comparator of LocationGrant by location_id. */
static int
grant_cmp(const void *a, const void *b)
{
	int64		x = ((const LocationGrant *) a)->location_id;
	int64		y = ((const LocationGrant *) b)->location_id;

	return (x > y) - (x < y);
}

/* qsort comparator of int64. */
static int
int64_cmp(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/* Add (location_id or every, access) of a role the user has to *ra. */
static void
add_grant(RoleAccess *ra, int *allocated, bool every, int64 location_id,
		  CoworkAccess access)
{
	if (every)
	{
		ra->every = Max(ra->every, access);
		return;
	}
	if (ra->ngrants == *allocated)
	{
		*allocated = Max(16, *allocated * 2);
		ra->grants = ra->grants == NULL ?
			palloc(sizeof(LocationGrant) * *allocated) :
			repalloc(ra->grants, sizeof(LocationGrant) * *allocated);
	}
	ra->grants[ra->ngrants].location_id = location_id;
	ra->grants[ra->ngrants].access = access;
	ra->ngrants++;
}

/* Whether roleid has the privileges of the role named rolename. */
static bool
has_role_named(Oid roleid, const char *rolename)
{
	Oid			granted = get_role_oid(rolename, true);

	return OidIsValid(granted) && has_privs_of_role(roleid, granted);
}

/* Read the rows of cowork.location_access that roleid has, into *ra. */
static void
read_grants(Oid roleid, RoleAccess *ra)
{
	int			allocated = 0;

	if (CoworkCitusLoaded())
	{
		static SPIPlanPtr plan = NULL;
		CoworkUserSwitch sw;
		int			n;

		CoworkSPIConnect();
		CoworkSwitchUser(access_owner, &sw);
		CoworkPlan(&plan,
				   "SELECT role::pg_catalog.text, location_id, access = 'admin'"
				   " FROM cowork.location_access", 0, NULL);
		n = CoworkExecute(plan, NULL, NULL, SPI_OK_SELECT, 0);
		CoworkSwitchBack(&sw);
		for (int i = 0; i < n; i++)
		{
			HeapTuple	row = SPI_tuptable->vals[i];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		isnull;
			bool		every;
			Datum		location;
			bool		admin;

			if (!has_role_named(roleid, SPI_getvalue(row, desc, 1)))
				continue;
			location = SPI_getbinval(row, desc, 2, &every);
			admin = DatumGetBool(SPI_getbinval(row, desc, 3, &isnull));
			add_grant(ra, &allocated, every, every ? 0 : DatumGetInt64(location),
					  admin ? COWORK_ACCESS_ADMIN : COWORK_ACCESS_READER);
		}
		/* The grants, in the cache's memory, before SPI frees its own. */
		if (ra->grants != NULL)
		{
			LocationGrant *copy = MemoryContextAlloc(access_context,
													 sizeof(LocationGrant) * ra->ngrants);

			memcpy(copy, ra->grants, sizeof(LocationGrant) * ra->ngrants);
			ra->grants = copy;
		}
		CoworkSPIFinish();
	}
	else
	{
		Relation	rel = table_open(access_relid, AccessShareLock);
		TupleDesc	desc = RelationGetDescr(rel);
		int			role_att = SPI_fnumber(desc, "role");
		int			location_att = SPI_fnumber(desc, "location_id");
		int			access_att = SPI_fnumber(desc, "access");
		Snapshot	snapshot = scan_snapshot();
		TableScanDesc scan;
		TupleTableSlot *slot;
		MemoryContext old = MemoryContextSwitchTo(access_context);

		if (role_att <= 0 || location_att <= 0 || access_att <= 0)
			elog(ERROR, "cowork: cowork.location_access lacks its columns");
		scan = table_beginscan(rel, snapshot, 0, NULL);
		slot = table_slot_create(rel, NULL);
		while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
		{
			bool		isnull;
			bool		every;
			Datum		role = slot_getattr(slot, role_att, &isnull);
			Datum		location;
			Datum		access;

			if (isnull || !has_role_named(roleid, NameStr(*DatumGetName(role))))
				continue;
			location = slot_getattr(slot, location_att, &every);
			access = slot_getattr(slot, access_att, &isnull);
			if (isnull)
				continue;
			add_grant(ra, &allocated, every, every ? 0 : DatumGetInt64(location),
					  access_of(access));
		}
		MemoryContextSwitchTo(old);
		ExecDropSingleTupleTableSlot(slot);
		table_endscan(scan);
		UnregisterSnapshot(snapshot);
		table_close(rel, AccessShareLock);
	}

	/* Sorted, one entry per location with the highest access there. */
	if (ra->ngrants > 1)
	{
		int			kept = 0;

		qsort(ra->grants, ra->ngrants, sizeof(LocationGrant), grant_cmp);
		for (int i = 0; i < ra->ngrants; i++)
		{
			if (kept > 0 && ra->grants[kept - 1].location_id == ra->grants[i].location_id)
				ra->grants[kept - 1].access = Max(ra->grants[kept - 1].access,
												  ra->grants[i].access);
			else
				ra->grants[kept++] = ra->grants[i];
		}
		ra->ngrants = kept;
	}
}

/* What roleid may do, from the cache or worked out now. */
static RoleAccess *
role_access(Oid roleid)
{
	RoleAccess	ra = {0};
	RoleAccess *entry;
	bool		found;

	/*
	 * A superuser first, without the cache: also while an upgrade script
	 * runs the functions before cowork.location_access exists.
	 */
	if (superuser_arg(roleid))
		return &superuser_access;
	access_cache_prepare();
	entry = hash_search(access_cache, &roleid, HASH_FIND, NULL);
	if (entry != NULL)
		return entry;

	/* Worked out in full first: an error on the way leaves no half entry. */
	ra.roleid = roleid;
	ra.unrestricted = has_privs_of_role(roleid, access_owner);
	if (ra.unrestricted)
		ra.every = COWORK_ACCESS_ADMIN;
	else
		read_grants(roleid, &ra);

	entry = hash_search(access_cache, &roleid, HASH_ENTER, &found);
	*entry = ra;
	return entry;
}

/* The access ra gives at location_id. */
static CoworkAccess
access_at(const RoleAccess *ra, int64 location_id)
{
	int			lo = 0;
	int			hi = ra->ngrants - 1;

	if (ra->every == COWORK_ACCESS_ADMIN)
		return COWORK_ACCESS_ADMIN;
	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int64		id = ra->grants[mid].location_id;

		if (id == location_id)
			return Max(ra->every, ra->grants[mid].access);
		if (id < location_id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return ra->every;
}

/* Every location id, read once per transaction (while nothing changes). */
static void
read_all_locations(void)
{
	MemoryContext old;
	int			allocated = 64;

	if (nall_locations >= 0)
		return;
	old = MemoryContextSwitchTo(access_context);
	all_locations = palloc(sizeof(int64) * allocated);
	nall_locations = 0;
	MemoryContextSwitchTo(old);

	if (CoworkCitusLoaded())
	{
		static SPIPlanPtr plan = NULL;
		CoworkUserSwitch sw;
		int			n;

		CoworkSPIConnect();
		CoworkSwitchUser(access_owner, &sw);
		CoworkPlan(&plan, "SELECT location_id FROM cowork.location", 0, NULL);
		n = CoworkExecute(plan, NULL, NULL, SPI_OK_SELECT, 0);
		CoworkSwitchBack(&sw);
		all_locations = MemoryContextAlloc(access_context, sizeof(int64) * Max(n, 1));
		for (int i = 0; i < n; i++)
		{
			bool		isnull;

			all_locations[i] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i],
														   SPI_tuptable->tupdesc, 1,
														   &isnull));
		}
		nall_locations = n;
		CoworkSPIFinish();
	}
	else
	{
		Relation	rel = table_open(location_relid, AccessShareLock);
		int			att = SPI_fnumber(RelationGetDescr(rel), "location_id");
		Snapshot	snapshot = scan_snapshot();
		TableScanDesc scan = table_beginscan(rel, snapshot, 0, NULL);
		TupleTableSlot *slot = table_slot_create(rel, NULL);

		while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
		{
			bool		isnull;
			Datum		id = slot_getattr(slot, att, &isnull);

			if (isnull)
				continue;
			if (nall_locations == allocated)
			{
				allocated *= 2;
				all_locations = repalloc(all_locations, sizeof(int64) * allocated);
			}
			all_locations[nall_locations++] = DatumGetInt64(id);
		}
		ExecDropSingleTupleTableSlot(slot);
		table_endscan(scan);
		UnregisterSnapshot(snapshot);
		table_close(rel, AccessShareLock);
	}
	qsort(all_locations, nall_locations, sizeof(int64), int64_cmp);
}

/* The locations where ra gives at least level, as a bigint[] (cached). */
static ArrayType *
accessible_array(RoleAccess *ra, CoworkAccess level)
{
	Datum	   *ids;
	int			n = 0;
	MemoryContext old;

	if (ra == &superuser_access)
		access_cache_prepare();	/* (the others' entries are prepared) */
	if (ra->arrays[level] != NULL)
		return ra->arrays[level];
	if (ra->every >= level)
	{
		read_all_locations();
		ids = palloc(sizeof(Datum) * Max(nall_locations, 1));
		for (int i = 0; i < nall_locations; i++)
			ids[n++] = Int64GetDatum(all_locations[i]);
	}
	else
	{
		ids = palloc(sizeof(Datum) * Max(ra->ngrants, 1));
		for (int i = 0; i < ra->ngrants; i++)
			if (ra->grants[i].access >= level)
				ids[n++] = Int64GetDatum(ra->grants[i].location_id);
	}
	old = MemoryContextSwitchTo(access_context);
	ra->arrays[level] = construct_array(ids, n, INT8OID, sizeof(int64),
										FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
	MemoryContextSwitchTo(old);
	pfree(ids);
	return ra->arrays[level];
}

/*
 * Whether the current role has at least level at location_id, or (every)
 * at every location.
 */
bool
CoworkHasAccess(int64 location_id, bool every, CoworkAccess level)
{
	RoleAccess *ra = role_access(GetUserId());

	if (every)
		return ra->every >= level;
	return access_at(ra, location_id) >= level;
}

/*
 * The name of a location, read with no permission check and no row-level
 * security (the caller may have no access to it): a probe of its primary
 * key, or under Citus an SPI query as the owner.  NULL when there is none.
 * palloc'd in the current memory context.
 */
static char *
location_name(int64 location_id)
{
	char	   *name = NULL;

	if (CoworkCitusLoaded())
	{
		MemoryContext caller = CurrentMemoryContext;
		CoworkUserSwitch sw;
		char	   *found;

		CoworkSPIConnect();
		CoworkSwitchUser(access_owner, &sw);
		found = CoworkLocationName(location_id);
		CoworkSwitchBack(&sw);
		if (found != NULL)
			name = MemoryContextStrdup(caller, found);
		CoworkSPIFinish();
	}
	else
	{
		Relation	rel = table_open(location_relid, AccessShareLock);
		Relation	idx = index_open(location_pkey, AccessShareLock);
		Snapshot	snapshot = scan_snapshot();
		ScanKeyData key;
		IndexScanDesc scan;
		TupleTableSlot *slot = table_slot_create(rel, NULL);

		ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(location_id));
		scan = index_beginscan(rel, idx, snapshot, 1, 0);
		index_rescan(scan, &key, 1, NULL, 0);
		if (index_getnext_slot(scan, ForwardScanDirection, slot))
		{
			bool		isnull;
			Datum		value = slot_getattr(slot, SPI_fnumber(RelationGetDescr(rel), "name"),
											 &isnull);

			if (!isnull)
				name = TextDatumGetCString(value);
		}
		ExecDropSingleTupleTableSlot(slot);
		index_endscan(scan);
		UnregisterSnapshot(snapshot);
		index_close(idx, AccessShareLock);
		table_close(rel, AccessShareLock);
	}
	return name;
}

/* The name of an access level. */
static const char *
access_name(CoworkAccess level)
{
	return level == COWORK_ACCESS_ADMIN ? "admin" : "reader";
}

/*
 * Raise 42501 unless the current role has at least level at location_id:
 * "permission denied for location 2 (Old Town Loft)", the role and what it
 * has in the detail.  P0002 when the location does not exist.
 */
void
CoworkRequireAccess(int64 location_id, CoworkAccess level)
{
	RoleAccess *ra = role_access(GetUserId());
	CoworkAccess have = access_at(ra, location_id);
	char	   *name;
	char	   *role;

	if (have >= level)
		return;
	name = location_name(location_id);
	if (name == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("location %lld does not exist", (long long) location_id)));
	role = GetUserNameFromId(GetUserId(), false);
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied for location %lld (%s)",
					(long long) location_id, name),
			 have == COWORK_ACCESS_NONE ?
			 errdetail("Role \"%s\" has no access to location %lld; this needs %s access.",
					   role, (long long) location_id, access_name(level)) :
			 errdetail("Role \"%s\" has %s access to location %lld; this needs %s access.",
					   role, access_name(have), (long long) location_id,
					   access_name(level)),
			 errhint("A role with admin access to every location grants access with cowork.grant_access().")));
}

/*
 * The check of a function whose argument argno is the location: 22004 when
 * it is NULL, else CoworkRequireAccess.
 */
void
CoworkRequireLocationArg(FunctionCallInfo fcinfo, int argno, CoworkAccess level)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("location_id must not be null")));
	CoworkRequireAccess(PG_GETARG_INT64(argno), level);
}

/*
 * The check of a function that acts on every location (the sweep,
 * create_location, track_actions, grant_access): 42501 unless the current
 * role has level at every location (superusers and the owner have).
 */
void
CoworkRequireEveryLocation(FunctionCallInfo fcinfo, CoworkAccess level)
{
	char	   *role;

	if (role_access(GetUserId())->every >= level)
		return;
	role = GetUserNameFromId(GetUserId(), false);
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied for function %s",
					get_func_name(fcinfo->flinfo->fn_oid)),
			 errdetail("Role \"%s\" does not have %s access to every location.",
					   role, access_name(level)),
			 errhint("It is for the extension's owner, a superuser, or a role granted %s on every location: cowork.grant_access(role, NULL, '%s').",
					 access_name(level), access_name(level))));
}

/* The tables whose rows the row-id functions name, with their id column. */
static const char *const row_tables[] = {"action", "subscription", "invitation"};

/*
 * The check of a function whose argument argno is the id of a row of table
 * (action, subscription, invitation) rather than a location: 22004 when it
 * is NULL; the row's location is looked up with the owner's rights, and a
 * row that does not exist, or whose location the role cannot read, is
 * "<table> <id> does not exist" (P0002), so that the error tells nothing
 * about other locations; a row the role reads but may not change is 42501
 * as CoworkRequireAccess.
 */
void
CoworkRequireRowArg(FunctionCallInfo fcinfo, int argno, const char *table,
					CoworkAccess level)
{
	static SPIPlanPtr plans[lengthof(row_tables)] = {NULL};
	Oid			argtypes[1] = {INT8OID};
	Datum		values[1];
	RoleAccess *ra;
	int			which = -1;
	bool		found;
	bool		isnull;
	int64		location_id = 0;
	CoworkUserSwitch sw;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s_id must not be null", table)));
	ra = role_access(GetUserId());
	if (ra->every >= level)
		return;
	for (int i = 0; i < lengthof(row_tables); i++)
		if (strcmp(row_tables[i], table) == 0)
			which = i;
	if (which < 0)
		elog(ERROR, "cowork: no row access check for table %s", table);

	values[0] = PG_GETARG_DATUM(argno);
	CoworkSPIConnect();
	CoworkSwitchUser(CoworkTableOwner(table), &sw);
	if (plans[which] == NULL)
		CoworkPlan(&plans[which],
				   psprintf("SELECT location_id FROM cowork.%s"
							" WHERE %s_id OPERATOR(pg_catalog.=) $1", table, table),
				   1, argtypes);
	found = CoworkExecute(plans[which], values, NULL, SPI_OK_SELECT, 1) == 1;
	if (found)
		location_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
												  SPI_tuptable->tupdesc, 1, &isnull));
	CoworkSwitchBack(&sw);
	CoworkSPIFinish();

	if (!found || access_at(ra, location_id) < COWORK_ACCESS_READER)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("%s %lld does not exist", table,
						(long long) DatumGetInt64(values[0]))));
	CoworkRequireAccess(location_id, level);
}

/* A cowork.staff_access argument as a level; NULL is an error naming it. */
static CoworkAccess
access_arg(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("access must not be null")));
	access_cache_prepare();
	return access_of(PG_GETARG_DATUM(argno));
}

/*
 * accessible_locations(access cowork.staff_access DEFAULT 'reader') returns
 * bigint[]: the locations where the current role has at least that access,
 * every location for superusers, the owner and roles with access to every
 * location.  What the row-level security policies compare location_id with,
 * once per statement.
 */
Datum
cowork_accessible_locations(PG_FUNCTION_ARGS)
{
	CoworkAccess level = access_arg(fcinfo, 0);
	ArrayType  *array = accessible_array(role_access(GetUserId()), level);

	PG_RETURN_ARRAYTYPE_P(DatumGetArrayTypePCopy(PointerGetDatum(array)));
}

/*
 * has_access(location_id bigint, access cowork.staff_access DEFAULT
 * 'reader') returns boolean: whether the current role has at least that
 * access there; a NULL location asks about every location.
 */
Datum
cowork_has_access(PG_FUNCTION_ARGS)
{
	CoworkAccess level = access_arg(fcinfo, 1);

	PG_RETURN_BOOL(CoworkHasAccess(PG_ARGISNULL(0) ? 0 : PG_GETARG_INT64(0),
								   PG_ARGISNULL(0), level));
}

/*
 * require_access(location_id bigint, access cowork.staff_access DEFAULT
 * 'reader') returns boolean: true, or 42501 as the extension's functions
 * raise it; for the extension's SQL functions and for applications.
 */
Datum
cowork_require_access(PG_FUNCTION_ARGS)
{
	CoworkAccess level = access_arg(fcinfo, 1);

	CoworkRequireLocationArg(fcinfo, 0, level);
	PG_RETURN_BOOL(true);
}

/*
 * The check of grant_access and revoke_access: the extension's owner, a
 * superuser or a role with admin access to every location.
 */
static void
require_granter(FunctionCallInfo fcinfo)
{
	CoworkRequireEveryLocation(fcinfo, COWORK_ACCESS_ADMIN);
}

/*
 * grant_access(role name, location_id bigint DEFAULT NULL, access
 * cowork.staff_access DEFAULT 'reader'): the role has that access at the
 * location (NULL: every location) from now on, replacing what it had there
 * (so a grant can also lower it).  The role must exist (42704); so must the
 * location (P0002).
 */
Datum
cowork_grant_access(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[4] = {NAMEOID, INT8OID, TEXTOID, TEXTOID};
	Datum		values[4];
	char		nulls[4] = {' ', ' ', ' ', ' '};
	char	   *role;
	CoworkAccess level;
	CoworkUserSwitch sw;

	require_granter(fcinfo);
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("role must not be null")));
	level = access_arg(fcinfo, 2);
	role = NameStr(*PG_GETARG_NAME(0));
	if (!OidIsValid(get_role_oid(role, true)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("role \"%s\" does not exist", role),
				 errhint("Create the role first; access is granted to existing roles.")));
	if (!PG_ARGISNULL(1) && location_name(PG_GETARG_INT64(1)) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("location %lld does not exist", (long long) PG_GETARG_INT64(1)),
				 errhint("Create it with cowork.create_location().")));

	values[0] = PG_GETARG_DATUM(0);
	if (PG_ARGISNULL(1))
		nulls[1] = 'n';
	else
		values[1] = PG_GETARG_DATUM(1);
	values[2] = CStringGetTextDatum(access_name(level));
	values[3] = CStringGetTextDatum(GetUserNameFromId(GetUserId(), false));

	CoworkSPIConnect();
	CoworkSwitchUser(access_owner, &sw);
	CoworkPlan(&plan,
			   "INSERT INTO cowork.location_access AS a"
			   " (role, location_id, access, granted_by)"
			   " VALUES ($1, $2, $3::cowork.staff_access, $4::pg_catalog.name)"
			   " ON CONFLICT (role, location_id) DO UPDATE SET access = EXCLUDED.access,"
			   " granted_at = pg_catalog.now(), granted_by = EXCLUDED.granted_by",
			   4, argtypes);
	CoworkExecute(plan, values, nulls, SPI_OK_INSERT, 0);
	CoworkSwitchBack(&sw);
	CoworkSPIFinish();
	PG_RETURN_VOID();
}

/*
 * revoke_access(role name, location_id bigint DEFAULT NULL) returns boolean:
 * removes the role's access row of that location (NULL: its row for every
 * location; the rows of single locations stay); false when there was none.
 * Any name is accepted, so that the rows of a dropped role can be removed.
 */
Datum
cowork_revoke_access(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {NAMEOID, INT8OID};
	Datum		values[2];
	char		nulls[2] = {' ', ' '};
	CoworkUserSwitch sw;
	int			removed;

	require_granter(fcinfo);
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("role must not be null")));
	values[0] = PG_GETARG_DATUM(0);
	if (PG_ARGISNULL(1))
		nulls[1] = 'n';
	else
		values[1] = PG_GETARG_DATUM(1);

	CoworkSPIConnect();
	CoworkSwitchUser(access_owner, &sw);
	CoworkPlan(&plan,
			   "DELETE FROM cowork.location_access"
			   " WHERE role OPERATOR(pg_catalog.=) $1"
			   " AND location_id IS NOT DISTINCT FROM $2",
			   2, argtypes);
	removed = CoworkExecute(plan, values, nulls, SPI_OK_DELETE, 0);
	CoworkSwitchBack(&sw);
	CoworkSPIFinish();
	PG_RETURN_BOOL(removed > 0);
}

/*
 * AFTER INSERT, UPDATE, DELETE or TRUNCATE FOR EACH STATEMENT on
 * cowork.location_access and cowork.location: what roles may reach has
 * changed; a relcache invalidation of the table tells this backend (at its
 * next command, or when a subtransaction rolls back) and the others (when
 * the transaction commits) to work it out again.
 */
Datum
cowork_access_changed_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "cowork_access_changed_trigger: not called by trigger manager");
	if (!TRIGGER_FIRED_AFTER(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_STATEMENT(trigdata->tg_event))
		elog(ERROR, "cowork_access_changed_trigger: must fire AFTER ... FOR EACH STATEMENT");
	CacheInvalidateRelcache(trigdata->tg_relation);
	access_stale = true;
	return PointerGetDatum(NULL);
}
