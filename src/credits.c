/*-------------------------------------------------------------------------
 *
 * credits.c
 *	  Credits and day passes (SPEC section 5): a balance per person and per
 *	  company at a location, and the ledger of every grant, purchase and
 *	  use.  Operators grant; members buy and use (capabilities buy_credits,
 *	  use_credits, use_day_passes); a company member draws on the company's
 *	  balance when their own does not cover a use and the company allows it.
 *
 * Balances and ledger are written with their owner's rights: roles that use
 * the functions may read them, not write them, so credits are never forged.
 * Each ledger entry names the role that called the function.
 *
 * Amounts are finite, positive and in hundredths (checked_amount); the
 * tables' CHECK constraints refuse NaN, the infinities and finer amounts
 * however a row is written.
 *
 * Buying and using lock the customer row (FOR SHARE) before the capability
 * is checked, so a suspension or removal either waits for the purchase or
 * use to end, or is waited for and then refuses it.
 *
 * A balance never goes negative, also under concurrent spending: a use is
 * one conditional UPDATE (balance >= amount), which takes the balance row's
 * lock; a concurrent use waits, then re-checks the condition against the
 * balance the first one left (EvalPlanQual), and fails when it no longer
 * holds.  The CHECK (balance >= 0) is the last guard.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "cowork.h"

PG_FUNCTION_INFO_V1(cowork_grant_credits);
PG_FUNCTION_INFO_V1(cowork_grant_company_credits);
PG_FUNCTION_INFO_V1(cowork_buy_credits);
PG_FUNCTION_INFO_V1(cowork_use_credits);

/* The largest amount one call moves. */
#define MAX_AMOUNT "9999999999.99"

/*
 * The amount of a grant, purchase or use, checked and with two decimal
 * places (5 becomes 5.00): 22023, naming the amount, unless it is a finite
 * number above zero, at most MAX_AMOUNT, with at most two decimal places.
 * NaN is refused first: it compares above every number, so "> 0" and
 * "balance >= amount" would let it through.  More decimals are refused
 * rather than rounded, so that no call moves another amount than it says.
 */
static Datum
checked_amount(Datum amount)
{
	Numeric		num = DatumGetNumeric(amount);
	char	   *shown = DatumGetCString(DirectFunctionCall1(numeric_out, amount));
	Datum		rounded;

	if (numeric_is_nan(num) || numeric_is_inf(num))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("amount must be a finite number, not %s", shown)));
	if (DatumGetBool(DirectFunctionCall2(numeric_le, amount,
										 DirectFunctionCall1(int4_numeric, Int32GetDatum(0)))))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("amount must be positive, not %s", shown)));
	rounded = DirectFunctionCall2(numeric_round, amount, Int32GetDatum(2));
	if (!DatumGetBool(DirectFunctionCall2(numeric_eq, rounded, amount)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("amount %s has more than 2 decimal places", shown),
				 errdetail("Credits and day passes are counted in hundredths.")));
	if (DatumGetBool(DirectFunctionCall2(numeric_gt, rounded,
										 DirectFunctionCall3(numeric_in,
															 CStringGetDatum(MAX_AMOUNT),
															 ObjectIdGetDatum(InvalidOid),
															 Int32GetDatum(-1)))))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("amount %s is too large", shown),
				 errdetail("One call moves at most %s.", MAX_AMOUNT)));
	return rounded;
}

/*
 * Append one entry to the ledger.  actor is the role that called the
 * function: the entry is written with the ledger owner's rights, whose name
 * CURRENT_USER would give.
 */
static void
ledger(int64 location_id, const char *owner_kind, int64 owner_id, const char *kind,
	   Datum amount, const char *reason, int64 person_id, Oid actor)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[8] = {INT8OID, TEXTOID, INT8OID, TEXTOID, NUMERICOID, TEXTOID,
	INT8OID, TEXTOID};
	Datum		values[8];
	char		nulls[8] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};

	values[0] = Int64GetDatum(location_id);
	values[1] = CStringGetTextDatum(owner_kind);
	values[2] = Int64GetDatum(owner_id);
	values[3] = CStringGetTextDatum(kind);
	values[4] = amount;
	values[5] = CStringGetTextDatum(reason);
	values[6] = Int64GetDatum(person_id);
	if (person_id == 0)
		nulls[6] = 'n';
	values[7] = CStringGetTextDatum(GetUserNameFromId(actor, false));
	CoworkPlan(&plan,
			   "INSERT INTO cowork.credit_entry"
			   " (location_id, owner_kind, owner_id, kind, amount, reason, person_id, actor)"
			   " VALUES ($1, $2, $3, $4::cowork.credit_kind, $5, $6, $7, $8)",
			   8, argtypes);
	CoworkExecute(plan, values, nulls, SPI_OK_INSERT, 0);
}

/* The parameters $1..$5 of the balance statements. */
static void
balance_values(Datum *values, int64 location_id, const char *owner_kind,
			   int64 owner_id, const char *kind, Datum amount)
{
	values[0] = Int64GetDatum(location_id);
	values[1] = CStringGetTextDatum(owner_kind);
	values[2] = Int64GetDatum(owner_id);
	values[3] = CStringGetTextDatum(kind);
	values[4] = amount;
}

/* Add amount (> 0) to a balance, creating it; returns the new balance. */
static Datum
add_to_balance(int64 location_id, const char *owner_kind, int64 owner_id,
			   const char *kind, Datum amount, const char *reason, int64 person_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[5] = {INT8OID, TEXTOID, INT8OID, TEXTOID, NUMERICOID};
	Datum		values[5];
	bool		isnull;
	Datum		balance;
	CoworkUserSwitch sw;

	balance_values(values, location_id, owner_kind, owner_id, kind, amount);
	CoworkPlan(&plan,
			   "INSERT INTO cowork.credit_balance AS b (location_id, owner_kind, owner_id, kind, balance)"
			   " VALUES ($1, $2, $3, $4::cowork.credit_kind, $5)"
			   " ON CONFLICT (location_id, owner_kind, owner_id, kind)"
			   " DO UPDATE SET balance = b.balance OPERATOR(pg_catalog.+) EXCLUDED.balance"
			   " RETURNING balance",
			   5, argtypes);
	CoworkSwitchUser(CoworkTableOwner("credit_balance"), &sw);
	CoworkExecute(plan, values, NULL, SPI_OK_INSERT_RETURNING, 1);
	balance = SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
											  1, &isnull), false, -1);
	ledger(location_id, owner_kind, owner_id, kind, amount, reason, person_id,
		   sw.save_userid);
	CoworkSwitchBack(&sw);
	return balance;
}

/*
 * Take amount from a balance if it holds that much; returns whether it
 * did.  The conditional UPDATE is what keeps concurrent uses from taking
 * the same credit twice.
 */
static bool
take_from_balance(int64 location_id, const char *owner_kind, int64 owner_id,
				  const char *kind, Datum amount, int64 person_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[5] = {INT8OID, TEXTOID, INT8OID, TEXTOID, NUMERICOID};
	Datum		values[5];
	CoworkUserSwitch sw;
	bool		taken;

	balance_values(values, location_id, owner_kind, owner_id, kind, amount);
	CoworkPlan(&plan,
			   "UPDATE cowork.credit_balance SET balance = balance OPERATOR(pg_catalog.-) $5"
			   " WHERE location_id OPERATOR(pg_catalog.=) $1"
			   " AND owner_kind OPERATOR(pg_catalog.=) $2"
			   " AND owner_id OPERATOR(pg_catalog.=) $3"
			   " AND kind OPERATOR(pg_catalog.=) $4::cowork.credit_kind"
			   " AND balance OPERATOR(pg_catalog.>=) $5",
			   5, argtypes);
	CoworkSwitchUser(CoworkTableOwner("credit_balance"), &sw);
	taken = CoworkExecute(plan, values, NULL, SPI_OK_UPDATE, 0) == 1;
	if (taken)
		ledger(location_id, owner_kind, owner_id, kind,
			   DirectFunctionCall1(numeric_uminus, amount), "use", person_id,
			   sw.save_userid);
	CoworkSwitchBack(&sw);
	return taken;
}

/* Whether the company lets its members spend its balance. */
static bool
company_shares(int64 location_id, int64 company_id)
{
	static SPIPlanPtr plan = NULL;
	bool		isnull;

	if (CoworkExecuteKey(&plan,
						 "SELECT members_use_company_credits FROM cowork.company"
						 " WHERE location_id OPERATOR(pg_catalog.=) $1"
						 " AND company_id OPERATOR(pg_catalog.=) $2",
						 location_id, company_id, SPI_OK_SELECT, 1) == 0)
		return false;
	return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
									  &isnull));
}

/*
 * Raise 42501 unless the person has the capability; returns their company
 * (0 for none).  The customer row is locked (FOR SHARE) before the standing
 * is read: a concurrent suspension or status change is waited for and
 * judged, and none can start before this transaction ends, so no one
 * suspended or removed meanwhile buys or spends.
 */
static int64
require_capability(int64 location_id, int64 person_id, Capability cap)
{
	CustomerStanding st = CoworkLockCustomer(location_id, person_id, CUSTOMER_LOCK_SHARE);

	if (!CoworkStandingCan(&st, cap))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("person %lld may not %s at location %lld",
						(long long) person_id, CoworkCapabilityName(cap),
						(long long) location_id),
				 errdetail("Only members who are not suspended buy and use credits and day passes.")));
	return st.company_id;
}

/*
 * grant_credits(location_id, person_id, amount, kind) returns the balance.
 * Checks only that the customer exists, which no concurrent change can undo
 * (customer rows are never deleted).
 */
Datum
cowork_grant_credits(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"location_id", "person_id", "amount", "kind"};
	Datum		amount;
	Datum		balance;

	CoworkRequireLocationArg(fcinfo, 0, COWORK_ACCESS_ADMIN);
	CoworkRequireArgs(fcinfo, argnames, 4);
	amount = checked_amount(PG_GETARG_DATUM(2));
	CoworkSPIConnect();
	CoworkRequireCustomer(PG_GETARG_INT64(0), PG_GETARG_INT64(1));
	balance = add_to_balance(PG_GETARG_INT64(0), "person", PG_GETARG_INT64(1),
							 CoworkEnumLabel(PG_GETARG_DATUM(3)), amount, "grant",
							 PG_GETARG_INT64(1));
	CoworkSPIFinish();
	PG_RETURN_DATUM(balance);
}

/* grant_company_credits(location_id, company_id, amount, kind). */
Datum
cowork_grant_company_credits(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"location_id", "company_id", "amount", "kind"};
	static SPIPlanPtr plan = NULL;
	Datum		amount;
	Datum		balance;

	CoworkRequireLocationArg(fcinfo, 0, COWORK_ACCESS_ADMIN);
	CoworkRequireArgs(fcinfo, argnames, 4);
	amount = checked_amount(PG_GETARG_DATUM(2));
	CoworkSPIConnect();
	if (CoworkExecuteKey(&plan,
						 "SELECT 1 FROM cowork.company WHERE location_id OPERATOR(pg_catalog.=) $1"
						 " AND company_id OPERATOR(pg_catalog.=) $2",
						 PG_GETARG_INT64(0), PG_GETARG_INT64(1), SPI_OK_SELECT, 1) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("company %lld does not exist at location %lld",
						(long long) PG_GETARG_INT64(1), (long long) PG_GETARG_INT64(0))));
	balance = add_to_balance(PG_GETARG_INT64(0), "company", PG_GETARG_INT64(1),
							 CoworkEnumLabel(PG_GETARG_DATUM(3)), amount, "grant", 0);
	CoworkSPIFinish();
	PG_RETURN_DATUM(balance);
}

/* buy_credits(location_id, person_id, amount, kind) returns the balance. */
Datum
cowork_buy_credits(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"location_id", "person_id", "amount", "kind"};
	Datum		amount;
	Datum		balance;

	CoworkRequireLocationArg(fcinfo, 0, COWORK_ACCESS_ADMIN);
	CoworkRequireArgs(fcinfo, argnames, 4);
	amount = checked_amount(PG_GETARG_DATUM(2));
	CoworkSPIConnect();
	(void) require_capability(PG_GETARG_INT64(0), PG_GETARG_INT64(1), CAP_BUY_CREDITS);
	balance = add_to_balance(PG_GETARG_INT64(0), "person", PG_GETARG_INT64(1),
							 CoworkEnumLabel(PG_GETARG_DATUM(3)), amount, "buy",
							 PG_GETARG_INT64(1));
	CoworkSPIFinish();
	PG_RETURN_DATUM(balance);
}

/*
 * use_credits(location_id, person_id, amount, kind) returns whose balance
 * paid: 'person', or 'company'.  55000 when neither covers the amount.
 */
Datum
cowork_use_credits(PG_FUNCTION_ARGS)
{
	static const char *const argnames[] = {"location_id", "person_id", "amount", "kind"};
	int64		location_id;
	int64		person_id;
	int64		company_id;
	Datum		amount;
	char	   *kind;
	const char *paid = NULL;

	CoworkRequireLocationArg(fcinfo, 0, COWORK_ACCESS_ADMIN);
	CoworkRequireArgs(fcinfo, argnames, 4);
	amount = checked_amount(PG_GETARG_DATUM(2));
	location_id = PG_GETARG_INT64(0);
	person_id = PG_GETARG_INT64(1);
	kind = CoworkEnumLabel(PG_GETARG_DATUM(3));

	CoworkSPIConnect();
	company_id = require_capability(location_id, person_id,
									strcmp(kind, "day_passes") == 0 ?
									CAP_USE_DAY_PASSES : CAP_USE_CREDITS);
	if (take_from_balance(location_id, "person", person_id, kind, amount, person_id))
		paid = "person";
	else if (company_id != 0 && company_shares(location_id, company_id) &&
			 take_from_balance(location_id, "company", company_id, kind, amount, person_id))
		paid = "company";
	if (paid == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("person %lld has not enough %s at location %lld for %s",
						(long long) person_id, kind, (long long) location_id,
						DatumGetCString(DirectFunctionCall1(numeric_out, amount))),
				 errhint("Buy more with cowork.buy_credits(), or ask the company to share its balance.")));
	CoworkSPIFinish();
	PG_RETURN_TEXT_P(cstring_to_text(paid));
}
