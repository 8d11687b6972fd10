#include "pg/base/shared_memory.h"

#include "pg/base/postgres_c.h"

#include "pg/audit/queue.h"
#include "pg/quota/store.h"

extern "C" {
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
}

namespace listguard::pg {

namespace {

shmem_request_hook_type previous_request_hook = nullptr;
shmem_startup_hook_type previous_startup_hook = nullptr;

void request()
{
    if (previous_request_hook)
        previous_request_hook();
    RequestAddinShmemSpace(quota_shared_size());
    RequestAddinShmemSpace(audit_queue_shared_size());
    RequestNamedLWLockTranche("listguard", 1);
    RequestNamedLWLockTranche("listguard audit", 1);
}

// Runs in the postmaster at startup and after every crash restart (when
// shared memory is created anew), and in each backend on EXEC_BACKEND
// platforms.
void startup()
{
    if (previous_startup_hook)
        previous_startup_hook();
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    bool fresh_quota = attach_quota_shared();
    attach_audit_queue_shared();
    LWLockRelease(AddinShmemInitLock);
    if (!IsUnderPostmaster)
        quota_postmaster_startup(fresh_quota);
}

} // namespace

void install_shared_memory()
{
    previous_request_hook = shmem_request_hook;
    shmem_request_hook = request;
    previous_startup_hook = shmem_startup_hook;
    shmem_startup_hook = startup;
}

} // namespace listguard::pg
