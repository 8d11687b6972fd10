// A database's listguard worker: one background process per database,
// started by the first event of that database (pg/audit/queue.h). Its
// session takes the server's configuration only, whatever the database's
// owner set. On a hot standby it is the standby link (pg/replica/standby_link.h);
// on a primary, and on a standby once promoted, the audit writer
// (pg/audit/writer.h), after it appended what the standby kept on disk.
#include "pg/audit/append.h"
#include "pg/audit/queue.h"
#include "pg/audit/writer.h"
#include "pg/base/session_settings.h"
#include "pg/citus/citus.h"
#include "pg/replica/standby_link.h"
#include "pg/replica/event_spill.h"

extern "C" {
#include "access/xact.h"
#include "access/xlog.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "utils/guc.h"
#include "utils/memutils.h"

PGDLLEXPORT void listguard_database_worker_main(Datum);
}

namespace {

using namespace listguard::pg;

constexpr int kBatch = 256;
Oid worker_database = InvalidOid;

void forget_writer(int, Datum)
{
    audit_unregister_writer(worker_database);
}

// Events this server kept on disk as a standby cut off from its primary
// (pg/replica/event_spill.h) go first, now that it is a primary itself.
void append_spilled_events(Oid database)
{
    auto* events = static_cast<listguard::AuditEvent*>(palloc(sizeof(listguard::AuditEvent) * kBatch));
    for (int from = 0;;) {
        int n = read_spilled(database, from, events, kBatch);
        if (n == 0) {
            drop_spilled(database);
            break;
        }
        if (!append_events_now(events, n))
            break; // the file stays; the next writer tries again
        from += n;
    }
    pfree(events);
}

} // namespace

void listguard_database_worker_main(Datum arg)
{
    Oid database = DatumGetObjectId(arg);
    worker_database = database;
    avoid_citus_calls();
    in_audit_writer = true;
    pqsignal(SIGTERM, SignalHandlerForShutdownRequest);
    pqsignal(SIGHUP, SignalHandlerForConfigReload);
    BackgroundWorkerUnblockSignals();
    // The worker runs as a superuser in a database whose owner may have set
    // defaults for every session (ALTER DATABASE ... SET): none of them may
    // reach it (session_authorization or role would change whom it runs as).
    capture_server_settings();
    BackgroundWorkerInitializeConnectionByOid(database, InvalidOid, 0);
    discard_catalog_settings("listguard audit writer");
    pgstat_report_appname("listguard audit writer");
    // And whatever the server's configuration says, what the worker depends
    // on: search_path above all (with public first, a look-alike of anything
    // it calls would run as superuser).
    static const char* const kFixed[][2] = {
        {"search_path", "pg_catalog, pg_temp"},
        {"default_transaction_read_only", "off"},
        {"default_transaction_isolation", "read committed"},
        {"statement_timeout", "0"},
        {"lock_timeout", "0"},
        {"idle_in_transaction_session_timeout", "0"},
        {"session_replication_role", "origin"},
        {"row_security", "on"},
        // The events are already asynchronous to the sessions that raised
        // them, and a crash loses what is queued anyway: no flush per batch.
        {"synchronous_commit", "off"},
    };
    for (const auto& setting : kFixed)
        SetConfigOption(setting[0], setting[1], PGC_SUSET, PGC_S_OVERRIDE);

    if (!audit_register_writer(database))
        proc_exit(0); // another writer serves this database
    before_shmem_exit(forget_writer, 0);
    // A worker of a Citus cluster ships its events to the coordinator's
    // chain and leases quota from it, as a standby does from its primary.
    StartTransactionCommand();
    bool citus_worker = !RecoveryInProgress() && citus_is_worker_by_catalog();
    CommitTransactionCommand();
    if (citus_worker) {
        run_standby_link(database);
        proc_exit(0); // idle, stopping, or no longer a worker (the next event starts a writer)
    }
    if (RecoveryInProgress()) {
        // A hot standby: ship events to the primary. When the link returns
        // because the server was promoted, this process, whose session can
        // write now, goes on as the database's writer: what the standby
        // queued or kept on disk goes into this server's own log.
        run_standby_link(database);
        if (RecoveryInProgress() || ShutdownRequestPending)
            proc_exit(0);
    }

    append_spilled_events(database);
    run_audit_writer(database);
    proc_exit(0);
}
