#include "pg/module/hooks.h"

#include "pg/base/postgres_c.h"

#include "pg/access/cache.h"
#include "pg/access/generation.h"
#include "pg/access/principals.h"
#include "pg/access/reveal_context.h"
#include "pg/access/role_guard.h"
#include "pg/access/role_labels.h"
#include "pg/activity/counters.h"
#include "pg/archive/archive.h"
#include "pg/audit/statement_counts.h"
#include "pg/audit/ddl_events.h"
#include "pg/audit/log_redaction.h"
#include "pg/audit/restore.h"
#include "pg/base/catalog.h"
#include "pg/base/principal_state.h"
#include "pg/canary/registry.h"
#include "pg/canary/policy_shortcut.h"
#include "pg/citus/citus.h"
#include "pg/citus/transit.h"
#include "pg/citus/windows.h"
#include "pg/module/shared_memory.h"
#include "pg/output/lookups.h"
#include "pg/output/write_back.h"
#include "pg/type/placeholders.h"
#include "pg/protect/database_guard.h"
#include "pg/protect/lookalike_guard.h"
#include "pg/protect/shadow_guard.h"
#include "pg/protect/schema_guard.h"
#include "pg/protect/copy_from.h"
#include "pg/protect/ddl_guard.h"
#include "pg/protect/background.h"
#include "pg/protect/protection.h"
#include "pg/protect/refusals.h"
#include "pg/quota/charge.h"
#include "pg/replica/citus_catalog.h"
#include "pg/replica/logical.h"

extern "C" {
#include "access/xact.h"
#include "executor/executor.h"
#include "libpq/auth.h"
#include "libpq/libpq-be.h"
#include "optimizer/planner.h"
#include "parser/analyze.h"
#include "storage/ipc.h"
#include "tcop/utility.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
}

namespace listguard::pg {

namespace {

shmem_request_hook_type next_shmem_request_hook = nullptr;
shmem_startup_hook_type next_shmem_startup_hook = nullptr;
ProcessUtility_hook_type next_ProcessUtility_hook = nullptr;
post_parse_analyze_hook_type next_post_parse_analyze_hook = nullptr;
planner_hook_type next_planner_hook = nullptr;
ClientAuthentication_hook_type next_client_auth_hook = nullptr;
ExecutorStart_hook_type next_ExecutorStart_hook = nullptr;
ExecutorRun_hook_type next_ExecutorRun_hook = nullptr;
ExecutorFinish_hook_type next_ExecutorFinish_hook = nullptr;
ExecutorEnd_hook_type next_ExecutorEnd_hook = nullptr;
ExecutorStart_hook_type outer_next_ExecutorStart_hook = nullptr;
ExecutorEnd_hook_type outer_next_ExecutorEnd_hook = nullptr;
emit_log_hook_type next_emit_log_hook = nullptr;

void install_executor_start_end();

// Runs in the postmaster after every preloaded library's _PG_init: the
// moment to put the ExecutorStart and ExecutorEnd hooks outside everyone
// else's (see reveal_context.h).
void listguard_shmem_request()
{
    if (next_shmem_request_hook)
        next_shmem_request_hook();
    request_shared_memory();
    install_executor_start_end();
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
void listguard_ProcessUtility(PlannedStmt* pstmt, const char* query, bool read_only_tree, ProcessUtilityContext context,
                              ParamListInfo params, QueryEnvironment* env, DestReceiver* dest, QueryCompletion* qc)
{
    bool tree_read_only = read_only_tree;
    PlannedStmt* const statement = restrictive_policies_for_citus(pstmt, &tree_read_only);
    Node* stmt = statement->utilityStmt;
    check_role_statement(stmt);
    check_drop_application_roles(stmt);
    check_database_statement(stmt);
    check_lookalike_statement(stmt);
    check_schema_statement(stmt);
    check_shadow_statement(stmt);
    TableStatement tables = check_table_statement(stmt);
    // Parameters a client bound are never a utility statement's write-back.
    if (pending_placeholders() > 0)
        refuse_pending_placeholders();
    RevealPhase phase;
    bool has_phase = utility_reveal_phase(stmt, &phase);
    if (has_phase)
        enter_reveal_phase(phase);
    enter_statement_work();
    bool was_in_transit = set_in_transit(utility_in_transit(stmt) || in_transit());
    PG_TRY();
    {
        // COPY FROM into a protected table, under its row security: each
        // row checked as INSERT would (pg/protect/copy_from.h). Libraries
        // whose utility hook is inside listguard's would not see it; Citus's
        // (which insists on being first, so nothing is inside it) leaves a
        // COPY into any table but its own to PostgreSQL, as listguard does.
        bool inner_hook = next_ProcessUtility_hook != nullptr &&
                          !citus_owns_address(reinterpret_cast<const void*>(next_ProcessUtility_hook));
        bool copied = run_protected_copy_from(stmt, query, env, qc, inner_hook);
        if (!copied && next_ProcessUtility_hook)
            next_ProcessUtility_hook(statement, query, tree_read_only, context, params, env, dest, qc);
        else if (!copied)
            standard_ProcessUtility(statement, query, tree_read_only, context, params, env, dest, qc);
    }
    PG_FINALLY();
    {
        leave_statement_work();
        set_in_transit(was_in_transit);
        if (has_phase)
            leave_reveal_phase();
    }
    PG_END_TRY();
    note_utility_access_change(stmt);
    // A pooler's reset between clients (session pooling): the next client
    // does not act for this one's principal.
    if (IsA(stmt, DiscardStmt) && castNode(DiscardStmt, stmt)->target == DISCARD_ALL)
        principal_discard_all();
    after_table_statement(stmt, tables);
    after_database_statement(stmt);
    record_utility_events(stmt);
    audit_counts_at_statement_end();
    flush_reveals();
}

// What a hook does with transit (pg/citus/transit.h) while fn runs.
enum class Transit { Keep, On, Off };

// Runs fn in a reveal phase (reveal_context.h), for listguard's own hooks
// as statement work (placeholders.h), and with values in transit or not,
// leaving all three as they were on every way out.
template <typename Fn>
void bracketed(RevealPhase phase, bool statement_work, Transit transit, Fn&& fn)
{
    enter_reveal_phase(phase);
    if (statement_work)
        enter_statement_work();
    bool was_in_transit = in_transit();
    if (transit != Transit::Keep)
        set_in_transit(transit == Transit::On);
    PG_TRY();
    {
        fn();
    }
    PG_FINALLY();
    {
        if (transit != Transit::Keep)
            set_in_transit(was_in_transit);
        if (statement_work)
            leave_statement_work();
        leave_reveal_phase();
    }
    PG_END_TRY();
}

// The executor: results are produced in Run and Finish (triggers); Start
// and End, with every hook around them, are where loggers print.
void listguard_ExecutorStart(QueryDesc* query, int eflags)
{
    check_walsender_query(query);
    check_written_back_parameters(query);
    // Citus starts its scans here (constants of deferred plans go out).
    bool citus = is_citus_plan(query->plannedstmt);
    bracketed(RevealPhase::Preparing, true, citus ? Transit::On : Transit::Keep, [&] {
        if (next_ExecutorStart_hook)
            next_ExecutorStart_hook(query, eflags);
        else
            standard_ExecutorStart(query, eflags);
        if (!(eflags & EXEC_FLAG_EXPLAIN_ONLY))
            shortcut_row_policies(query);
    });
    if (citus)
        citus_scans_in_transit(query);
}

// The run itself is out of transit; rows for another Citus node go out in
// transit through the receiver that takes them (pg/citus/windows.h).
void listguard_ExecutorRun(QueryDesc* query, ScanDirection direction, uint64 count, bool execute_once)
{
    DestReceiver* dest = query->dest;
    DestReceiver* receiver = receiver_for_run(query);
    if (receiver != nullptr)
        query->dest = receiver;
    PG_TRY();
    {
        bracketed(RevealPhase::Executing, true, Transit::Off, [&] {
            note_executor_run();
            MemoryContext context = CurrentMemoryContext;
            PG_TRY();
            {
                if (next_ExecutorRun_hook)
                    next_ExecutorRun_hook(query, direction, count, execute_once);
                else
                    standard_ExecutorRun(query, direction, count, execute_once);
            }
            PG_CATCH();
            {
                // A write row security refused is recorded before the error
                // goes on (a PL/pgSQL block may catch it, and it must still
                // be recorded).
                MemoryContext error_context = MemoryContextSwitchTo(context);
                note_refused_write(query);
                MemoryContextSwitchTo(error_context);
                PG_RE_THROW();
            }
            PG_END_TRY();
        });
    }
    PG_FINALLY();
    {
        query->dest = dest;
    }
    PG_END_TRY();
}

void listguard_ExecutorFinish(QueryDesc* query)
{
    bracketed(RevealPhase::Executing, true, Transit::Keep, [&] {
        if (next_ExecutorFinish_hook)
            next_ExecutorFinish_hook(query);
        else
            standard_ExecutorFinish(query);
    });
}

void listguard_ExecutorEnd(QueryDesc* query)
{
    bracketed(RevealPhase::Preparing, true, Transit::Keep, [&] {
        if (next_ExecutorEnd_hook)
            next_ExecutorEnd_hook(query);
        else
            standard_ExecutorEnd(query);
    });
    audit_counts_at_statement_end();
    flush_reveals();
}

// A library loaded after the postmaster started (LOAD, session preload) may
// have put its executor hooks outside listguard's: once, listguard puts a
// wrapper outside it again.
void listguard_ExecutorStart_outer(QueryDesc* query, int eflags)
{
    bracketed(RevealPhase::Preparing, false, Transit::Keep, [&] { outer_next_ExecutorStart_hook(query, eflags); });
}

void listguard_ExecutorEnd_outer(QueryDesc* query)
{
    bracketed(RevealPhase::Preparing, false, Transit::Keep, [&] { outer_next_ExecutorEnd_hook(query); });
}

// Planning: lookups that compare an address's text become the type's own
// equality (pg/output/lookups.h); write-backs of what a role was shown
// keep the value (pg/output/write_back.h). Functions run while planning
// (constant folding, inlining) are statement work. Citus writes the
// constants of the queries it sends while it plans (pg/citus/transit.h).
PlannedStmt* listguard_planner(Query* parse, const char* query_string, int cursor_options, ParamListInfo params)
{
    rewrite_address_lookups(parse);
    plan_written_back(parse, params);
    PlannedStmt* plan = nullptr;
    enter_statement_work();
    PG_TRY();
    {
        plan = plan_for_citus(parse, query_string, cursor_options, params, next_planner_hook);
    }
    PG_FINALLY();
    {
        leave_statement_work();
    }
    PG_END_TRY();
    return plan;
}

void listguard_post_parse_analyze(ParseState* pstate, Query* query, JumbleState* jstate)
{
    if (next_post_parse_analyze_hook)
        next_post_parse_analyze_hook(pstate, query, jstate);
    check_written_back_literals(query);
    if (outer_next_ExecutorStart_hook == nullptr && ExecutorStart_hook != listguard_ExecutorStart) {
        outer_next_ExecutorStart_hook = ExecutorStart_hook;
        ExecutorStart_hook = listguard_ExecutorStart_outer;
    }
    if (outer_next_ExecutorEnd_hook == nullptr && ExecutorEnd_hook != listguard_ExecutorEnd) {
        outer_next_ExecutorEnd_hook = ExecutorEnd_hook;
        ExecutorEnd_hook = listguard_ExecutorEnd_outer;
    }
}

void install_executor_start_end()
{
    next_ExecutorStart_hook = ExecutorStart_hook;
    ExecutorStart_hook = listguard_ExecutorStart;
    next_ExecutorEnd_hook = ExecutorEnd_hook;
    ExecutorEnd_hook = listguard_ExecutorEnd;
}

// listguard_owner logs in only as Citus's internal connection
// (pg/citus/transit.h).
void listguard_client_auth(Port* port, int status)
{
    if (next_client_auth_hook)
        next_client_auth_hook(port, status);
    if (status == STATUS_OK)
        check_owner_login(port->user_name, port->application_name, port->cmdline_options);
}

// Addresses are masked before anything else sees the report.
void listguard_emit_log(ErrorData* edata)
{
    redact_log_entry(edata);
    if (next_emit_log_hook)
        next_emit_log_hook(edata);
}

// Work at the end of a transaction that has committed or is aborting must
// not fail: after a commit an error would be a PANIC, and during an abort
// it would be raised while another error is handled (the keyring, shared
// memory or the catalogs may be what failed). What fails is reported as a
// warning, and the rest goes on.
void without_errors(const char* what, void (*step)())
{
    MemoryContext context = CurrentMemoryContext;
    PG_TRY();
    {
        step();
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(context);
        ErrorData* error = CopyErrorData();
        FlushErrorState();
        ereport(WARNING, (errmsg("listguard could not %s at the end of the transaction", what),
                          errdetail_internal("%s", error->message)));
        FreeErrorData(error);
    }
    PG_END_TRY();
}

// After the transaction ended: unused reservations go back, and what a
// restore moved aside is queued again if it committed (else dropped).
void end_of_transaction(XactEvent event)
{
    reset_transit();
    catalog_at_transaction_end();
    access_changes_at_transaction_end(event == XACT_EVENT_COMMIT || event == XACT_EVENT_PARALLEL_COMMIT);
    placeholders_at_transaction_end();
    flush_reveals();
    without_errors("give back unused quota", quota_at_transaction_end);
    // After the transaction's counts were recorded (naming the principal).
    // A prepared transaction keeps its session-level changes, as SET's do
    // (end_principal() in it stays ended); its own principal ends.
    principal_at_transaction_end(event == XACT_EVENT_COMMIT || event == XACT_EVENT_PARALLEL_COMMIT ||
                                 event == XACT_EVENT_PREPARE);
    if (event == XACT_EVENT_COMMIT) {
        without_errors("queue restored audit events", [] { audit_restore_at_transaction_end(true); });
        without_errors("start the background stamping", [] { background_stamping_at_transaction_end(true); });
        archive_at_transaction_end(true);
    } else {
        audit_restore_at_transaction_end(false);
        background_stamping_at_transaction_end(false);
        archive_at_transaction_end(false);
    }
}

// Counts are recorded before the transaction ends (failed ones included);
// unused quota reservations go back once it has ended.
void listguard_xact_callback(XactEvent event, void*)
{
    switch (event) {
    case XACT_EVENT_PRE_COMMIT:
        push_catalog_at_commit(); // to the other nodes of a Citus cluster, before Citus prepares them
        audit_counts_at_transaction_end(true);
        break;
    case XACT_EVENT_PARALLEL_PRE_COMMIT:
        audit_counts_at_transaction_end(true);
        break;
    case XACT_EVENT_PRE_PREPARE:
        archive_before_prepare();
        audit_counts_at_transaction_end(true);
        break;
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PARALLEL_ABORT:
        without_errors("record the counts of a failed transaction", [] { audit_counts_at_transaction_end(false); });
        end_of_transaction(event);
        break;
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_PREPARE:
        end_of_transaction(event);
        break;
    default:
        break;
    }
}

void listguard_subxact_callback(SubXactEvent event, SubTransactionId, SubTransactionId, void*)
{
    if (event == SUBXACT_EVENT_COMMIT_SUB)
        without_errors("keep the counts of a subtransaction", [] { audit_counts_at_subtransaction_end(true); });
    else if (event == SUBXACT_EVENT_ABORT_SUB) {
        without_errors("drop the counts of a subtransaction", [] { audit_counts_at_subtransaction_end(false); });
        audit_restore_at_subtransaction_abort();
    }
    if (event == SUBXACT_EVENT_COMMIT_SUB || event == SUBXACT_EVENT_ABORT_SUB)
        principal_at_subtransaction_end(event == SUBXACT_EVENT_COMMIT_SUB);
}

// Invalidation callbacks must not read catalogs (they also run in the
// launchers, which have no database): they only drop what is remembered.
void listguard_relcache_callback(Datum, Oid relid)
{
    // Not by the remembered objects: an invalidation of another of
    // listguard's tables in the same batch forgets them first, and a
    // revocation would then not reach the principals' caches.
    bool principals_changed = relid == InvalidOid || is_principal_table(relid) || is_last_known_grants_table(relid);
    if (relid == InvalidOid || is_remembered_listguard_table(relid)) {
        forget_listguard_objects();
        forget_protections();
        reset_access_cache();
        forget_canaries();
    } else if (!listguard_objects_complete()) {
        // Perhaps one of listguard's tables, just created (CREATE EXTENSION
        // in the transaction of a restore that fills it next).
        forget_listguard_objects();
    }
    if (principals_changed)
        forget_principal_caches();
}

void listguard_role_callback(Datum, int, uint32)
{
    reset_access_cache();
    forget_principal_caches();
}

} // namespace

void install_hooks()
{
    next_shmem_request_hook = shmem_request_hook;
    shmem_request_hook = listguard_shmem_request;
    next_shmem_startup_hook = shmem_startup_hook;
    shmem_startup_hook = listguard_shmem_startup;
    next_ProcessUtility_hook = ProcessUtility_hook;
    ProcessUtility_hook = listguard_ProcessUtility;
    next_post_parse_analyze_hook = post_parse_analyze_hook;
    post_parse_analyze_hook = listguard_post_parse_analyze;
    next_planner_hook = planner_hook;
    planner_hook = listguard_planner;
    next_ExecutorRun_hook = ExecutorRun_hook;
    ExecutorRun_hook = listguard_ExecutorRun;
    next_ExecutorFinish_hook = ExecutorFinish_hook;
    ExecutorFinish_hook = listguard_ExecutorFinish;
    // ExecutorStart and ExecutorEnd: from the shmem request hook, after every
    // other preloaded library.
    next_emit_log_hook = emit_log_hook;
    emit_log_hook = listguard_emit_log;
    install_citus_function_hooks();
    next_client_auth_hook = ClientAuthentication_hook;
    ClientAuthentication_hook = listguard_client_auth;

    RegisterXactCallback(listguard_xact_callback, nullptr);
    RegisterSubXactCallback(listguard_subxact_callback, nullptr);
    register_role_labels();
    CacheRegisterRelcacheCallback(listguard_relcache_callback, 0);
    CacheRegisterSyscacheCallback(AUTHMEMMEMROLE, listguard_role_callback, 0);
    CacheRegisterSyscacheCallback(AUTHOID, listguard_role_callback, 0);
}

} // namespace listguard::pg
