#include "pg/module/shared_memory.h"

#include "pg/base/postgres_c.h"

#include "pg/access/assertion_store.h"
#include "pg/access/generation.h"
#include "pg/activity/counters.h"
#include "pg/activity/progress.h"
#include "pg/audit/queue.h"
#include "pg/base/principal_state.h"
#include "pg/access/catalog_confirmation.h"
#include "pg/keys/keyring.h"
#include "pg/quota/state_file.h"
#include "pg/quota/store.h"

#include <sys/stat.h>

extern "C" {
#include "catalog/pg_control.h"
#include "common/controldata_utils.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
}

namespace listguard::pg {

void request_shared_memory()
{
    RequestAddinShmemSpace(quota_shared_size());
    RequestAddinShmemSpace(audit_queue_shared_size());
    RequestAddinShmemSpace(keys_shared_size());
    RequestAddinShmemSpace(access_generation_shared_size());
    RequestAddinShmemSpace(counters_shared_size());
    RequestAddinShmemSpace(progress_shared_size());
    RequestAddinShmemSpace(principal_shared_size());
    RequestAddinShmemSpace(assertion_store_shared_size());
    RequestAddinShmemSpace(catalog_confirmation_shared_size());
    RequestNamedLWLockTranche("listguard", 2); // the quota slots, saving their state
    RequestNamedLWLockTranche("listguard audit", 1);
    RequestNamedLWLockTranche("listguard keys", 1);
    RequestNamedLWLockTranche("listguard activity", 1);
    RequestNamedLWLockTranche("listguard assertions", 1);
}

namespace {

// In the postmaster: whether what the previous shared memory held may be
// lost. It is set up again after a crash, or the server starts after one
// (pg_control does not say it was shut down); a base backup's first start
// (backup_label) lost nothing of its own.
bool after_crash()
{
    static int setups = 0;
    if (++setups > 1)
        return true;
    struct stat st;
    if (stat("backup_label", &st) == 0)
        return false;
    bool crc_ok = false;
    ControlFileData* control = get_controlfile(DataDir, &crc_ok);
    bool clean = crc_ok && (control->state == DB_SHUTDOWNED || control->state == DB_SHUTDOWNED_IN_RECOVERY);
    pfree(control);
    return !clean;
}

} // namespace

void attach_shared_memory()
{
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    bool fresh_quota = attach_quota_shared();
    attach_audit_queue_shared();
    attach_keys_shared();
    attach_access_generation_shared();
    attach_counters_shared();
    attach_progress_shared();
    attach_principal_shared();
    attach_assertion_store_shared();
    attach_catalog_confirmation_shared();
    LWLockRelease(AddinShmemInitLock);
    if (!IsUnderPostmaster) {
        quota_postmaster_startup(fresh_quota);
        if (after_crash())
            audit_note_crash();
    }
}

} // namespace listguard::pg
