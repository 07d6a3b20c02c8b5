/*-------------------------------------------------------------------------
 *
 * shim.c
 *	  The backend symbols src/email.c links against, over malloc, so that
 *	  the email validator runs outside the server under the sanitizers.
 *
 * Only what email.c needs is here: the palloc family (each chunk malloc'd
 * on its own, so that AddressSanitizer sees one octet past its end), the
 * ereport machinery (an ERROR longjmps to the harness), the text <-> C
 * string conversions of the SQL functions, and Assert's failure routine.
 * The trigger's SPI and heap calls are not available here and abort.
 *
 * The formatting is PostgreSQL's own: port.h maps vsnprintf to
 * pg_vsnprintf, and the harness links libpgport.a, which also supplies the
 * real pg_ascii_tolower.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stddef.h>

#include "access/htup_details.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "shim.h"

/* A palloc'd chunk: a header on the list of live chunks, then the data. */
typedef union ShimChunk
{
	struct
	{
		union ShimChunk *prev;
		union ShimChunk *next;
		Size		size;
	}			h;
	max_align_t align;			/* keep the data MAXALIGN'd, as palloc does */
} ShimChunk;

static ShimChunk *live_chunks = NULL;
static long live_count = 0;

ShimError	shim_error;
sigjmp_buf *shim_error_jmp = NULL;

/* Report a failure of the shim itself (not of the code under test). */
static void
shim_fatal(const char *what)
{
	fprintf(stderr, "shim: %s\n", what);
	abort();
}

/*
 * palloc: a malloc'd chunk of exactly size octets after the header; an
 * oversized request is a bug in the caller, as it would be an ERROR in the
 * server.
 */
void *
palloc(Size size)
{
	ShimChunk  *chunk;

	if (!AllocSizeIsValid(size))
		shim_fatal("invalid memory alloc request size");
	chunk = malloc(sizeof(ShimChunk) + size);
	if (chunk == NULL)
		shim_fatal("out of memory");
	chunk->h.prev = NULL;
	chunk->h.next = live_chunks;
	chunk->h.size = size;
	if (live_chunks != NULL)
		live_chunks->h.prev = chunk;
	live_chunks = chunk;
	live_count++;
	return chunk + 1;
}

/* pfree: unlink the chunk and free it. */
void
pfree(void *pointer)
{
	ShimChunk  *chunk;

	if (pointer == NULL)
		shim_fatal("pfree of a NULL pointer");
	chunk = ((ShimChunk *) pointer) - 1;
	if (chunk->h.prev != NULL)
		chunk->h.prev->h.next = chunk->h.next;
	else
		live_chunks = chunk->h.next;
	if (chunk->h.next != NULL)
		chunk->h.next->h.prev = chunk->h.prev;
	live_count--;
	free(chunk);
}

/* Free every live chunk, as resetting a memory context would. */
void
shim_reset(void)
{
	while (live_chunks != NULL)
		pfree(live_chunks + 1);
	memset(&shim_error, 0, sizeof(shim_error));
}

/* How many chunks are allocated and not freed. */
long
shim_live_chunks(void)
{
	return live_count;
}

/* pstrdup: a palloc'd copy of a C string. */
char *
pstrdup(const char *in)
{
	Size		len = strlen(in);
	char	   *out = palloc(len + 1);

	memcpy(out, in, len + 1);
	return out;
}

/* pnstrdup: a palloc'd copy of at most len octets of a C string. */
char *
pnstrdup(const char *in, Size len)
{
	char	   *out;

	len = strnlen(in, len);
	out = palloc(len + 1);
	memcpy(out, in, len);
	out[len] = '\0';
	return out;
}

/* Format into a palloc'd string of exactly the needed size. */
static char *
shim_vformat(const char *fmt, va_list args)
{
	va_list		copy;
	int			needed;
	char	   *out;

	va_copy(copy, args);
	needed = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (needed < 0)
		shim_fatal("vsnprintf failed");
	out = palloc(needed + 1);
	if (vsnprintf(out, needed + 1, fmt, args) != needed)
		shim_fatal("vsnprintf changed its mind");
	return out;
}

/* psprintf: sprintf into a palloc'd buffer. */
char *
psprintf(const char *fmt,...)
{
	va_list		args;
	char	   *out;

	va_start(args, fmt);
	out = shim_vformat(fmt, args);
	va_end(args);
	return out;
}

/*
 * errstart: begin collecting an error report.  Every level is collected;
 * only ERROR and above leave through errfinish's longjmp.
 */
bool
errstart(int elevel, const char *domain)
{
	memset(&shim_error, 0, sizeof(shim_error));
	shim_error.elevel = elevel;
	shim_error.sqlerrcode = (elevel >= ERROR) ? ERRCODE_INTERNAL_ERROR : 0;
	return true;
}

/* errstart_cold: ereport's entry for constant ERROR levels. */
bool
errstart_cold(int elevel, const char *domain)
{
	return errstart(elevel, domain);
}

/* errfinish: an ERROR jumps back to the harness; anything less returns. */
void
errfinish(const char *filename, int lineno, const char *funcname)
{
	shim_error.filename = filename;
	shim_error.lineno = lineno;
	if (shim_error.elevel < ERROR)
		return;
	if (shim_error_jmp == NULL)
	{
		fprintf(stderr, "shim: uncaught ERROR at %s:%d: %s\n", filename, lineno,
				shim_error.message ? shim_error.message : "(no message)");
		abort();
	}
	siglongjmp(*shim_error_jmp, 1);
}

/* errcode: the SQLSTATE of the report. */
int
errcode(int sqlerrcode)
{
	shim_error.sqlerrcode = sqlerrcode;
	return 0;
}

/* errmsg: the primary message (no translation here). */
int
errmsg(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	shim_error.message = shim_vformat(fmt, args);
	va_end(args);
	return 0;
}

/* errmsg_internal: elog's message. */
int
errmsg_internal(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	shim_error.message = shim_vformat(fmt, args);
	va_end(args);
	return 0;
}

/* errdetail: the detail line. */
int
errdetail(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	shim_error.detail = shim_vformat(fmt, args);
	va_end(args);
	return 0;
}

/* errhint: the hint line. */
int
errhint(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	shim_error.hint = shim_vformat(fmt, args);
	va_end(args);
	return 0;
}

/* Assert's failure routine: a failed assertion is a crash. */
void
ExceptionalCondition(const char *conditionName, const char *errorType,
					 const char *fileName, int lineNumber)
{
	fprintf(stderr, "TRAP: %s(\"%s\", File: \"%s\", Line: %d)\n",
			errorType, conditionName, fileName, lineNumber);
	abort();
}

/*
 * pg_detoast_datum_packed: the harness only makes plain in-line values, so
 * there is nothing to detoast.
 */
struct varlena *
pg_detoast_datum_packed(struct varlena *datum)
{
	if (VARATT_IS_EXTERNAL(datum) || VARATT_IS_COMPRESSED(datum))
		shim_fatal("toasted datum in the harness");
	return datum;
}

/* cstring_to_text: a palloc'd text value of a C string. */
text *
cstring_to_text(const char *s)
{
	Size		len = strlen(s);
	text	   *result = palloc(len + VARHDRSZ);

	SET_VARSIZE(result, len + VARHDRSZ);
	memcpy(VARDATA(result), s, len);
	return result;
}

/* text_to_cstring: a palloc'd C string of a text value. */
char *
text_to_cstring(const text *t)
{
	text	   *tunpacked = (text *) pg_detoast_datum_packed((struct varlena *) t);
	Size		len = VARSIZE_ANY_EXHDR(tunpacked);
	char	   *result = palloc(len + 1);

	memcpy(result, VARDATA_ANY(tunpacked), len);
	result[len] = '\0';
	return result;
}

/* The trigger's SPI and heap calls: never reached by the harness. */
int
SPI_fnumber(TupleDesc tupdesc, const char *fname)
{
	shim_fatal("SPI_fnumber is not available outside the server");
	return 0;
}

char *
SPI_getvalue(HeapTuple tuple, TupleDesc tupdesc, int fnumber)
{
	shim_fatal("SPI_getvalue is not available outside the server");
	return NULL;
}

HeapTuple
heap_modify_tuple_by_cols(HeapTuple tuple, TupleDesc tupleDesc, int nCols,
						  int *replCols, Datum *replValues, bool *replIsnull)
{
	shim_fatal("heap_modify_tuple_by_cols is not available outside the server");
	return NULL;
}
