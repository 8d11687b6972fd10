#include "pg/base/hooks.h"

#include "pg/base/postgres_c.h"

#include "pg/access/cache.h"
#include "pg/access/role_guard.h"
#include "pg/access/role_labels.h"
#include "pg/audit/counts.h"
#include "pg/audit/ddl_events.h"
#include "pg/audit/restore.h"
#include "pg/base/catalog.h"
#include "pg/base/shared_memory.h"
#include "pg/protect/ddl_guard.h"
#include "pg/protect/protection.h"
#include "pg/quota/charge.h"

extern "C" {
#include "access/xact.h"
#include "executor/executor.h"
#include "storage/ipc.h"
#include "tcop/utility.h"
#include "utils/inval.h"
#include "utils/syscache.h"
}

namespace listguard::pg {

namespace {

shmem_request_hook_type next_shmem_request_hook = nullptr;
shmem_startup_hook_type next_shmem_startup_hook = nullptr;
ProcessUtility_hook_type next_ProcessUtility_hook = nullptr;
ExecutorEnd_hook_type next_ExecutorEnd_hook = nullptr;

void listguard_shmem_request()
{
    if (next_shmem_request_hook)
        next_shmem_request_hook();
    request_shared_memory();
}

void listguard_shmem_startup()
{
    if (next_shmem_startup_hook)
        next_shmem_startup_hook();
    attach_shared_memory();
}

// Utility statements: role and table DDL is checked before it runs (and a
// table's protection renewed after an admin's change); extension changes are
// recorded after it ran; COPY TO and FETCH run no
// executor end of their own, so the statement's reveal counts end here.
void listguard_ProcessUtility(PlannedStmt* pstmt, const char* query, bool read_only_tree,
                              ProcessUtilityContext context, ParamListInfo params, QueryEnvironment* env,
                              DestReceiver* dest, QueryCompletion* qc)
{
    Node* stmt = pstmt->utilityStmt;
    check_role_statement(stmt);
    TableStatement tables = check_table_statement(stmt);
    if (next_ProcessUtility_hook)
        next_ProcessUtility_hook(pstmt, query, read_only_tree, context, params, env, dest, qc);
    else
        standard_ProcessUtility(pstmt, query, read_only_tree, context, params, env, dest, qc);
    after_table_statement(stmt, tables);
    record_utility_events(stmt);
    audit_counts_at_statement_end();
}

void listguard_ExecutorEnd(QueryDesc* query)
{
    if (next_ExecutorEnd_hook)
        next_ExecutorEnd_hook(query);
    else
        standard_ExecutorEnd(query);
    audit_counts_at_statement_end();
}

// Counts are recorded before the transaction ends (failed ones included);
// unused quota reservations go back once it has ended.
void listguard_xact_callback(XactEvent event, void*)
{
    switch (event) {
    case XACT_EVENT_PRE_COMMIT:
    case XACT_EVENT_PARALLEL_PRE_COMMIT:
    case XACT_EVENT_PRE_PREPARE:
        audit_counts_at_transaction_end();
        break;
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PARALLEL_ABORT:
        audit_counts_at_transaction_end();
        quota_at_transaction_end();
        audit_restore_at_transaction_end(false);
        break;
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_PREPARE:
        quota_at_transaction_end();
        audit_restore_at_transaction_end(event == XACT_EVENT_COMMIT);
        break;
    default:
        break;
    }
}

// Invalidation callbacks must not read catalogs (they also run in the
// launchers, which have no database): they only drop what is remembered.
void listguard_relcache_callback(Datum, Oid relid)
{
    if (relid == InvalidOid || is_remembered_listguard_table(relid)) {
        forget_listguard_objects();
        forget_protections();
        reset_access_cache();
    }
}

void listguard_role_callback(Datum, int, uint32) { reset_access_cache(); }

} // namespace

void install_hooks()
{
    next_shmem_request_hook = shmem_request_hook;
    shmem_request_hook = listguard_shmem_request;
    next_shmem_startup_hook = shmem_startup_hook;
    shmem_startup_hook = listguard_shmem_startup;
    next_ProcessUtility_hook = ProcessUtility_hook;
    ProcessUtility_hook = listguard_ProcessUtility;
    next_ExecutorEnd_hook = ExecutorEnd_hook;
    ExecutorEnd_hook = listguard_ExecutorEnd;

    RegisterXactCallback(listguard_xact_callback, nullptr);
    register_role_labels();
    CacheRegisterRelcacheCallback(listguard_relcache_callback, 0);
    CacheRegisterSyscacheCallback(AUTHMEMMEMROLE, listguard_role_callback, 0);
    CacheRegisterSyscacheCallback(AUTHOID, listguard_role_callback, 0);
}

} // namespace listguard::pg
