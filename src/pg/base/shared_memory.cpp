#include "pg/base/shared_memory.h"

#include "pg/base/postgres_c.h"

#include "pg/access/generation.h"
#include "pg/audit/queue.h"
#include "pg/keys/keyring.h"
#include "pg/quota/store.h"

extern "C" {
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
    RequestNamedLWLockTranche("listguard", 1);
    RequestNamedLWLockTranche("listguard audit", 1);
    RequestNamedLWLockTranche("listguard keys", 1);
}

void attach_shared_memory()
{
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    bool fresh_quota = attach_quota_shared();
    attach_audit_queue_shared();
    attach_keys_shared();
    attach_access_generation_shared();
    LWLockRelease(AddinShmemInitLock);
    if (!IsUnderPostmaster)
        quota_postmaster_startup(fresh_quota);
}

} // namespace listguard::pg
