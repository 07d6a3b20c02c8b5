/*-------------------------------------------------------------------------
 *
 * companies.c
 *	  Invitations of coworkers by company members (SPEC section 5: company
 *	  members invite users to the location): a request that an
 *	  administrator approves or rejects, approved at once when the company's
 *	  auto_approve_members is on.  Approval makes the invitee a member of the
 *	  location and of the company; a person belongs to one company at a
 *	  location at most.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "cowork.h"

PG_FUNCTION_INFO_V1(cowork_invite_to_company);
PG_FUNCTION_INFO_V1(cowork_approve_invitation);
PG_FUNCTION_INFO_V1(cowork_reject_invitation);

/* An invitation, locked. */
typedef struct Invitation
{
	int64		location_id;
	int64		invitation_id;
	int64		company_id;
	char	   *full_name;
	char	   *email;
	char	   *status;
} Invitation;

/* Lock and read an invitation; P0002 when there is none. */
static Invitation
lock_invitation(int64 invitation_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(invitation_id)};
	Invitation	inv;
	bool		isnull;

	CoworkPlan(&plan,
			   "SELECT location_id, company_id, full_name, email, status::pg_catalog.text"
			   " FROM cowork.invitation WHERE invitation_id OPERATOR(pg_catalog.=) $1"
			   " FOR UPDATE",
			   1, argtypes);
	if (CoworkExecute(plan, values, NULL, SPI_OK_SELECT, 1) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("invitation %lld does not exist", (long long) invitation_id)));
	inv.invitation_id = invitation_id;
	inv.location_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
												  SPI_tuptable->tupdesc, 1, &isnull));
	inv.company_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
												 SPI_tuptable->tupdesc, 2, &isnull));
	inv.full_name = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3);
	inv.email = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4);
	inv.status = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 5);
	if (strcmp(inv.status, "pending") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("invitation %lld is %s already", (long long) invitation_id,
						inv.status)));
	return inv;
}

/* Record the decision on an invitation. */
static void
decide(const Invitation *inv, const char *status, int64 person_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[4] = {INT8OID, INT8OID, TEXTOID, INT8OID};
	Datum		values[4];
	char		nulls[4] = {' ', ' ', ' ', ' '};

	values[0] = Int64GetDatum(inv->location_id);
	values[1] = Int64GetDatum(inv->invitation_id);
	values[2] = CStringGetTextDatum(status);
	values[3] = Int64GetDatum(person_id);
	if (person_id == 0)
		nulls[3] = 'n';
	CoworkPlan(&plan,
			   "UPDATE cowork.invitation SET status = $3::cowork.invitation_status,"
			   " person_id = $4, decided_by = CURRENT_USER, decided_at = pg_catalog.now()"
			   " WHERE location_id OPERATOR(pg_catalog.=) $1"
			   " AND invitation_id OPERATOR(pg_catalog.=) $2",
			   4, argtypes);
	CoworkExecute(plan, values, nulls, SPI_OK_UPDATE, 0);
}

/* Raise 55000 when the invitee belongs to a company other than the invitation's. */
static void
require_no_other_company(const Invitation *inv, int64 person_id, const CustomerStanding *st)
{
	if (st->company_id != 0 && st->company_id != inv->company_id)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("person %lld (%s) belongs to company %lld at location %lld already",
						(long long) person_id, inv->email, (long long) st->company_id,
						(long long) inv->location_id),
				 errdetail("A person belongs to one company at a location at most."),
				 errhint("Reject the invitation, or move the person out of their company first.")));
}

/*
 * Approve a locked pending invitation: the invitee (created if new) becomes
 * a member of the location and of the company.  Returns the person id.
 *
 * Locks in a fixed order, then checks: the invitation (locked by the
 * caller), then the invitee's customer row, and only then are their company
 * and status read, so a concurrent approval into another company, or a
 * concurrent move or status change, is waited for and its result judged.
 * A person new at the location has no row to lock: they are created as a
 * member (a soft change, which does nothing when another transaction created
 * the row meanwhile), and the row, now there, is locked and judged the same
 * way.
 */
static int64
approve(const Invitation *inv)
{
	StatusChange change = {0};
	CustomerStanding st;
	int64		person_id;
	const char *reason;
	bool		invited = false;

	person_id = CoworkFindOrCreatePerson(inv->email, inv->full_name, NULL);
	change.location_id = inv->location_id;
	change.person_id = person_id;
	change.target = STATUS_MEMBER;
	change.detail = psprintf("invitation:%lld", (long long) inv->invitation_id);

	st = CoworkLockCustomer(inv->location_id, person_id, CUSTOMER_LOCK_UPDATE);
	if (st.status == STATUS_NONE)
	{
		/* A new customer is invited. */
		change.cause = CAUSE_INVITE_MEMBER;
		change.soft = true;
		invited = CoworkSetStatus(&change);
		st = CoworkLockCustomer(inv->location_id, person_id, CUSTOMER_LOCK_UPDATE);
	}
	require_no_other_company(inv, person_id, &st);
	if (st.status != STATUS_MEMBER)
	{
		/* A known one is restored. */
		change.cause = CAUSE_RESTORE_MEMBER;
		change.soft = false;
		CoworkSetStatus(&change);
		reason = "restore_member";
	}
	else if (invited)
		reason = "invite_member";
	else
		reason = "approve_invitation";	/* a member already: joins only */
	CoworkAuditBegin(inv->location_id, person_id,
					 psprintf("%s:%s", reason, change.detail));
	CoworkJoinCompany(inv->location_id, person_id, inv->company_id);
	CoworkAuditEnd();
	decide(inv, "approved", person_id);
	return person_id;
}

/*
 * invite_to_company(location_id, person_id, full_name, email) returns the
 * invitation id: a company member invites a coworker into their company.
 */
Datum
cowork_invite_to_company(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"location_id", "person_id", "full_name"};
	static SPIPlanPtr insert_plan = NULL;
	Oid			argtypes[5] = {INT8OID, INT8OID, TEXTOID, TEXTOID, INT8OID};
	Datum		values[5];
	int64		location_id;
	int64		inviter;
	int64		company_id;
	char	   *email;
	char	   *full_name;
	bool		isnull;
	bool		auto_approve;
	int64		invitation_id;
	Invitation	inv;
	CustomerStanding inviter_standing;

	CoworkRequireLocationArg(fcinfo, 0, COWORK_ACCESS_ADMIN);
	CoworkRequireArgs(fcinfo, argnames, 3);
	location_id = PG_GETARG_INT64(0);
	inviter = PG_GETARG_INT64(1);
	full_name = text_to_cstring(DatumGetTextPP(DirectFunctionCall1(btrim1, PG_GETARG_DATUM(2))));
	if (full_name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("full name is required")));
	email = CoworkNormalizeEmail(PG_ARGISNULL(3) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(3)),
								 false);

	CoworkSPIConnect();
	/*
	 * The inviter's row is locked (FOR SHARE) before the capability and the
	 * company are read from it: a concurrent suspension, removal or move out
	 * of the company is waited for and judged, and none can start until this
	 * transaction ends.
	 */
	inviter_standing = CoworkLockCustomer(location_id, inviter, CUSTOMER_LOCK_SHARE);
	if (!CoworkStandingCan(&inviter_standing, CAP_INVITE_USERS))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("person %lld may not invite users at location %lld",
						(long long) inviter, (long long) location_id),
				 errdetail("Members of a company invite coworkers; suspended members cannot.")));
	company_id = inviter_standing.company_id;

	values[0] = Int64GetDatum(location_id);
	values[1] = Int64GetDatum(inviter);
	values[2] = CStringGetTextDatum(full_name);
	values[3] = CStringGetTextDatum(email);
	values[4] = Int64GetDatum(company_id);
	CoworkPlan(&insert_plan,
			   "INSERT INTO cowork.invitation (location_id, invited_by, full_name, email, company_id)"
			   " VALUES ($1, $2, $3, $4, $5)"
			   " RETURNING invitation_id,"
			   " (SELECT auto_approve_members FROM cowork.company"
			   "   WHERE location_id OPERATOR(pg_catalog.=) $1"
			   "   AND company_id OPERATOR(pg_catalog.=) $5)",
			   5, argtypes);
	CoworkExecute(insert_plan, values, NULL, SPI_OK_INSERT_RETURNING, 1);
	invitation_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
												SPI_tuptable->tupdesc, 1, &isnull));
	auto_approve = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
											  SPI_tuptable->tupdesc, 2, &isnull));
	if (auto_approve && !isnull)
	{
		inv = lock_invitation(invitation_id);
		approve(&inv);
	}
	CoworkSPIFinish();
	PG_RETURN_INT64(invitation_id);
}

/* approve_invitation(invitation_id) returns the invitee's person id. */
Datum
cowork_approve_invitation(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"invitation_id"};
	Invitation	inv;
	int64		person_id;

	CoworkRequireRowArg(fcinfo, 0, "invitation", COWORK_ACCESS_ADMIN);
	CoworkRequireArgs(fcinfo, argnames, 1);
	CoworkSPIConnect();
	inv = lock_invitation(PG_GETARG_INT64(0));
	person_id = approve(&inv);
	CoworkSPIFinish();
	PG_RETURN_INT64(person_id);
}

/* reject_invitation(invitation_id). */
Datum
cowork_reject_invitation(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"invitation_id"};
	Invitation	inv;

	CoworkRequireRowArg(fcinfo, 0, "invitation", COWORK_ACCESS_ADMIN);
	CoworkRequireArgs(fcinfo, argnames, 1);
	CoworkSPIConnect();
	inv = lock_invitation(PG_GETARG_INT64(0));
	decide(&inv, "rejected", 0);
	CoworkSPIFinish();
	PG_RETURN_VOID();
}
