/*-------------------------------------------------------------------------
 *
 * email_fuzz.c
 *	  A libFuzzer harness for the email validator of src/email.c, run
 *	  outside the server (shim.c stands in for the backend).
 *
 * Every input (its octets up to the first NUL, as a C string) goes through
 * CoworkNormalizeEmail() and through the SQL functions normalize_email()
 * and is_valid_email(), and the outcome is checked against a reference
 * written here independently from the rule, not from the validator's code:
 *
 *	- the reference acceptor (ref_normalize) and the validator agree, both
 *	  ways: what one accepts the other accepts, with the same stored form;
 *	- an accepted address's stored form satisfies the rule on its own terms
 *	  (check_stored_form), is the input trimmed and lower-cased, and
 *	  normalises to itself (normalising twice = normalising once);
 *	- a rejection is SQLSTATE 22023 with one of the validator's documented
 *	  messages, the message's claim holds of the input (an address said to
 *	  contain whitespace does contain some, and so on), and the detail
 *	  quotes the address back exactly as documented;
 *	- the three entry points agree, and so do the input padded with
 *	  whitespace and the input with the case of its letters swapped.
 *
 * Any disagreement prints "DISAGREEMENT:" and the input, and aborts, so
 * libFuzzer saves the input as a crash file.  At exit the harness prints
 * how many inputs were accepted and rejected, for which reasons, and how
 * many accepted addresses were at each length limit.
 *
 * test/fuzz/run.sh builds and runs it; docs/performance.md has the figures.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdint.h>

#include "fmgr.h"
#include "utils/builtins.h"

#include "cowork.h"
#include "shim.h"

extern PGDLLEXPORT Datum cowork_normalize_email(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum cowork_is_valid_email(PG_FUNCTION_ARGS);

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The rule's limits, written here again rather than taken from email.c. */
#define REF_EMAIL_MAX	254
#define REF_LOCAL_MAX	64
#define REF_DOMAIN_MAX	253
#define REF_LABEL_MAX	63

/* The validator quotes an address back in the detail up to this length. */
#define REF_QUOTED_MAX	320

/* The reference's character classes. */
static const char ref_space[] = " \t\n\r\v\f";
static const char ref_atext[] =
"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
"!#$%&'*+/=?^_`{|}~-";
static const char ref_ldh[] =
"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";

/*
 * The validator's rejection messages, as the documentation lists them:
 * a message matches when it begins with prefix and ends with suffix.
 */
typedef enum Reason
{
	R_EMPTY,
	R_WHITESPACE,
	R_CONTROL,
	R_NON_ASCII,
	R_NO_AT,
	R_MANY_AT,
	R_EMPTY_LOCAL,
	R_LONG_LOCAL,
	R_EMPTY_DOMAIN,
	R_LONG_DOMAIN,
	R_LONG_ADDRESS,
	R_LOCAL_DOTS,
	R_LOCAL_CHAR,
	R_EMPTY_LABEL,
	R_LONG_LABEL,
	R_LABEL_CHAR,
	R_LABEL_HYPHEN_FIRST,
	R_LABEL_HYPHEN_LAST,
	R_ONE_LABEL,
	R_COUNT
} Reason;

typedef struct ReasonText
{
	const char *prefix;
	const char *suffix;
} ReasonText;

static const ReasonText reason_text[R_COUNT] = {
	[R_EMPTY] = {"email address is required (it is empty)", ""},
	[R_WHITESPACE] = {"email address must not contain whitespace", ""},
	[R_CONTROL] = {"email address must not contain control characters", ""},
	[R_NON_ASCII] = {"email address must contain only ASCII characters", ""},
	[R_NO_AT] = {"email address must contain an @", ""},
	[R_MANY_AT] = {"email address must contain exactly one @, not ", ""},
	[R_EMPTY_LOCAL] = {"email address has an empty local part (nothing before the @)", ""},
	[R_LONG_LOCAL] = {"email address local part is longer than 64 octets", ""},
	[R_EMPTY_DOMAIN] = {"email address has an empty domain (nothing after the @)", ""},
	[R_LONG_DOMAIN] = {"email address domain is longer than 253 octets", ""},
	[R_LONG_ADDRESS] = {"email address is longer than 254 octets", ""},
	[R_LOCAL_DOTS] = {"email address local part must not begin or end with a dot or hold two dots in a row", ""},
	[R_LOCAL_CHAR] = {"email address local part contains \"", "\", which is not allowed"},
	[R_EMPTY_LABEL] = {"email address domain has an empty label (a dot first, last or doubled)", ""},
	[R_LONG_LABEL] = {"email address domain label \"", "\" is longer than 63 octets"},
	[R_LABEL_CHAR] = {"email address domain label \"", "\": labels hold only letters, digits and hyphens"},
	[R_LABEL_HYPHEN_FIRST] = {"email address domain label \"", "\" begins with a hyphen"},
	[R_LABEL_HYPHEN_LAST] = {"email address domain label \"", "\" ends with a hyphen"},
	[R_ONE_LABEL] = {"email address domain needs at least two labels, such as example.com", ""},
};

/* Which reasons are whole messages (no variable part). */
#define REASON_IS_FIXED(r) \
	((r) != R_MANY_AT && reason_text[r].suffix[0] == '\0')

/* What the run saw, printed at exit. */
typedef struct FuzzStats
{
	long		inputs;
	long		accepted;
	long		rejected;
	long		disagreements;	/* always 0 on exit: the first one aborts */
	long		reasons[R_COUNT];
	long		at_local_max;	/* accepted with a 64-octet local part */
	long		at_label_max;	/* ... with a 63-octet label */
	long		at_email_max;	/* ... 254 octets in all */
	size_t		longest_domain; /* the longest domain accepted */
	long		trimmed;		/* ... with whitespace trimmed off */
	long		lowered;		/* ... with upper-case letters lowered */
	size_t		longest_input;
} FuzzStats;

static FuzzStats stats;

/* The outcome of one call of the validator. */
typedef struct Outcome
{
	bool		accepted;
	char	   *result;			/* on acceptance: the stored form */
	ShimError	error;			/* on rejection: what was raised */
} Outcome;

/* One way into the validator: return its result or raise an ERROR. */
typedef char *(*EntryPoint) (const char *input);

/* Print an input with its octets escaped, so that any of them is visible. */
static void
print_escaped(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++)
	{
		unsigned char c = (unsigned char) *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/*
 * Report a disagreement between the validator and the reference, and abort
 * so that libFuzzer keeps the input.
 */
static void
disagree(const char *input, const char *what, const char *got)
{
	stats.disagreements++;
	fprintf(stderr, "DISAGREEMENT: %s\n  input: ", what);
	print_escaped(stderr, input);
	if (got != NULL)
	{
		fprintf(stderr, "\n  got:   ");
		print_escaped(stderr, got);
	}
	fprintf(stderr, "\n");
	abort();
}

/* Is c one of the octets of set (never the terminating NUL)? */
static bool
ref_in(const char *set, char c)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/*
 * The input with ASCII whitespace trimmed from both ends and ASCII letters
 * lower-cased, in a malloc'd string.
 */
static char *
ref_trim_lower(const char *input)
{
	const char *begin = input;
	const char *end = input + strlen(input);
	char	   *out;
	size_t		n;

	while (begin < end && ref_in(ref_space, *begin))
		begin++;
	while (end > begin && ref_in(ref_space, end[-1]))
		end--;
	n = end - begin;
	out = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
	{
		char		c = begin[i];

		out[i] = (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
	}
	out[n] = '\0';
	return out;
}

/*
 * Is s a non-empty list of at least min_parts parts separated by single
 * dots, at most max_len octets, each part 1..max_part octets of set, and,
 * with no_edge_hyphen, no part beginning or ending with a hyphen?
 */
static bool
ref_dotted(const char *s, size_t max_len, int min_parts, size_t max_part,
		   const char *set, bool no_edge_hyphen)
{
	int			parts = 0;
	size_t		len = strlen(s);

	if (len == 0 || len > max_len)
		return false;
	for (;;)
	{
		const char *dot = strchr(s, '.');
		size_t		part = dot ? (size_t) (dot - s) : strlen(s);
		size_t		good = 0;

		while (good < part && ref_in(set, s[good]))
			good++;
		if (part == 0 || part > max_part || good != part)
			return false;
		if (no_edge_hyphen && (s[0] == '-' || s[part - 1] == '-'))
			return false;
		parts++;
		if (dot == NULL)
			break;
		s = dot + 1;
	}
	return parts >= min_parts;
}

/*
 * The reference acceptor: the rule as the documentation states it.  Return
 * the stored form (malloc'd) when input is a valid address, else NULL.
 *
 * An address is valid when, trimmed of ASCII whitespace at both ends, it is
 * 1..254 octets holding exactly one "@"; before it, a dot-atom (RFC 5322:
 * atext runs joined by single dots) of at most 64 octets; after it, at
 * least two dot-separated labels of 1..63 letters, digits and hyphens, not
 * beginning or ending with a hyphen, at most 253 octets in all.  Since the
 * character sets hold only printable ASCII, whitespace, control characters
 * and non-ASCII octets are refused by construction.
 */
static char *
ref_normalize(const char *input)
{
	char	   *stored = ref_trim_lower(input);
	char	   *copy = strdup(stored);
	char	   *at = strchr(copy, '@');
	bool		ok;

	ok = strlen(copy) <= REF_EMAIL_MAX && at != NULL &&
		strchr(at + 1, '@') == NULL;
	if (ok)
	{
		*at = '\0';
		ok = ref_dotted(copy, REF_LOCAL_MAX, 1, REF_LOCAL_MAX, ref_atext, false) &&
			ref_dotted(at + 1, REF_DOMAIN_MAX, 2, REF_LABEL_MAX, ref_ldh, true);
	}
	free(copy);
	if (!ok)
	{
		free(stored);
		return NULL;
	}
	return stored;
}

/*
 * Check a stored form on its own terms: what every stored address must be,
 * stated directly (no trimming, no case folding left to do).
 */
static void
check_stored_form(const char *input, const char *s)
{
	size_t		len = strlen(s);
	const char *at = strchr(s, '@');
	const char *domain;
	size_t		local_len;
	int			labels = 0;

	if (len < 3 || len > REF_EMAIL_MAX)
		disagree(input, "stored form is not 3..254 octets", s);
	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c <= 0x20 || c >= 0x7f)
			disagree(input, "stored form holds whitespace, a control or a non-ASCII octet", s);
		if (c >= 'A' && c <= 'Z')
			disagree(input, "stored form holds an upper-case letter", s);
	}
	if (at == NULL || strchr(at + 1, '@') != NULL)
		disagree(input, "stored form does not hold exactly one @", s);

	local_len = at - s;
	if (local_len < 1 || local_len > REF_LOCAL_MAX)
		disagree(input, "stored local part is not 1..64 octets", s);
	if (s[0] == '.' || at[-1] == '.')
		disagree(input, "stored local part begins or ends with a dot", s);
	for (size_t i = 0; i < local_len; i++)
	{
		if (s[i] == '.' && s[i + 1] == '.')
			disagree(input, "stored local part holds two dots in a row", s);
		if (s[i] != '.' && (!ref_in(ref_atext, s[i]) || (s[i] >= 'A' && s[i] <= 'Z')))
			disagree(input, "stored local part holds an octet outside atext", s);
	}

	domain = at + 1;
	if (strlen(domain) < 1 || strlen(domain) > REF_DOMAIN_MAX)
		disagree(input, "stored domain is not 1..253 octets", s);
	for (const char *label = domain;;)
	{
		size_t		n = strcspn(label, ".");

		if (n < 1 || n > REF_LABEL_MAX)
			disagree(input, "stored domain label is not 1..63 octets", s);
		for (size_t i = 0; i < n; i++)
		{
			char		c = label[i];

			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
				disagree(input, "stored domain label holds an octet outside [a-z0-9-]", s);
		}
		if (label[0] == '-' || label[n - 1] == '-')
			disagree(input, "stored domain label begins or ends with a hyphen", s);
		labels++;
		if (label[n] == '\0')
			break;
		label += n + 1;
	}
	if (labels < 2)
		disagree(input, "stored domain has fewer than two labels", s);
}

/* The C entry point: CoworkNormalizeEmail(input, false). */
static char *
entry_c(const char *input)
{
	return CoworkNormalizeEmail(input, false);
}

/* normalize_email(text), called as the executor would call it. */
static char *
entry_sql_normalize(const char *input)
{
	LOCAL_FCINFO(fcinfo, 1);
	Datum		result;

	InitFunctionCallInfoData(*fcinfo, NULL, 1, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = input ? PointerGetDatum(cstring_to_text(input)) : (Datum) 0;
	fcinfo->args[0].isnull = (input == NULL);
	result = cowork_normalize_email(fcinfo);
	if (fcinfo->isnull)
		disagree(input ? input : "", "normalize_email returned NULL", NULL);
	return text_to_cstring(DatumGetTextPP(result));
}

/* is_valid_email(text): "t" or "f"; it must never raise. */
static char *
entry_sql_is_valid(const char *input)
{
	LOCAL_FCINFO(fcinfo, 1);
	Datum		result;

	InitFunctionCallInfoData(*fcinfo, NULL, 1, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = input ? PointerGetDatum(cstring_to_text(input)) : (Datum) 0;
	fcinfo->args[0].isnull = (input == NULL);
	result = cowork_is_valid_email(fcinfo);
	if (fcinfo->isnull)
		disagree(input ? input : "", "is_valid_email returned NULL", NULL);
	return pstrdup(DatumGetBool(result) ? "t" : "f");
}

/*
 * Call one entry point, catching an ERROR the way PG_TRY does: errfinish()
 * in the shim siglongjmp()s back here.
 */
static void
call(EntryPoint entry, const char *input, Outcome *outcome)
{
	sigjmp_buf	jump;
	sigjmp_buf *volatile saved = shim_error_jmp;

	memset(outcome, 0, sizeof(*outcome));
	if (sigsetjmp(jump, 0) == 0)
	{
		shim_error_jmp = &jump;
		outcome->result = entry(input);
		outcome->accepted = true;
	}
	else
	{
		outcome->accepted = false;
		outcome->error = shim_error;
	}
	shim_error_jmp = saved;
}

/* Does s begin with prefix and end with suffix, without overlap? */
static bool
matches(const char *s, const char *prefix, const char *suffix)
{
	size_t		len = strlen(s);
	size_t		plen = strlen(prefix);
	size_t		slen = strlen(suffix);

	return len >= plen + slen && strncmp(s, prefix, plen) == 0 &&
		strcmp(s + len - slen, suffix) == 0;
}

/* The documented reason of a rejection message, or R_COUNT if none. */
static Reason
classify(const char *message)
{
	for (int r = 0; r < R_COUNT; r++)
	{
		const ReasonText *t = &reason_text[r];

		if (REASON_IS_FIXED(r) ? strcmp(message, t->prefix) == 0 :
			matches(message, t->prefix, t->suffix))
			return (Reason) r;
	}
	return R_COUNT;
}

/* How many times c occurs in s. */
static int
count_char(const char *s, char c)
{
	int			n = 0;

	for (; *s; s++)
		n += (*s == c);
	return n;
}

/*
 * Check what a rejection says of the input against the input: cheap
 * necessary conditions, one per reason that has one.
 */
static void
check_reason(const char *input, Reason reason, const char *message)
{
	char	   *t = ref_trim_lower(input);
	size_t		len = strlen(t);
	const char *at = strchr(t, '@');
	bool		space = false;
	bool		control = false;
	bool		high = false;
	Reason		first_bad = R_COUNT;

	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) t[i];
		Reason		bad = R_COUNT;

		if (ref_in(ref_space, t[i]))
			space = true, bad = R_WHITESPACE;
		else if (c < 0x20 || c == 0x7f)
			control = true, bad = R_CONTROL;
		else if (c >= 0x80)
			high = true, bad = R_NON_ASCII;
		if (first_bad == R_COUNT)
			first_bad = bad;
	}

	/*
	 * An empty address is refused as such, and an octet that may appear
	 * nowhere in an address is reported before anything else, the first one
	 * deciding: a control character is not "a local part octet".
	 */
	if ((reason == R_EMPTY) != (len == 0))
		disagree(input, "empty or not, the message says otherwise", message);
	if (first_bad != R_COUNT && reason != first_bad)
		disagree(input, "the first whitespace, control or non-ASCII octet is not the reason", message);

	switch (reason)
	{
		case R_EMPTY:
			if (len != 0)
				disagree(input, "said empty, is not", message);
			break;
		case R_WHITESPACE:
			if (!space)
				disagree(input, "said to contain whitespace, does not", message);
			break;
		case R_CONTROL:
			if (!control)
				disagree(input, "said to contain a control character, does not", message);
			break;
		case R_NON_ASCII:
			if (!high)
				disagree(input, "said to contain non-ASCII, does not", message);
			break;
		case R_NO_AT:
			if (at != NULL)
				disagree(input, "said to have no @, has one", message);
			break;
		case R_MANY_AT:
			{
				int			n = count_char(t, '@');
				char		expect[64];

				snprintf(expect, sizeof(expect), "%s%d",
						 reason_text[R_MANY_AT].prefix, n);
				if (n < 2 || strcmp(message, expect) != 0)
					disagree(input, "wrong count of @", message);
				break;
			}
		case R_EMPTY_LOCAL:
			if (at != t)
				disagree(input, "said to have an empty local part, has not", message);
			break;
		case R_LONG_LOCAL:
			if (at == NULL || at - t <= REF_LOCAL_MAX)
				disagree(input, "said to have a long local part, has not", message);
			break;
		case R_EMPTY_DOMAIN:
			if (at == NULL || at[1] != '\0')
				disagree(input, "said to have an empty domain, has not", message);
			break;
		case R_LONG_DOMAIN:
			if (at == NULL || strlen(at + 1) <= REF_DOMAIN_MAX)
				disagree(input, "said to have a long domain, has not", message);
			break;
		case R_LONG_ADDRESS:
			if (len <= REF_EMAIL_MAX)
				disagree(input, "said to be too long, is not", message);
			break;
		case R_LOCAL_CHAR:
			{
				char		c = message[strlen(reason_text[R_LOCAL_CHAR].prefix)];

				if (c == '.' || ref_in(ref_atext, c) || at == NULL ||
					memchr(t, (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c, at - t) == NULL)
					disagree(input, "said to hold a bad local octet, does not", message);
				break;
			}
		case R_LABEL_CHAR:
			{
				size_t		slen = strlen(reason_text[R_LABEL_CHAR].suffix);
				char		c = message[strlen(message) - slen - 1];

				if (ref_in(ref_ldh, c) || at == NULL || strchr(at + 1, c) == NULL)
					disagree(input, "said to hold a bad label octet, does not", message);
				break;
			}
		default:
			/* the reference acceptor's verdict covers the rest */
			break;
	}
	free(t);
}

/*
 * Check the detail of a rejection: the address quoted back when it has no
 * control character (trimmed part included) and is at most 320 octets, its
 * length when it is longer, nothing when it holds a control character.
 */
static void
check_detail(const char *input, const ShimError *error)
{
	bool		control = false;
	size_t		len = strlen(input);
	char	   *expect = NULL;

	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) input[i];

		if (c < 0x20 || c == 0x7f)
			control = true;
	}
	if (!control)
	{
		expect = malloc(len + 64);
		if (len > REF_QUOTED_MAX)
			sprintf(expect, "The address given is %zu octets long.", len);
		else
			sprintf(expect, "The address given is \"%s\".", input);
	}
	if ((expect == NULL) != (error->detail == NULL) ||
		(expect != NULL && strcmp(expect, error->detail) != 0))
		disagree(input, "unexpected detail", error->detail);
	if (error->hint != NULL)
		disagree(input, "unexpected hint", error->hint);
	free(expect);
}

/* Swap the case of the ASCII letters of s, in a malloc'd copy. */
static char *
swap_case(const char *s)
{
	char	   *out = strdup(s);

	for (char *p = out; *p; p++)
	{
		if (*p >= 'a' && *p <= 'z')
			*p = *p - 'a' + 'A';
		else if (*p >= 'A' && *p <= 'Z')
			*p = *p - 'A' + 'a';
	}
	return out;
}

/* s with whitespace added at both ends, in a malloc'd copy. */
static char *
pad_space(const char *s)
{
	size_t		len = strlen(s);
	char	   *out = malloc(len + 6);

	memcpy(out, " \t", 2);
	memcpy(out + 2, s, len);
	memcpy(out + 2 + len, "\r\n ", 4);
	return out;
}

/* A variant of the input must meet the same verdict and stored form. */
static void
check_variant(const char *input, const char *variant, const Outcome *original,
			  const char *what)
{
	Outcome		v;

	call(entry_c, variant, &v);
	if (v.accepted != original->accepted ||
		(v.accepted && strcmp(v.result, original->result) != 0))
		disagree(input, what, v.accepted ? v.result : v.error.message);
}

/* Count an accepted address at each of the rule's length limits. */
static void
count_limits(const char *input, const char *stored)
{
	const char *at = strchr(stored, '@');
	size_t		label_max = 0;

	if (at - stored == REF_LOCAL_MAX)
		stats.at_local_max++;
	if (strlen(at + 1) > stats.longest_domain)
		stats.longest_domain = strlen(at + 1);
	if (strlen(stored) == REF_EMAIL_MAX)
		stats.at_email_max++;
	for (const char *label = at + 1;;)
	{
		size_t		n = strcspn(label, ".");

		if (n > label_max)
			label_max = n;
		if (label[n] == '\0')
			break;
		label += n + 1;
	}
	if (label_max == REF_LABEL_MAX)
		stats.at_label_max++;
	if (strlen(stored) != strlen(input))
		stats.trimmed++;
	for (const char *p = input; *p; p++)
	{
		if (*p >= 'A' && *p <= 'Z')
		{
			stats.lowered++;
			break;
		}
	}
}

/* All the checks of one input. */
static void
check_input(const char *input)
{
	Outcome		c;
	Outcome		sql;
	Outcome		valid;
	char	   *ref = ref_normalize(input);
	char	   *variant;

	call(entry_c, input, &c);
	call(entry_sql_normalize, input, &sql);
	call(entry_sql_is_valid, input, &valid);

	if (!valid.accepted)
		disagree(input, "is_valid_email raised an error", valid.error.message);
	if (strcmp(valid.result, c.accepted ? "t" : "f") != 0)
		disagree(input, "is_valid_email disagrees with normalize", valid.result);
	if (sql.accepted != c.accepted ||
		(c.accepted && strcmp(sql.result, c.result) != 0) ||
		(!c.accepted && strcmp(sql.error.message, c.error.message) != 0))
		disagree(input, "normalize_email() disagrees with CoworkNormalizeEmail()",
				 sql.accepted ? sql.result : sql.error.message);

	if (c.accepted)
	{
		char	   *expect = ref_trim_lower(input);
		Outcome		again;

		stats.accepted++;
		if (ref == NULL)
			disagree(input, "accepted, the reference rejects it", c.result);
		if (strcmp(c.result, ref) != 0)
			disagree(input, "stored form differs from the reference's", c.result);
		if (strcmp(c.result, expect) != 0)
			disagree(input, "stored form is not the input trimmed and lower-cased", c.result);
		free(expect);
		check_stored_form(input, c.result);

		call(entry_c, c.result, &again);
		if (!again.accepted)
			disagree(input, "the stored form is rejected", again.error.message);
		if (strcmp(again.result, c.result) != 0)
			disagree(input, "normalising twice differs from normalising once", again.result);
		count_limits(input, c.result);
	}
	else
	{
		Reason		reason;

		stats.rejected++;
		if (ref != NULL)
			disagree(input, "rejected, the reference accepts it", c.error.message);
		if (c.error.elevel != ERROR)
			disagree(input, "rejected at a level other than ERROR", c.error.message);
		if (c.error.sqlerrcode != ERRCODE_INVALID_PARAMETER_VALUE)
			disagree(input, "rejected with a SQLSTATE other than 22023", c.error.message);
		if (c.error.message == NULL)
			disagree(input, "rejected with no message", NULL);
		reason = classify(c.error.message);
		if (reason == R_COUNT)
			disagree(input, "rejected with an undocumented message", c.error.message);
		stats.reasons[reason]++;
		check_reason(input, reason, c.error.message);
		check_detail(input, &c.error);
	}

	variant = pad_space(input);
	check_variant(input, variant, &c, "padding with whitespace changes the verdict");
	free(variant);
	variant = swap_case(input);
	check_variant(input, variant, &c, "swapping case changes the verdict");
	free(variant);

	free(ref);
}

/* Print what the run saw (at exit, also at the end of a libFuzzer run). */
static void
print_stats(void)
{
	static const char *const names[R_COUNT] = {
		[R_EMPTY] = "empty",
		[R_WHITESPACE] = "whitespace",
		[R_CONTROL] = "control character",
		[R_NON_ASCII] = "non-ASCII",
		[R_NO_AT] = "no @",
		[R_MANY_AT] = "several @",
		[R_EMPTY_LOCAL] = "empty local part",
		[R_LONG_LOCAL] = "local part > 64",
		[R_EMPTY_DOMAIN] = "empty domain",
		[R_LONG_DOMAIN] = "domain > 253",
		[R_LONG_ADDRESS] = "address > 254",
		[R_LOCAL_DOTS] = "local part dots",
		[R_LOCAL_CHAR] = "local part octet",
		[R_EMPTY_LABEL] = "empty label",
		[R_LONG_LABEL] = "label > 63",
		[R_LABEL_CHAR] = "label octet",
		[R_LABEL_HYPHEN_FIRST] = "label begins with -",
		[R_LABEL_HYPHEN_LAST] = "label ends with -",
		[R_ONE_LABEL] = "one label",
	};

	if (stats.inputs == 0)
		return;
	fprintf(stderr,
			"email_fuzz: %ld inputs (longest %zu octets): %ld accepted, %ld rejected, %ld disagreements\n",
			stats.inputs, stats.longest_input, stats.accepted, stats.rejected,
			stats.disagreements);
	fprintf(stderr,
			"email_fuzz: accepted at the limits: local part 64: %ld, label 63: %ld, address 254: %ld; longest domain %zu; trimmed: %ld, lower-cased: %ld\n",
			stats.at_local_max, stats.at_label_max, stats.at_email_max,
			stats.longest_domain, stats.trimmed, stats.lowered);
	fprintf(stderr, "email_fuzz: rejected by reason:");
	for (int r = 0; r < R_COUNT; r++)
		fprintf(stderr, "%s %s: %ld", r ? "," : "", names[r], stats.reasons[r]);
	fprintf(stderr, "\n");
}

/*
 * libFuzzer's set-up hook: check the NULL address and a few known answers,
 * so that a broken harness fails at once, and print the figures at exit.
 */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const known[][2] = {
		{"Ada@Example.com ", "ada@example.com"},
		{" \tJ.O'Brien+tag@mail-1.example.CO.uk\n", "j.o'brien+tag@mail-1.example.co.uk"},
		{"ada@localhost", NULL},
		{".ada@example.com", NULL},
		{"a..da@example.com", NULL},
		{"ada@-example.com", NULL},
		{"\"ada\"@example.com", NULL},
		{"ada@[192.0.2.1]", NULL},
		{"ad\xc3\xa9@example.com", NULL},
	};
	Outcome		o;

	if (CoworkNormalizeEmail(NULL, true) != NULL)
		disagree("(NULL)", "NULL with missing_ok is not NULL", NULL);
	call(entry_c, NULL, &o);
	if (o.accepted || o.error.sqlerrcode != ERRCODE_INVALID_PARAMETER_VALUE ||
		strcmp(o.error.message, "email address is required") != 0 ||
		o.error.detail == NULL || o.error.hint == NULL)
		disagree("(NULL)", "NULL is not refused as documented", o.error.message);
	call(entry_sql_normalize, NULL, &o);
	if (o.accepted || strcmp(o.error.message, "email address is required") != 0)
		disagree("(NULL)", "normalize_email(NULL) is not refused", o.error.message);
	call(entry_sql_is_valid, NULL, &o);
	if (!o.accepted || strcmp(o.result, "f") != 0)
		disagree("(NULL)", "is_valid_email(NULL) is not false", o.result);
	shim_reset();

	for (int i = 0; i < lengthof(known); i++)
	{
		call(entry_c, known[i][0], &o);
		if (o.accepted != (known[i][1] != NULL) ||
			(o.accepted && strcmp(o.result, known[i][1]) != 0))
			disagree(known[i][0], "known answer", o.accepted ? o.result : o.error.message);
		check_input(known[i][0]);
		shim_reset();
	}
	memset(&stats, 0, sizeof(stats));
	atexit(print_stats);
	return 0;
}

/* libFuzzer's entry point: one input, as a C string. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *input = malloc(size + 1);

	memcpy(input, data, size);
	input[size] = '\0';
	stats.inputs++;
	if (strlen(input) > stats.longest_input)
		stats.longest_input = strlen(input);

	check_input(input);

	free(input);
	shim_reset();
	if (shim_live_chunks() != 0)
		disagree("", "the shim leaked chunks", NULL);
	return 0;
}
