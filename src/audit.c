/*-------------------------------------------------------------------------
 *
 * audit.c
 *	  The audit of a customer's fields other than the status:
 *	  cowork.customer_audit, append-only, one row per changed field.
 *
 * The status has its event log (transitions.c); the other fields that
 * decide what a customer may do (suspended, is_admin, is_company_manager,
 * company_id, customer_type) are kept here, with who, why and when,
 * however they are changed: by a function of the extension (which
 * announces its reason with CoworkAuditBegin()), as part of a status change
 * (the change's cause), or by direct DML (direct_insert, direct_update).
 * The rows are written with the audit owner's rights, so roles that may
 * change customers need no right to write the audit, and cannot forge it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "cowork.h"

/* The audited columns of cowork.customer, in the order rows are written. */
static const char *const audited_fields[] = {
	"suspended", "is_admin", "is_company_manager", "company_id", "customer_type"
};

#define AUDITED_FIELDS lengthof(audited_fields)

/* The reason announced by a function for the row it is changing. */
typedef struct AuditReason
{
	bool		active;
	int64		location_id;
	int64		person_id;
	const char *reason;
} AuditReason;

static AuditReason announced = {false};

/*
 * Announce that the next changes of customer (location_id, person_id) are
 * made by the function named reason, until CoworkAuditEnd().  An error on
 * the way leaves the announcement behind; the next CoworkAuditBegin()
 * replaces it, and it only ever names that one customer row.
 */
void
CoworkAuditBegin(int64 location_id, int64 person_id, const char *reason)
{
	announced.location_id = location_id;
	announced.person_id = person_id;
	announced.reason = reason;
	announced.active = true;
}

void
CoworkAuditEnd(void)
{
	announced.active = false;
}

/* A column's value as text (booleans as true/false, as ::text gives), or NULL. */
static char *
field_text(HeapTuple tuple, TupleDesc tupdesc, int attnum)
{
	bool		isnull;
	Datum		value;

	if (TupleDescAttr(tupdesc, attnum - 1)->atttypid != BOOLOID)
		return SPI_getvalue(tuple, tupdesc, attnum);
	value = heap_getattr(tuple, attnum, tupdesc, &isnull);
	if (isnull)
		return NULL;
	return DatumGetBool(value) ? "true" : "false";
}

/* The value a column takes when an INSERT does not name it, as text. */
static const char *
default_text(const char *field)
{
	if (strcmp(field, "company_id") == 0)
		return NULL;
	if (strcmp(field, "customer_type") == 0)
		return "individual";
	return "false";
}

/*
 * Whether a new row's column holds what an INSERT that does not name it
 * gives (NULL, false, or the enum's first label 'individual'), without
 * calling an output function: the common insert audits nothing.
 */
static bool
at_default(HeapTuple tuple, TupleDesc tupdesc, int attnum)
{
	Form_pg_attribute att = TupleDescAttr(tupdesc, attnum - 1);
	bool		isnull;
	Datum		value = heap_getattr(tuple, attnum, tupdesc, &isnull);

	if (isnull)
		return att->atttypid != BOOLOID;
	if (att->atttypid == BOOLOID)
		return !DatumGetBool(value);
	if (type_is_enum(att->atttypid))
		return strcmp(CoworkEnumLabel(value), "individual") == 0;
	return false;
}

/* Whether two nullable texts differ. */
static bool
texts_differ(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

/* Append one audit row, with the audit owner's rights. */
static void
write_audit(int64 location_id, int64 person_id, const char *field,
			const char *old_value, const char *new_value, const char *reason,
			Oid actor_id)
{
	static SPIPlanPtr plan = NULL;
	static Oid	owner = InvalidOid;
	Oid			argtypes[7] = {INT8OID, INT8OID, TEXTOID, TEXTOID, TEXTOID,
	TEXTOID, TEXTOID};
	Datum		values[7];
	char		nulls[7] = {' ', ' ', ' ', ' ', ' ', ' ', ' '};
	CoworkUserSwitch sw;

	if (!OidIsValid(owner))
		owner = CoworkTableOwner("customer_audit");
	values[0] = Int64GetDatum(location_id);
	values[1] = Int64GetDatum(person_id);
	values[2] = CStringGetTextDatum(field);
	if (old_value == NULL)
		nulls[3] = 'n';
	else
		values[3] = CStringGetTextDatum(old_value);
	if (new_value == NULL)
		nulls[4] = 'n';
	else
		values[4] = CStringGetTextDatum(new_value);
	values[5] = CStringGetTextDatum(reason);
	values[6] = CStringGetTextDatum(GetUserNameFromId(actor_id, false));

	CoworkSPIConnect();
	CoworkSwitchUser(owner, &sw);
	CoworkPlan(&plan,
			   "INSERT INTO cowork.customer_audit"
			   " (location_id, person_id, field, old_value, new_value, reason, actor)"
			   " VALUES ($1, $2, $3, $4, $5, $6, $7)",
			   7, argtypes);
	CoworkExecute(plan, values, nulls, SPI_OK_INSERT, 0);
	CoworkSwitchBack(&sw);
	CoworkSPIFinish();
}

/*
 * Audit the changes between oldtuple (NULL for an insert) and newtuple of
 * customer (location_id, person_id): one row per audited field that
 * differs (for an insert: that differs from its default).  reason and
 * actor are those of the statement (the cause of a status change made with
 * it, or direct DML), unless a function announced its own reason for this
 * row.
 */
void
CoworkAuditCustomer(Relation rel, HeapTuple oldtuple, HeapTuple newtuple,
					int64 location_id, int64 person_id, const char *reason,
					Oid actor)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);

	if (announced.active && announced.location_id == location_id &&
		announced.person_id == person_id)
		reason = announced.reason;

	for (int i = 0; i < AUDITED_FIELDS; i++)
	{
		int			attnum = SPI_fnumber(tupdesc, audited_fields[i]);
		const char *old_value;
		const char *new_value;

		if (attnum <= 0)
			continue;
		/* Cheap tests first: most changes touch none of these. */
		if (oldtuple != NULL)
		{
			if (!CoworkColumnChanged(oldtuple, newtuple, tupdesc, attnum))
				continue;
		}
		else if (at_default(newtuple, tupdesc, attnum))
			continue;
		old_value = oldtuple ? field_text(oldtuple, tupdesc, attnum) :
			default_text(audited_fields[i]);
		new_value = field_text(newtuple, tupdesc, attnum);
		if (!texts_differ(old_value, new_value))
			continue;
		write_audit(location_id, person_id, audited_fields[i],
					oldtuple ? old_value : NULL, new_value, reason, actor);
	}
}
