/*-------------------------------------------------------------------------
 *
 * customers.c
 *	  The SQL functions that create locations and people and move customers
 *	  between statuses: create_location, add_nonmember, invite_member,
 *	  remove_member, delete_nonmember, restore_member.
 *
 * They validate their arguments, find or create the person (the email rule
 * lives in email.c) and hand the status change to CoworkSetStatus()
 * (transitions.c), which the triggers check and log.  None of them is
 * STRICT: a NULL argument is an error that names it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "cowork.h"

PG_FUNCTION_INFO_V1(cowork_create_location);
PG_FUNCTION_INFO_V1(cowork_add_nonmember);
PG_FUNCTION_INFO_V1(cowork_invite_member);
PG_FUNCTION_INFO_V1(cowork_remove_member);
PG_FUNCTION_INFO_V1(cowork_delete_nonmember);
PG_FUNCTION_INFO_V1(cowork_restore_member);

/* Raise P0002 unless the location exists. */
static void
require_location(int64 location_id)
{
	if (CoworkLocationName(location_id) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("location %lld does not exist", (long long) location_id),
				 errhint("Create it with cowork.create_location().")));
}

/* A text argument as a C string, NULL for SQL NULL. */
static char *
text_arg(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		return NULL;
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/*
 * create_location(name text, network text DEFAULT NULL) returns bigint.
 * The name is required; a blank network means no network.
 */
Datum
cowork_create_location(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		values[2];
	char		nulls[2] = {' ', ' '};
	char	   *name = text_arg(fcinfo, 0);
	char	   *network = text_arg(fcinfo, 1);
	bool		isnull;
	int64		location_id;

	CoworkRequireEveryLocation(fcinfo, COWORK_ACCESS_ADMIN);
	if (name != NULL)
		name = text_to_cstring(DatumGetTextPP(DirectFunctionCall1(btrim1,
																  CStringGetTextDatum(name))));
	if (name == NULL || name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("location name is required")));
	if (network != NULL)
		network = text_to_cstring(DatumGetTextPP(DirectFunctionCall1(btrim1,
																	 CStringGetTextDatum(network))));

	values[0] = CStringGetTextDatum(name);
	if (network == NULL || network[0] == '\0')
		nulls[1] = 'n';
	else
		values[1] = CStringGetTextDatum(network);

	CoworkSPIConnect();
	CoworkPlan(&plan,
			   "INSERT INTO cowork.location (name, network) VALUES ($1, $2)"
			   " RETURNING location_id",
			   2, argtypes);
	/*
	 * No row limit: with one, the executor stops at the returned row and
	 * never fires the table's AFTER ... FOR EACH STATEMENT triggers (the
	 * one that tells sessions a location was added, and any of the DBA's).
	 */
	CoworkExecute(plan, values, nulls, SPI_OK_INSERT_RETURNING, 0);
	location_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
											  SPI_tuptable->tupdesc, 1, &isnull));
	CoworkSPIFinish();

	PG_RETURN_INT64(location_id);
}

/*
 * The id of the person with this email, creating them with full_name and
 * phone when new (an existing person keeps their name and phone).  The
 * email is normalised here, whatever the caller passes (an invitation's
 * address is a column anyone with UPDATE on cowork.invitation may write):
 * the look-up must find what the person trigger stores.  Safe against a
 * concurrent insert of the same email: the loser of the race waits for the
 * winner and then reads its row.
 *
 * People are shared by every location, and the caller may see only those of
 * its own locations (row-level security): the look-up and the insert run
 * with the person table owner's rights, so an email known at another
 * location finds its person (who then becomes a customer here) instead of
 * colliding with a row the caller cannot see.  The callers have checked
 * admin access at the location first.
 */
int64
CoworkFindOrCreatePerson(const char *email, const char *full_name,
						 const char *phone)
{
	static SPIPlanPtr insert_plan = NULL;
	static SPIPlanPtr select_plan = NULL;
	Oid			argtypes[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};
	bool		isnull;
	CoworkUserSwitch sw;

	email = CoworkNormalizeEmail(email, false);
	values[0] = CStringGetTextDatum(email);
	if (full_name == NULL)
		nulls[1] = 'n';
	else
		values[1] = CStringGetTextDatum(full_name);
	if (phone == NULL)
		nulls[2] = 'n';
	else
		values[2] = CStringGetTextDatum(phone);

	CoworkPlan(&insert_plan,
			   "INSERT INTO cowork.person (email, full_name, phone)"
			   " VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING"
			   " RETURNING person_id",
			   3, argtypes);
	CoworkPlan(&select_plan,
			   "SELECT person_id FROM cowork.person"
			   " WHERE email OPERATOR(pg_catalog.=) $1",
			   1, argtypes);

	/*
	 * Look first, so that a known email costs one index probe and burns no
	 * sequence value; insert only when it is new.  An insert that found the
	 * email taken waited for the transaction that took it, whose row the
	 * next look sees (READ COMMITTED; REPEATABLE READ raises 40001 in the
	 * insert instead).  A second miss takes another concurrent change, or a
	 * trigger of the operator's that rewrites the address: 40001 then, never
	 * a loop.
	 */
	CoworkSwitchUser(CoworkTableOwner("person"), &sw);
	for (int attempt = 0; attempt < 2; attempt++)
	{
		if (CoworkExecute(select_plan, values, NULL, SPI_OK_SELECT, 1) == 1 ||
			CoworkExecute(insert_plan, values, nulls,
						  SPI_OK_INSERT_RETURNING, 0) == 1)
		{
			int64		person_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
																SPI_tuptable->tupdesc, 1,
																&isnull));

			CoworkSwitchBack(&sw);
			return person_id;
		}
		CHECK_FOR_INTERRUPTS();
	}
	ereport(ERROR,
			(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
			 errmsg("could not find or create the person with email \"%s\"", email),
			 errdetail("Inserting the address found it taken, but no row with it is visible."),
			 errhint("Retry the transaction; if it fails again, check the triggers of cowork.person.")));
	return 0;					/* keep compiler quiet */
}

/*
 * Make the customer a member of company_id (a company of the same location:
 * the foreign key says so otherwise).  A customer who moves from another
 * company is no longer its primary contact: their customer_type becomes
 * individual (a company has one contact: customer_company_contact_key).
 */
void
CoworkJoinCompany(int64 location_id, int64 person_id, int64 company_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[3] = {INT8OID, INT8OID, INT8OID};
	Datum		values[3];

	values[0] = Int64GetDatum(location_id);
	values[1] = Int64GetDatum(person_id);
	values[2] = Int64GetDatum(company_id);
	CoworkPlan(&plan,
			   "UPDATE cowork.customer SET company_id = $3,"
			   " customer_type = 'individual'::cowork.customer_type"
			   " WHERE location_id OPERATOR(pg_catalog.=) $1"
			   " AND person_id OPERATOR(pg_catalog.=) $2"
			   " AND company_id IS DISTINCT FROM $3",
			   3, argtypes);
	CoworkExecute(plan, values, NULL, SPI_OK_UPDATE, 0);
}

/*
 * End the running subscriptions of a person at a location (remove_member),
 * so that no sweep counts them as keeping the person a member.
 */
static void
end_running_subscriptions(int64 location_id, int64 person_id)
{
	static SPIPlanPtr plan = NULL;

	CoworkExecuteKey(&plan,
					 "UPDATE cowork.subscription"
					 " SET ends_at = pg_catalog.now(), ended_by = CURRENT_USER,"
					 " ended_at = pg_catalog.now()"
					 " WHERE location_id OPERATOR(pg_catalog.=) $1"
					 " AND person_id OPERATOR(pg_catalog.=) $2"
					 " AND starts_at OPERATOR(pg_catalog.<=) pg_catalog.now()"
					 " AND (ends_at IS NULL OR ends_at OPERATOR(pg_catalog.>) pg_catalog.now())",
					 location_id, person_id, SPI_OK_UPDATE, 0);
}

/*
 * Shared body of add_nonmember and invite_member: (location_id, full_name,
 * email, phone) -> person id with status target at the location.
 */
static int64
add_customer(FunctionCallInfo fcinfo, CustomerStatus target,
			 TransitionCause cause)
{
	static const char *const argnames[] = {"location_id"};
	StatusChange change = {0};
	int64		location_id;
	char	   *email;
	int64		person_id;

	CoworkRequireArgs(fcinfo, argnames, 1);
	location_id = PG_GETARG_INT64(0);
	/* The email rule first: a bad address writes nothing. */
	email = CoworkNormalizeEmail(text_arg(fcinfo, 2), false);

	CoworkSPIConnect();
	require_location(location_id);
	person_id = CoworkFindOrCreatePerson(email, text_arg(fcinfo, 1),
									  text_arg(fcinfo, 3));
	change.location_id = location_id;
	change.person_id = person_id;
	change.target = target;
	change.cause = cause;
	CoworkSetStatus(&change);
	if (target == STATUS_MEMBER && PG_NARGS() > 4 && !PG_ARGISNULL(4))
		CoworkJoinCompany(location_id, person_id, PG_GETARG_INT64(4));
	CoworkSPIFinish();

	return person_id;
}

/*
 * add_nonmember(location_id, full_name, email, phone DEFAULT NULL) returns
 * the person id.  An existing email reuses its person; an error when the
 * person is a member there.
 */
Datum
cowork_add_nonmember(PG_FUNCTION_ARGS)
{
	CoworkRequireLocationArg(fcinfo, 0, COWORK_ACCESS_ADMIN);
	PG_RETURN_INT64(add_customer(fcinfo, STATUS_NONMEMBER, CAUSE_ADD_NONMEMBER));
}

/*
 * invite_member(location_id, full_name, email, phone DEFAULT NULL,
 * company_id DEFAULT NULL) returns the person id, a member of the location
 * (and of the company, when given).
 */
Datum
cowork_invite_member(PG_FUNCTION_ARGS)
{
	CoworkRequireLocationArg(fcinfo, 0, COWORK_ACCESS_ADMIN);
	PG_RETURN_INT64(add_customer(fcinfo, STATUS_MEMBER, CAUSE_INVITE_MEMBER));
}

/*
 * Shared body of remove_member, delete_nonmember and restore_member:
 * (location_id, person_id) of an existing customer -> status target.
 */
static void
move_customer(FunctionCallInfo fcinfo, CustomerStatus target,
			  TransitionCause cause)
{
	static const char *const argnames[] = {"location_id", "person_id"};
	StatusChange change = {0};

	CoworkRequireArgs(fcinfo, argnames, 2);
	change.location_id = PG_GETARG_INT64(0);
	change.person_id = PG_GETARG_INT64(1);
	change.target = target;
	change.cause = cause;

	/*
	 * The lock order of every path (src/sweep.c): the location's
	 * subscription lock first, then subscriptions, then the customer.  A
	 * sweep batch takes the lock exclusively before it touches customers;
	 * taking it here before the customer's row, this transaction and a
	 * batch never wait for each other in a circle (as they would if it
	 * restored a member, the batch then waited for that row, and it went on
	 * to subscribe them).
	 */
	CoworkLockSubscriptions(change.location_id, false);
	if (cause == CAUSE_REMOVE_MEMBER)
	{
		/*
		 * Ending a subscription whose start has come but is not handled yet
		 * handles it (a member since its start); the removal comes after.
		 */
		CoworkSPIConnect();
		end_running_subscriptions(change.location_id, change.person_id);
		CoworkSPIFinish();
	}
	CoworkSetStatus(&change);
}

/*
 * remove_member(location_id, person_id): member -> nonmember, and their
 * running subscriptions there end now.
 */
Datum
cowork_remove_member(PG_FUNCTION_ARGS)
{
	CoworkRequireLocationArg(fcinfo, 0, COWORK_ACCESS_ADMIN);
	move_customer(fcinfo, STATUS_NONMEMBER, CAUSE_REMOVE_MEMBER);
	PG_RETURN_VOID();
}

/* delete_nonmember(location_id, person_id): nonmember -> removed. */
Datum
cowork_delete_nonmember(PG_FUNCTION_ARGS)
{
	CoworkRequireLocationArg(fcinfo, 0, COWORK_ACCESS_ADMIN);
	move_customer(fcinfo, STATUS_REMOVED, CAUSE_DELETE_NONMEMBER);
	PG_RETURN_VOID();
}

/* restore_member(location_id, person_id): nonmember or removed -> member. */
Datum
cowork_restore_member(PG_FUNCTION_ARGS)
{
	CoworkRequireLocationArg(fcinfo, 0, COWORK_ACCESS_ADMIN);
	move_customer(fcinfo, STATUS_MEMBER, CAUSE_RESTORE_MEMBER);
	PG_RETURN_VOID();
}
