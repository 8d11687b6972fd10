#include "pg/module/housekeeper.h"

#include "pg/audit/anchor.h"
#include "pg/audit/queue.h"
#include "pg/audit/reveal_summaries.h"
#include "pg/base/settings.h"
#include "pg/quota/leases.h"
#include "pg/quota/state_file.h"
#include "pg/quota/store.h"
#include "pg/replica/event_spill.h"

extern "C" {
#include "access/xlog.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "utils/guc.h"

PGDLLEXPORT void listguard_housekeeper_main(Datum);
}

namespace listguard::pg {

void register_housekeeper()
{
    BackgroundWorker worker;
    memset(&worker, 0, sizeof worker);
    worker.bgw_flags = BGWORKER_SHMEM_ACCESS;
    // Once the server accepts connections (a primary: after its startup; a
    // hot standby: in recovery), so that being in recovery means being a
    // standby, and leaving it a promotion.
    worker.bgw_start_time = BgWorkerStart_ConsistentState;
    worker.bgw_restart_time = 5;
    snprintf(worker.bgw_library_name, BGW_MAXLEN, "listguard");
    snprintf(worker.bgw_function_name, BGW_MAXLEN, "listguard_housekeeper_main");
    snprintf(worker.bgw_name, BGW_MAXLEN, "listguard housekeeper");
    snprintf(worker.bgw_type, BGW_MAXLEN, "listguard housekeeper");
    RegisterBackgroundWorker(&worker);
}

} // namespace listguard::pg

void listguard_housekeeper_main(Datum)
{
    using namespace listguard::pg;
    pqsignal(SIGTERM, SignalHandlerForShutdownRequest);
    pqsignal(SIGHUP, SignalHandlerForConfigReload);
    BackgroundWorkerUnblockSignals();

    bool in_recovery = RecoveryInProgress();
    bool woke_spilled = false;
    int spool_ticks = 0;
    while (!ShutdownRequestPending) {
        // At least once a second: audit events must not wait long for a writer.
        int interval = quota_save_interval_setting > 0 ? Min(quota_save_interval_setting, 1000) : 1000;
        (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, interval, PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
        CHECK_FOR_INTERRUPTS();
        if (ConfigReloadPending) {
            ConfigReloadPending = false;
            ProcessConfigFile(PGC_SIGHUP);
        }
        if (in_recovery && !RecoveryInProgress()) {
            // Promoted: this server counts now, from the primary's windows
            // its standby links mirrored, with the leases it held.
            in_recovery = false;
            end_leases();
            wake_writers_of_spilled_events(); // what the standby kept goes into this server's log
            ereport(LOG, (errmsg("listguard counts export quotas on this server from now on (promoted)")));
        }
        // A standby mirrors the primary's quota windows through any one
        // running link; with none running, start one.
        if (in_recovery && standby_quota_setting == static_cast<int>(StandbyQuota::Primary) &&
            audit_writers_running() == 0) {
            Oid database = any_quota_database();
            if (OidIsValid(database))
                audit_wake_writer(database);
        }
        if (!woke_spilled) {
            // Once, after the first wait (the server accepts connections by
            // then); after a crash, every audit log gets its gap event.
            wake_writers_of_spilled_events();
            if (audit_after_crash())
                wake_writers_of_audited_databases();
            woke_spilled = true;
        }
        if (quota_save_interval_setting > 0)
            save_quota_state_if_dirty();
        audit_start_waiting_writers();
        // Reveal summaries wait in spool files for their database's writer.
        if (!in_recovery && ++spool_ticks >= 10) {
            spool_ticks = 0;
            wake_writers_for_spool();
        }
    }
    save_quota_state_if_dirty();
    proc_exit(0);
}
