/*-------------------------------------------------------------------------
 *
 * shim.h
 *	  Just enough of the PostgreSQL backend to run src/email.c outside the
 *	  server, for the fuzzing harness (email_fuzz.c).
 *
 * Allocations are kept on a list, as a memory context would keep them, and
 * freed together by shim_reset().  ereport(ERROR) records what it was told
 * in shim_error and siglongjmp()s to *shim_error_jmp, the way PG_TRY would
 * catch it; an error with no jump buffer set aborts.
 *
 *-------------------------------------------------------------------------
 */
#ifndef COWORK_FUZZ_SHIM_H
#define COWORK_FUZZ_SHIM_H

#include <setjmp.h>

/* The last error raised, as errstart() .. errfinish() collected it. */
typedef struct ShimError
{
	int			elevel;
	int			sqlerrcode;
	char	   *message;		/* palloc'd; NULL when not given */
	char	   *detail;
	char	   *hint;
	const char *filename;
	int			lineno;
} ShimError;

extern ShimError shim_error;
extern sigjmp_buf *shim_error_jmp;

/* Free everything palloc'd since the last reset. */
extern void shim_reset(void);

/* Number of chunks palloc'd and not yet freed. */
extern long shim_live_chunks(void);

#endif							/* COWORK_FUZZ_SHIM_H */
