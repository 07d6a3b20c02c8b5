/*-------------------------------------------------------------------------
 *
 * cowork.h
 *	  Declarations shared by the C files of the cowork extension.
 *
 * The model: a person (unique by email) is a customer of a location with a
 * status (member, nonmember, removed).  Status changes follow one transition
 * table (transitions.c); email addresses follow one rule (email.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef COWORK_H
#define COWORK_H

#include "datatype/timestamp.h"
#include "executor/spi.h"
#include "utils/relcache.h"

/* A customer's status; STATUS_NONE stands for "no customer row". */
typedef enum CustomerStatus
{
	STATUS_NONE = 0,
	STATUS_MEMBER,
	STATUS_NONMEMBER,
	STATUS_REMOVED
} CustomerStatus;

#define STATUS_COUNT (STATUS_REMOVED + 1)

/*
 * Why a status changes.  Each edge of the transition table lists the causes
 * that may take it; the cause's name is the event's reason code.
 */
typedef enum TransitionCause
{
	CAUSE_DIRECT_INSERT = 0,	/* INSERT into cowork.customer (an import) */
	CAUSE_DIRECT_UPDATE,		/* UPDATE of cowork.customer.status */
	CAUSE_ADD_NONMEMBER,
	CAUSE_INVITE_MEMBER,
	CAUSE_REMOVE_MEMBER,
	CAUSE_DELETE_NONMEMBER,
	CAUSE_RESTORE_MEMBER,
	CAUSE_ACTION,				/* an action completed */
	CAUSE_SUBSCRIPTION,			/* a membership subscription started */
	CAUSE_AUTO_REMOVE,			/* the last membership subscription ended */
	CAUSE_PROMOTE_LEAD
} TransitionCause;

#define CAUSE_COUNT (CAUSE_PROMOTE_LEAD + 1)

/*
 * A status change asked of CoworkSetStatus().  With soft, an edge that the
 * transition table does not give the cause is "nothing to do" instead of an
 * error (a completed action leaves a member a member).  actor is the role
 * the event names; InvalidOid means the current user.  run_as, when valid,
 * is the role whose rights the change is made with (CoworkSwitchUser), taken
 * only once the change is known to be needed.
 */
typedef struct StatusChange
{
	int64		location_id;
	int64		person_id;
	CustomerStatus target;
	TransitionCause cause;
	const char *detail;			/* appended to the reason code, or NULL */
	const char *(*describe) (void *arg);	/* or builds it, when needed */
	const char *source;			/* the event's source (a table), or NULL */
	const char *(*describe_key) (void *arg);	/* its source_key, or NULL */
	void	   *describe_arg;
	bool		soft;
	Oid			actor;
	Oid			run_as;
	TimestampTz since;			/* when the new status began; 0: now */
} StatusChange;

/* For a statement that changes many customers (the sweep): see below. */
typedef const char *(*BatchDetailFn) (int64 location_id, int64 person_id,
									  int64 company_id, void *arg);

/* transitions.c */
extern const char *CustomerStatusName(CustomerStatus status);
extern CustomerStatus CustomerStatusFromName(const char *name);
extern bool CoworkSetStatus(const StatusChange *change);
extern CustomerStatus CoworkStatusOf(int64 location_id, int64 person_id);
extern Oid	CoworkCustomerOwner(void);
extern void CoworkBeginBatch(TransitionCause cause, BatchDetailFn detail_fn,
							 void *arg);
extern void CoworkFlushBatch(void);
extern void CoworkEndBatch(void);

/* The capabilities of SPEC section 5 (capabilities.c). */
typedef enum Capability
{
	CAP_PAY_INVOICES = 0,
	CAP_EDIT_BILLING_DETAILS,
	CAP_SIGN_UP_FOR_PLANS,
	CAP_BUY_CREDITS,
	CAP_USE_CREDITS,
	CAP_USE_DAY_PASSES,
	CAP_MANAGE_COMPANY,
	CAP_INVITE_USERS
} Capability;

#define CAPABILITY_COUNT (CAP_INVITE_USERS + 1)

/* A customer's standing at a location, as capabilities see it. */
typedef struct CustomerStanding
{
	CustomerStatus status;		/* STATUS_NONE: not a customer there */
	bool		suspended;
	bool		is_admin;
	bool		is_company_manager;
	int64		company_id;		/* 0: no company */
} CustomerStanding;

/*
 * The row lock CoworkLockCustomer() takes: share for a check whose outcome
 * a concurrent change of the customer must wait for (capabilities), no key
 * update before changing the row's flags, update before a status change
 * (the lock CoworkSetStatus() takes).
 */
typedef enum CustomerLock
{
	CUSTOMER_LOCK_SHARE = 0,
	CUSTOMER_LOCK_NO_KEY_UPDATE,
	CUSTOMER_LOCK_UPDATE
} CustomerLock;

#define CUSTOMER_LOCK_COUNT (CUSTOMER_LOCK_UPDATE + 1)

/* capabilities.c */
extern CustomerStanding CoworkLockCustomer(int64 location_id, int64 person_id,
										   CustomerLock lock);
extern bool CoworkStandingCan(const CustomerStanding *st, Capability cap);
extern const char *CoworkCapabilityName(Capability cap);
extern void CoworkRequireCustomer(int64 location_id, int64 person_id);

/* customers.c */
extern int64 CoworkFindOrCreatePerson(const char *email, const char *full_name,
									  const char *phone);
extern void CoworkJoinCompany(int64 location_id, int64 person_id, int64 company_id);

/* audit.c */
extern void CoworkAuditBegin(int64 location_id, int64 person_id, const char *reason);
extern void CoworkAuditEnd(void);
extern void CoworkAuditCustomer(Relation rel, HeapTuple oldtuple, HeapTuple newtuple,
								int64 location_id, int64 person_id,
								const char *reason, Oid actor);

/* sweep.c */
extern void CoworkLockSubscriptions(int64 location_id, bool exclusive);

/* tenancy.c: access to locations, lowest to highest */
typedef enum CoworkAccess
{
	COWORK_ACCESS_NONE = 0,
	COWORK_ACCESS_READER,
	COWORK_ACCESS_ADMIN
} CoworkAccess;

extern bool CoworkHasAccess(int64 location_id, bool every, CoworkAccess level);
extern void CoworkRequireAccess(int64 location_id, CoworkAccess level);
extern void CoworkRequireLocationArg(FunctionCallInfo fcinfo, int argno,
									 CoworkAccess level);
extern void CoworkRequireEveryLocation(FunctionCallInfo fcinfo, CoworkAccess level);
extern void CoworkRequireRowArg(FunctionCallInfo fcinfo, int argno,
								const char *table, CoworkAccess level);

/* email.c */
extern char *CoworkNormalizeEmail(const char *email, bool missing_ok);

/* restore.c */
struct TriggerData;
extern bool CoworkRestoringRow(struct TriggerData *trigdata);

/* cowork.c */
extern void CoworkSPIConnect(void);
extern void CoworkSPIFinish(void);
extern SPIPlanPtr CoworkPlan(SPIPlanPtr *cache, const char *sql,
							 int nargs, Oid *argtypes);
extern int	CoworkExecute(SPIPlanPtr plan, Datum *values, const char *nulls,
						  int expected, long tcount);
extern int	CoworkExecuteKey(SPIPlanPtr *cache, const char *sql, int64 first,
							 int64 second, int expected, long tcount);
extern char *CoworkLookupText(SPIPlanPtr *cache, const char *sql,
							  Oid argtype, Datum arg);
extern char *CoworkLocationName(int64 location_id);
extern char *CoworkPersonEmail(int64 person_id);
extern Oid	CoworkTableOwner(const char *relname);
extern char *CoworkEnumLabel(Datum value);
extern Oid	CoworkEnumValue(Oid enumtype, const char *label);
extern bool CoworkCitusLoaded(void);
extern bool CoworkColumnChanged(HeapTuple oldtuple, HeapTuple newtuple,
								TupleDesc tupdesc, int attnum);
/* A switch to an owner's rights (CoworkSwitchUser), and what it restores. */
typedef struct CoworkUserSwitch
{
	Oid			save_userid;	/* the caller */
	int			save_sec_context;
	int			save_nestlevel; /* GUC nest level of the pinned search_path */
	bool		nested;			/* already switched to that role: no-op */
} CoworkUserSwitch;

extern void CoworkSwitchUser(Oid role, CoworkUserSwitch *sw);
extern void CoworkSwitchBack(const CoworkUserSwitch *sw);
extern void CoworkRequireArgs(FunctionCallInfo fcinfo, const char *const *names,
							  int nargs);

#endif							/* COWORK_H */
