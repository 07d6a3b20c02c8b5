/*-------------------------------------------------------------------------
 *
 * capabilities.c
 *	  What members and nonmembers may do and see (SPEC section 5), in one
 *	  table, and the customer flags it reads: suspension, company managers,
 *	  administrators, a company's primary contact.
 *
 *	  can(location, person, capability)	the capability table below
 *	  can_view(location, person, visibility)	public < network_members <
 *						location_members < admins
 *
 * A suspended customer has no capability and sees only public content; a
 * removed or unknown one likewise.  A location administrator sees
 * everything at their location.  A nonmember sees network content when
 * they are a member (not suspended) at another location of the same
 * network; a NULL network shares with no other location.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"

#include "cowork.h"

PG_FUNCTION_INFO_V1(cowork_can);
PG_FUNCTION_INFO_V1(cowork_can_view);
PG_FUNCTION_INFO_V1(cowork_suspend);
PG_FUNCTION_INFO_V1(cowork_unsuspend);
PG_FUNCTION_INFO_V1(cowork_set_company_manager);
PG_FUNCTION_INFO_V1(cowork_set_admin);
PG_FUNCTION_INFO_V1(cowork_set_primary_contact);

/* What a capability asks beyond the status. */
typedef enum CapabilityNeeds
{
	NEEDS_NOTHING,
	NEEDS_COMPANY,				/* a member of a company */
	NEEDS_MANAGER				/* a manager of their company */
} CapabilityNeeds;

/* The capability table of SPEC section 5. */
static const struct
{
	const char *name;
	bool		member;
	bool		nonmember;
	CapabilityNeeds needs;
}			capability_table[CAPABILITY_COUNT] = {
	[CAP_PAY_INVOICES] = {"pay_invoices", true, true, NEEDS_NOTHING},
	[CAP_EDIT_BILLING_DETAILS] = {"edit_billing_details", true, true, NEEDS_NOTHING},
	[CAP_SIGN_UP_FOR_PLANS] = {"sign_up_for_plans", true, true, NEEDS_NOTHING},
	[CAP_BUY_CREDITS] = {"buy_credits", true, false, NEEDS_NOTHING},
	[CAP_USE_CREDITS] = {"use_credits", true, false, NEEDS_NOTHING},
	[CAP_USE_DAY_PASSES] = {"use_day_passes", true, false, NEEDS_NOTHING},
	[CAP_MANAGE_COMPANY] = {"manage_company", true, false, NEEDS_MANAGER},
	[CAP_INVITE_USERS] = {"invite_users", true, false, NEEDS_COMPANY},
};

/* The columns every standing query selects, in standing_from_row's order. */
#define STANDING_COLUMNS \
	"SELECT status::pg_catalog.text, suspended, is_admin, is_company_manager, company_id" \
	" FROM cowork.customer WHERE location_id OPERATOR(pg_catalog.=) $1" \
	" AND person_id OPERATOR(pg_catalog.=) $2"

/* The standing in the first row of SPI_tuptable. */
static CustomerStanding
standing_from_row(void)
{
	HeapTuple	row = SPI_tuptable->vals[0];
	TupleDesc	desc = SPI_tuptable->tupdesc;
	CustomerStanding st;
	bool		isnull;
	Datum		company;

	st.status = CustomerStatusFromName(SPI_getvalue(row, desc, 1));
	st.suspended = DatumGetBool(SPI_getbinval(row, desc, 2, &isnull));
	st.is_admin = DatumGetBool(SPI_getbinval(row, desc, 3, &isnull));
	st.is_company_manager = DatumGetBool(SPI_getbinval(row, desc, 4, &isnull));
	company = SPI_getbinval(row, desc, 5, &isnull);
	st.company_id = isnull ? 0 : DatumGetInt64(company);
	return st;
}

/* The standing of no customer; raises P0002 when the location does not exist. */
static CustomerStanding
no_standing(int64 location_id)
{
	CustomerStanding st = {STATUS_NONE, false, false, false, 0};

	if (CoworkLocationName(location_id) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("location %lld does not exist", (long long) location_id)));
	return st;
}

/*
 * The standing of (location_id, person_id), read without a lock (for the
 * answers of can and can_view); raises P0002 when the location does not
 * exist.  The caller is connected to SPI.
 */
static CustomerStanding
standing_of(int64 location_id, int64 person_id, bool anonymous)
{
	static SPIPlanPtr plan = NULL;

	if (!anonymous &&
		CoworkExecuteKey(&plan, STANDING_COLUMNS,
						 location_id, person_id, SPI_OK_SELECT, 1) == 1)
		return standing_from_row();
	return no_standing(location_id);
}

/*
 * Lock the customer row of (location_id, person_id) and return the standing
 * it holds: the latest committed one, since a lock waits for a concurrent
 * change of the row and then reads its result.  Checks made on it hold until
 * the transaction ends, as far as that lock keeps others from changing the
 * row.  STATUS_NONE when there is no such customer (customers are never
 * deleted, so a row found stays); P0002 when the location does not exist.
 * The caller is connected to SPI.
 */
CustomerStanding
CoworkLockCustomer(int64 location_id, int64 person_id, CustomerLock lock)
{
	static SPIPlanPtr plans[CUSTOMER_LOCK_COUNT] = {NULL};
	static const char *const statements[CUSTOMER_LOCK_COUNT] = {
		[CUSTOMER_LOCK_SHARE] = STANDING_COLUMNS " FOR SHARE",
		[CUSTOMER_LOCK_NO_KEY_UPDATE] = STANDING_COLUMNS " FOR NO KEY UPDATE",
		[CUSTOMER_LOCK_UPDATE] = STANDING_COLUMNS " FOR UPDATE",
	};

	if (CoworkExecuteKey(&plans[lock], statements[lock],
						 location_id, person_id, SPI_OK_SELECT, 1) == 1)
		return standing_from_row();
	return no_standing(location_id);
}

/* The capability named name; 22023 listing the valid names otherwise. */
static Capability
capability_from_name(const char *name)
{
	StringInfoData names;

	for (int c = 0; c < CAPABILITY_COUNT; c++)
	{
		if (strcmp(name, capability_table[c].name) == 0)
			return (Capability) c;
	}
	initStringInfo(&names);
	for (int c = 0; c < CAPABILITY_COUNT; c++)
		appendStringInfo(&names, "%s%s", c ? ", " : "", capability_table[c].name);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown capability \"%s\"", name),
			 errhint("Valid capabilities are: %s.", names.data)));
	return CAP_PAY_INVOICES;	/* keep compiler quiet */
}

/* The rule itself: whether a standing has a capability. */
bool
CoworkStandingCan(const CustomerStanding *st, Capability cap)
{
	bool		by_status;

	if (st->suspended)
		return false;
	if (st->status == STATUS_MEMBER)
		by_status = capability_table[cap].member;
	else if (st->status == STATUS_NONMEMBER)
		by_status = capability_table[cap].nonmember;
	else
		by_status = false;		/* removed or unknown */
	if (!by_status)
		return false;
	switch (capability_table[cap].needs)
	{
		case NEEDS_COMPANY:
			return st->company_id != 0;
		case NEEDS_MANAGER:
			return st->company_id != 0 && st->is_company_manager;
		default:
			return true;
	}
}

/* The name of a capability. */
const char *
CoworkCapabilityName(Capability cap)
{
	return capability_table[cap].name;
}

/* can(location_id, person_id, capability text) returns boolean. */
Datum
cowork_can(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"location_id"};
	Capability	cap;
	CustomerStanding st;

	CoworkRequireLocationArg(fcinfo, 0, COWORK_ACCESS_READER);
	CoworkRequireArgs(fcinfo, argnames, 1);
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("capability must not be null")));
	cap = capability_from_name(text_to_cstring(PG_GETARG_TEXT_PP(2)));

	CoworkSPIConnect();
	st = standing_of(PG_GETARG_INT64(0), PG_ARGISNULL(1) ? 0 : PG_GETARG_INT64(1),
					 PG_ARGISNULL(1));
	CoworkSPIFinish();
	PG_RETURN_BOOL(CoworkStandingCan(&st, cap));
}

/*
 * Whether the person is a member, not suspended, elsewhere in the network.
 * Read with the customer table owner's rights: the other locations are
 * ones the caller (a reader of this location) may not see, and only this
 * answer about the person comes back.
 */
static bool
member_in_network(int64 location_id, int64 person_id)
{
	static SPIPlanPtr plan = NULL;
	CoworkUserSwitch sw;
	bool		result;

	CoworkSwitchUser(CoworkCustomerOwner(), &sw);
	result = CoworkExecuteKey(&plan,
							"SELECT 1 FROM cowork.location l"
							" JOIN cowork.location o ON o.network OPERATOR(pg_catalog.=) l.network"
							"  AND o.location_id OPERATOR(pg_catalog.<>) l.location_id"
							" JOIN cowork.customer c ON c.location_id OPERATOR(pg_catalog.=) o.location_id"
							" WHERE l.location_id OPERATOR(pg_catalog.=) $1"
							" AND c.person_id OPERATOR(pg_catalog.=) $2"
							" AND c.status OPERATOR(pg_catalog.=) 'member'::cowork.customer_status"
							" AND NOT c.suspended LIMIT 1",
							location_id, person_id, SPI_OK_SELECT, 1) == 1;
	CoworkSwitchBack(&sw);
	return result;
}

/* can_view(location_id, person_id, visibility) returns boolean. */
Datum
cowork_can_view(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"location_id"};
	char	   *level;
	CustomerStanding st;
	bool		result;

	CoworkRequireLocationArg(fcinfo, 0, COWORK_ACCESS_READER);
	CoworkRequireArgs(fcinfo, argnames, 1);
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("visibility must not be null")));
	level = CoworkEnumLabel(PG_GETARG_DATUM(2));

	CoworkSPIConnect();
	st = standing_of(PG_GETARG_INT64(0), PG_ARGISNULL(1) ? 0 : PG_GETARG_INT64(1),
					 PG_ARGISNULL(1));
	if (strcmp(level, "public") == 0)
		result = true;
	else if (st.suspended || st.status == STATUS_NONE || st.status == STATUS_REMOVED)
		result = false;
	else if (st.is_admin)
		result = true;			/* an administrator sees everything there */
	else if (strcmp(level, "admins") == 0)
		result = false;
	else if (st.status == STATUS_MEMBER)
		result = true;
	else if (strcmp(level, "network_members") == 0)
		result = member_in_network(PG_GETARG_INT64(0), PG_GETARG_INT64(1));
	else
		result = false;			/* location_members, for a nonmember */
	CoworkSPIFinish();
	PG_RETURN_BOOL(result);
}

/*
 * Run an UPDATE of one customer's flags ($1 location, $2 person, $3 the
 * value) and return the rows it changed; the audit names reason (the
 * function) for the change.  The caller is connected to SPI.
 */
static int
update_customer_flag(SPIPlanPtr *cache, const char *sql, int64 location_id,
					 int64 person_id, bool value, const char *reason)
{
	Oid			argtypes[3] = {INT8OID, INT8OID, BOOLOID};
	Datum		values[3];
	int			changed;

	values[0] = Int64GetDatum(location_id);
	values[1] = Int64GetDatum(person_id);
	values[2] = BoolGetDatum(value);
	CoworkPlan(cache, sql, 3, argtypes);
	CoworkAuditBegin(location_id, person_id, reason);
	changed = CoworkExecute(*cache, values, NULL, SPI_OK_UPDATE, 0);
	CoworkAuditEnd();
	return changed;
}

/*
 * Lock the customer row of (location_id, person_id) and return its standing;
 * P0002 when there is no such customer.
 */
static CustomerStanding
lock_customer(int64 location_id, int64 person_id, CustomerLock lock)
{
	CustomerStanding st = CoworkLockCustomer(location_id, person_id, lock);

	if (st.status == STATUS_NONE)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("person %lld is not a customer at location %lld",
						(long long) person_id, (long long) location_id)));
	return st;
}

/*
 * Raise P0002 unless (location_id, person_id) is a customer.  Needs no lock:
 * customer rows are never deleted.
 */
void
CoworkRequireCustomer(int64 location_id, int64 person_id)
{
	if (standing_of(location_id, person_id, false).status == STATUS_NONE)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("person %lld is not a customer at location %lld",
						(long long) person_id, (long long) location_id)));
}

/*
 * suspend(location_id, person_id): a member keeps the status and loses
 * every capability; the customer trigger logs it.  The row is locked before
 * the status is read, so a concurrent status change is waited for and its
 * result judged: a member removed meanwhile is not suspended.
 */
Datum
cowork_suspend(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"location_id", "person_id"};
	static SPIPlanPtr plan = NULL;
	int64		location_id;
	int64		person_id;
	CustomerStanding st;

	CoworkRequireLocationArg(fcinfo, 0, COWORK_ACCESS_ADMIN);
	CoworkRequireArgs(fcinfo, argnames, 2);
	location_id = PG_GETARG_INT64(0);
	person_id = PG_GETARG_INT64(1);
	CoworkSPIConnect();
	st = lock_customer(location_id, person_id, CUSTOMER_LOCK_NO_KEY_UPDATE);
	if (st.status != STATUS_MEMBER)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("only members can be suspended; person %lld is a %s at location %lld",
						(long long) person_id, CustomerStatusName(st.status),
						(long long) location_id)));
	update_customer_flag(&plan,
						 "UPDATE cowork.customer SET suspended = $3"
						 " WHERE location_id OPERATOR(pg_catalog.=) $1"
						 " AND person_id OPERATOR(pg_catalog.=) $2 AND NOT suspended",
						 location_id, person_id, true, "suspend");
	CoworkSPIFinish();
	PG_RETURN_VOID();
}

/* unsuspend(location_id, person_id): lifts a suspension, if any. */
Datum
cowork_unsuspend(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"location_id", "person_id"};
	static SPIPlanPtr plan = NULL;

	CoworkRequireLocationArg(fcinfo, 0, COWORK_ACCESS_ADMIN);
	CoworkRequireArgs(fcinfo, argnames, 2);
	CoworkSPIConnect();
	CoworkRequireCustomer(PG_GETARG_INT64(0), PG_GETARG_INT64(1));
	update_customer_flag(&plan,
						 "UPDATE cowork.customer SET suspended = $3"
						 " WHERE location_id OPERATOR(pg_catalog.=) $1"
						 " AND person_id OPERATOR(pg_catalog.=) $2 AND suspended",
						 PG_GETARG_INT64(0), PG_GETARG_INT64(1), false, "unsuspend");
	CoworkSPIFinish();
	PG_RETURN_VOID();
}

/*
 * set_company_manager(location_id, person_id, is_manager DEFAULT true).  The
 * row is locked before the company is read, so a customer leaving their
 * company meanwhile is not made a manager.
 */
Datum
cowork_set_company_manager(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"location_id", "person_id", "is_manager"};
	static SPIPlanPtr plan = NULL;
	CustomerStanding st;

	CoworkRequireLocationArg(fcinfo, 0, COWORK_ACCESS_ADMIN);
	CoworkRequireArgs(fcinfo, argnames, 3);
	CoworkSPIConnect();
	st = lock_customer(PG_GETARG_INT64(0), PG_GETARG_INT64(1), CUSTOMER_LOCK_NO_KEY_UPDATE);
	if (st.company_id == 0 && PG_GETARG_BOOL(2))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("person %lld belongs to no company at location %lld",
						(long long) PG_GETARG_INT64(1), (long long) PG_GETARG_INT64(0)),
				 errhint("Invite them with cowork.invite_member(..., company_id), or set their company_id first.")));
	update_customer_flag(&plan,
						 "UPDATE cowork.customer SET is_company_manager = $3"
						 " WHERE location_id OPERATOR(pg_catalog.=) $1"
						 " AND person_id OPERATOR(pg_catalog.=) $2",
						 PG_GETARG_INT64(0), PG_GETARG_INT64(1), PG_GETARG_BOOL(2),
						 "set_company_manager");
	CoworkSPIFinish();
	PG_RETURN_VOID();
}

/*
 * set_admin(location_id, person_id, is_admin DEFAULT true).  Checks only that
 * the customer exists, which no concurrent change can undo (customer rows
 * are never deleted), so it needs no lock before the UPDATE.
 */
Datum
cowork_set_admin(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"location_id", "person_id", "is_admin"};
	static SPIPlanPtr plan = NULL;

	CoworkRequireLocationArg(fcinfo, 0, COWORK_ACCESS_ADMIN);
	CoworkRequireArgs(fcinfo, argnames, 3);
	CoworkSPIConnect();
	CoworkRequireCustomer(PG_GETARG_INT64(0), PG_GETARG_INT64(1));
	update_customer_flag(&plan,
						 "UPDATE cowork.customer SET is_admin = $3"
						 " WHERE location_id OPERATOR(pg_catalog.=) $1"
						 " AND person_id OPERATOR(pg_catalog.=) $2",
						 PG_GETARG_INT64(0), PG_GETARG_INT64(1), PG_GETARG_BOOL(2),
						 "set_admin");
	CoworkSPIFinish();
	PG_RETURN_VOID();
}

/*
 * Lock the company row of (location_id, company_id) (FOR NO KEY UPDATE: it
 * waits for another set_primary_contact of the company, not for customers
 * joining it, whose foreign key check takes a key share lock); P0002 when
 * there is no such company.
 */
static void
lock_company(int64 location_id, int64 company_id)
{
	static SPIPlanPtr plan = NULL;

	if (CoworkExecuteKey(&plan,
						 "SELECT 1 FROM cowork.company"
						 " WHERE location_id OPERATOR(pg_catalog.=) $1"
						 " AND company_id OPERATOR(pg_catalog.=) $2 FOR NO KEY UPDATE",
						 location_id, company_id, SPI_OK_SELECT, 1) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("company %lld does not exist at location %lld",
						(long long) company_id, (long long) location_id)));
}

/*
 * Set the customer_type of customer (location_id, person_id) to type, if it
 * is not that already; the audit names set_primary_contact.
 */
static void
set_customer_type(int64 location_id, int64 person_id, const char *type)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[3] = {INT8OID, INT8OID, TEXTOID};
	Datum		values[3];

	values[0] = Int64GetDatum(location_id);
	values[1] = Int64GetDatum(person_id);
	values[2] = CStringGetTextDatum(type);
	CoworkPlan(&plan,
			   "UPDATE cowork.customer SET customer_type = $3::cowork.customer_type"
			   " WHERE location_id OPERATOR(pg_catalog.=) $1"
			   " AND person_id OPERATOR(pg_catalog.=) $2"
			   " AND customer_type OPERATOR(pg_catalog.<>) $3::cowork.customer_type",
			   3, argtypes);
	CoworkAuditBegin(location_id, person_id, "set_primary_contact");
	CoworkExecute(plan, values, NULL, SPI_OK_UPDATE, 0);
	CoworkAuditEnd();
}

/*
 * set_primary_contact(location_id, company_id, person_id): a member of the
 * company becomes the company as a customer (customer_type company); the
 * previous primary contact becomes an individual again.
 *
 * The company row is locked first, then the person's customer row, and only
 * then is anything read: a second call for the same company waits for the
 * first and replaces the contact it set, so a company has one contact (the
 * unique index customer_company_contact_key is the last guard).  The old
 * contact is demoted before the new one is promoted, since the index is
 * checked row by row.
 */
Datum
cowork_set_primary_contact(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"location_id", "company_id", "person_id"};
	static SPIPlanPtr contacts_plan = NULL;
	static SPIPlanPtr company_plan = NULL;
	Oid			argtypes[3] = {INT8OID, INT8OID, INT8OID};
	Datum		values[3];
	int64		location_id;
	int64		company_id;
	int64		person_id;
	int			ncontacts;
	int64	   *contacts;
	bool		isnull;
	CustomerStanding st;

	CoworkRequireLocationArg(fcinfo, 0, COWORK_ACCESS_ADMIN);
	CoworkRequireArgs(fcinfo, argnames, 3);
	location_id = PG_GETARG_INT64(0);
	company_id = PG_GETARG_INT64(1);
	person_id = PG_GETARG_INT64(2);
	CoworkSPIConnect();
	lock_company(location_id, company_id);
	st = lock_customer(location_id, person_id, CUSTOMER_LOCK_NO_KEY_UPDATE);
	if (st.company_id != company_id)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("person %lld is not a member of company %lld at location %lld",
						(long long) person_id, (long long) company_id,
						(long long) location_id)));

	/* The current contact (one, by the unique index; none the first time). */
	values[0] = Int64GetDatum(location_id);
	values[1] = Int64GetDatum(company_id);
	values[2] = Int64GetDatum(person_id);
	CoworkPlan(&contacts_plan,
			   "SELECT person_id FROM cowork.customer"
			   " WHERE location_id OPERATOR(pg_catalog.=) $1"
			   " AND company_id OPERATOR(pg_catalog.=) $2"
			   " AND customer_type OPERATOR(pg_catalog.=) 'company'::cowork.customer_type"
			   " AND person_id OPERATOR(pg_catalog.<>) $3",
			   3, argtypes);
	ncontacts = CoworkExecute(contacts_plan, values, NULL, SPI_OK_SELECT, 0);
	contacts = palloc(sizeof(int64) * Max(ncontacts, 1));
	for (int i = 0; i < ncontacts; i++)
		contacts[i] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i],
												  SPI_tuptable->tupdesc, 1, &isnull));
	for (int i = 0; i < ncontacts; i++)
		set_customer_type(location_id, contacts[i], "individual");
	set_customer_type(location_id, person_id, "company");

	CoworkPlan(&company_plan,
			   "UPDATE cowork.company SET primary_contact_id = $3"
			   " WHERE location_id OPERATOR(pg_catalog.=) $1"
			   " AND company_id OPERATOR(pg_catalog.=) $2",
			   3, argtypes);
	CoworkExecute(company_plan, values, NULL, SPI_OK_UPDATE, 0);
	CoworkSPIFinish();
	PG_RETURN_VOID();
}
