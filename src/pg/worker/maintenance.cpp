#include "pg/worker/maintenance.h"

#include "pg/archive/archive.h"
#include "pg/audit/append.h"
#include "pg/base/session_settings.h"
#include "pg/protect/background.h"

extern "C" {
#include "access/xact.h"
#include "access/xlog.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/lock.h"
#include "utils/guc.h"
}

namespace {

using namespace listguard::pg;

// The advisory lock that keeps one maintenance worker per database:
// (database, 'lg', 'mw') in the advisory lock space's four-field form.
bool take_maintenance_lock(Oid database)
{
    LOCKTAG tag;
    SET_LOCKTAG_ADVISORY(tag, database, 0x6c67, 0x6d77, 4);
    StartTransactionCommand();
    bool taken = LockAcquire(&tag, ExclusiveLock, true, true) == LOCKACQUIRE_OK;
    CommitTransactionCommand(); // a session lock outlives the transaction
    return taken;
}

} // namespace

void listguard_maintenance_main(Datum arg)
{
    Oid database = DatumGetObjectId(arg);
    pqsignal(SIGTERM, SignalHandlerForShutdownRequest);
    pqsignal(SIGHUP, SignalHandlerForConfigReload);
    BackgroundWorkerUnblockSignals();
    // As the audit writer: the server's configuration only, whatever the
    // database's owner set, and what its SQL depends on fixed.
    capture_server_settings();
    BackgroundWorkerInitializeConnectionByOid(database, InvalidOid, 0);
    discard_catalog_settings("listguard maintenance");
    pgstat_report_appname("listguard maintenance");
    static const char* const kFixed[][2] = {
        {"search_path", "pg_catalog, pg_temp"},
        {"default_transaction_read_only", "off"},
        {"default_transaction_isolation", "read committed"},
        {"statement_timeout", "0"},
        {"lock_timeout", "0"},
        {"idle_in_transaction_session_timeout", "0"},
        {"session_replication_role", "origin"},
        {"row_security", "on"},
        {"application_name", "listguard maintenance"},
    };
    for (const auto& setting : kFixed)
        SetConfigOption(setting[0], setting[1], PGC_SUSET, PGC_S_OVERRIDE);
    if (RecoveryInProgress() || !take_maintenance_lock(database))
        proc_exit(0);
    pgstat_report_activity(STATE_RUNNING, "listguard maintenance");
    run_background_stamping();
    if (!ShutdownRequestPending)
        run_retention();
    pgstat_report_activity(STATE_IDLE, nullptr);
    proc_exit(0);
}
