/*-------------------------------------------------------------------------
 *
 * email.c
 *	  The email rule (SPEC section 3), in one place, and the trigger that
 *	  applies it to every row of cowork.person.
 *
 * A person logs in with a one-time code sent to their email, so a person
 * never exists without a valid one.  Addresses are stored trimmed and
 * lower-case.  The rule is strict but practical:
 *
 *	- exactly one "@";
 *	- a local part of 1..64 octets made of letters, digits, the characters
 *	  !#$%&'*+/=?^_`{|}~- and dots, with no dot first, last or doubled;
 *	- a domain of at most 253 octets made of at least two dot-separated
 *	  labels of 1..63 letters, digits and hyphens, with no hyphen first or
 *	  last in a label;
 *	- at most 254 octets in all, no whitespace, no control characters, ASCII
 *	  only (quoted local parts, address literals and internationalised
 *	  addresses are not accepted).
 *
 * Every violation raises ERRCODE_INVALID_PARAMETER_VALUE (22023) with a
 * message that says what is wrong; a NULL address is an error too.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/rel.h"

#include "cowork.h"

#define EMAIL_MAX_OCTETS	254
#define LOCAL_MAX_OCTETS	64
#define DOMAIN_MAX_OCTETS	253
#define LABEL_MAX_OCTETS	63

/* Longest address quoted back in an error's detail. */
#define EMAIL_MAX_QUOTED	320

PG_FUNCTION_INFO_V1(cowork_normalize_email);
PG_FUNCTION_INFO_V1(cowork_is_valid_email);
PG_FUNCTION_INFO_V1(cowork_person_trigger);

/* ASCII whitespace, as the trimming and the whitespace check see it. */
static inline bool
is_email_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		c == '\v' || c == '\f';
}

/* Narrow [*begin, *end) to leave out ASCII whitespace at both ends. */
static void
trim_span(const char **begin, const char **end)
{
	while (*begin < *end && is_email_space((unsigned char) **begin))
		(*begin)++;
	while (*end > *begin && is_email_space((unsigned char) (*end)[-1]))
		(*end)--;
}

/* RFC 5322 "atext": what a local part may hold besides dots. */
static inline bool
is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+/=?^_`{|}~-", c) != NULL);
}

/* What a domain label may hold: letters, digits and hyphens. */
static inline bool
is_label_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '-';
}

/*
 * Check the domain part [dom, dom + len); return NULL when it is valid, else
 * a palloc'd sentence saying what is wrong.
 */
static char *
domain_problem(const char *dom, int len)
{
	int			labels = 0;
	int			start = 0;

	Assert(len > 0 && len <= DOMAIN_MAX_OCTETS);
	while (start <= len)
	{
		int			end = start;
		char	   *label;

		while (end < len && dom[end] != '.')
			end++;
		labels++;
		if (end == start)
			return pstrdup("email address domain has an empty label (a dot first, last or doubled)");
		label = pnstrdup(dom + start, end - start);
		if (end - start > LABEL_MAX_OCTETS)
			return psprintf("email address domain label \"%s\" is longer than %d octets",
							label, LABEL_MAX_OCTETS);
		for (int i = start; i < end; i++)
		{
			if (!is_label_char((unsigned char) dom[i]))
				return psprintf("email address domain label \"%s\" contains \"%c\": labels hold only letters, digits and hyphens",
								label, dom[i]);
		}
		if (dom[start] == '-')
			return psprintf("email address domain label \"%s\" begins with a hyphen", label);
		if (dom[end - 1] == '-')
			return psprintf("email address domain label \"%s\" ends with a hyphen", label);
		pfree(label);
		start = end + 1;
	}
	if (labels < 2)
		return pstrdup("email address domain needs at least two labels, such as example.com");
	return NULL;
}

/*
 * Apply the email rule to a C string (NULL for an SQL NULL).  On success
 * return true and set *normalized to the trimmed, lower-cased address; on
 * failure return false and set *problem to the error message.
 */
static bool
check_email(const char *email, char **normalized, char **problem)
{
	const char *begin;
	const char *end;
	const char *at = NULL;
	int			len;
	int			ats = 0;
	int			local_len;
	char	   *result;

	*normalized = NULL;
	*problem = NULL;

	if (email == NULL)
	{
		*problem = pstrdup("email address is required");
		return false;
	}

	begin = email;
	end = email + strlen(email);
	trim_span(&begin, &end);
	len = end - begin;

	if (len == 0)
	{
		*problem = pstrdup("email address is required (it is empty)");
		return false;
	}

	for (const char *p = begin; p < end; p++)
	{
		unsigned char c = (unsigned char) *p;

		if (is_email_space(c))
		{
			*problem = pstrdup("email address must not contain whitespace");
			return false;
		}
		if (c < 0x20 || c == 0x7f)
		{
			*problem = pstrdup("email address must not contain control characters");
			return false;
		}
		if (c >= 0x80)
		{
			*problem = pstrdup("email address must contain only ASCII characters");
			return false;
		}
		if (c == '@')
		{
			ats++;
			if (at == NULL)
				at = p;
		}
	}

	if (ats == 0)
	{
		*problem = pstrdup("email address must contain an @");
		return false;
	}
	if (ats > 1)
	{
		*problem = psprintf("email address must contain exactly one @, not %d", ats);
		return false;
	}

	local_len = at - begin;
	if (local_len == 0)
	{
		*problem = pstrdup("email address has an empty local part (nothing before the @)");
		return false;
	}
	if (local_len > LOCAL_MAX_OCTETS)
	{
		*problem = psprintf("email address local part is longer than %d octets", LOCAL_MAX_OCTETS);
		return false;
	}
	if (end - at - 1 == 0)
	{
		*problem = pstrdup("email address has an empty domain (nothing after the @)");
		return false;
	}
	if (end - at - 1 > DOMAIN_MAX_OCTETS)
	{
		*problem = psprintf("email address domain is longer than %d octets", DOMAIN_MAX_OCTETS);
		return false;
	}
	if (len > EMAIL_MAX_OCTETS)
	{
		*problem = psprintf("email address is longer than %d octets", EMAIL_MAX_OCTETS);
		return false;
	}
	for (const char *p = begin; p < at; p++)
	{
		if (*p == '.')
		{
			if (p == begin || p + 1 == at || p[1] == '.')
			{
				*problem = pstrdup("email address local part must not begin or end with a dot or hold two dots in a row");
				return false;
			}
		}
		else if (!is_atext((unsigned char) *p))
		{
			*problem = psprintf("email address local part contains \"%c\", which is not allowed", *p);
			return false;
		}
	}

	*problem = domain_problem(at + 1, end - at - 1);
	if (*problem != NULL)
		return false;

	result = palloc(len + 1);
	for (int i = 0; i < len; i++)
		result[i] = pg_ascii_tolower((unsigned char) begin[i]);
	result[len] = '\0';
	*normalized = result;
	return true;
}

/*
 * The email rule for C callers: return the normalised address, or raise
 * 22023 saying what is wrong.  With missing_ok, a NULL address gives NULL.
 */
char *
CoworkNormalizeEmail(const char *email, bool missing_ok)
{
	char	   *normalized;
	char	   *problem;

	if (email == NULL && missing_ok)
		return NULL;
	if (check_email(email, &normalized, &problem))
		return normalized;

	if (email == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s", problem),
				 errdetail("The email address is NULL."),
				 errhint("Every person needs an email address: it is how they log in.")));

	/* Quote the address back when that is readable. */
	for (const char *p = email; *p; p++)
	{
		if ((unsigned char) *p < 0x20 || *p == 0x7f)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s", problem)));
	}
	if (strlen(email) > EMAIL_MAX_QUOTED)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s", problem),
				 errdetail("The address given is %zu octets long.", strlen(email))));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", problem),
			 errdetail("The address given is \"%s\".", email)));
	return NULL;				/* keep compiler quiet */
}

/*
 * normalize_email(text) returns text: the rule as an SQL function.
 */
Datum
cowork_normalize_email(PG_FUNCTION_ARGS)
{
	char	   *email = PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0));

	PG_RETURN_TEXT_P(cstring_to_text(CoworkNormalizeEmail(email, false)));
}

/*
 * is_valid_email(text) returns boolean: the rule without the error.
 */
Datum
cowork_is_valid_email(PG_FUNCTION_ARGS)
{
	char	   *normalized;
	char	   *problem;

	if (PG_ARGISNULL(0))
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(check_email(text_to_cstring(PG_GETARG_TEXT_PP(0)),
							   &normalized, &problem));
}

/*
 * Trim ASCII whitespace from both ends of a text column value; NULL stays
 * NULL.  Returns a palloc'd C string.
 */
static char *
trimmed_column(HeapTuple tuple, TupleDesc tupdesc, int attnum)
{
	char	   *value = SPI_getvalue(tuple, tupdesc, attnum);
	const char *begin;
	const char *end;

	if (value == NULL)
		return NULL;
	begin = value;
	end = value + strlen(value);
	trim_span(&begin, &end);
	return pnstrdup(begin, end - begin);
}

/* The attribute number of a column that must exist, by name. */
static int
required_column(Relation rel, const char *name)
{
	int			attnum = SPI_fnumber(RelationGetDescr(rel), name);

	if (attnum <= 0)
		elog(ERROR, "cowork: table \"%s\" has no column \"%s\"",
			 RelationGetRelationName(rel), name);
	return attnum;
}

/*
 * BEFORE INSERT OR UPDATE trigger on cowork.person: the email rule on the
 * email column, a required trimmed full_name, a trimmed phone (blank means
 * NULL).
 */
Datum
cowork_person_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;
	TupleDesc	tupdesc;
	HeapTuple	tuple;
	int			cols[3];
	Datum		values[3];
	bool		nulls[3];
	char	   *email;
	char	   *full_name;
	char	   *phone;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "cowork_person_trigger: not called by trigger manager");
	if (!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!(TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) ||
		  TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event)))
		elog(ERROR, "cowork_person_trigger: must fire BEFORE INSERT OR UPDATE FOR EACH ROW");
	if (CoworkRestoringRow(trigdata))
		return PointerGetDatum(trigdata->tg_trigtuple);

	rel = trigdata->tg_relation;
	tupdesc = RelationGetDescr(rel);
	tuple = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ?
		trigdata->tg_newtuple : trigdata->tg_trigtuple;

	cols[0] = required_column(rel, "email");
	cols[1] = required_column(rel, "full_name");
	cols[2] = required_column(rel, "phone");

	email = CoworkNormalizeEmail(SPI_getvalue(tuple, tupdesc, cols[0]), false);

	full_name = trimmed_column(tuple, tupdesc, cols[1]);
	if (full_name == NULL || full_name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("full name is required"),
				 errdetail("The person with email \"%s\" has no name.", email)));

	phone = trimmed_column(tuple, tupdesc, cols[2]);

	values[0] = CStringGetTextDatum(email);
	nulls[0] = false;
	values[1] = CStringGetTextDatum(full_name);
	nulls[1] = false;
	nulls[2] = (phone == NULL || phone[0] == '\0');
	values[2] = nulls[2] ? (Datum) 0 : CStringGetTextDatum(phone);

	return PointerGetDatum(heap_modify_tuple_by_cols(tuple, tupdesc, 3, cols,
													 values, nulls));
}
