#include "pg/access/generation.h"

extern "C" {
#include "access/xlog.h"
#include "nodes/parsenodes.h"
#include "port/atomics.h"
#include "storage/shmem.h"
#include "utils/inval.h"
}

namespace listguard::pg {

namespace {

pg_atomic_uint64* generation = nullptr;
uint64 seen_generation = 0; // 0: never looked
bool changed_in_transaction = false;

} // namespace

void note_access_change() noexcept
{
    changed_in_transaction = true;
}

void access_changes_at_transaction_end(bool committed) noexcept
{
    if (committed && changed_in_transaction && generation != nullptr)
        pg_atomic_fetch_add_u64(generation, 1);
    changed_in_transaction = false;
}

void take_in_access_changes()
{
    // Without shared memory (not preloaded) every look is a change.
    uint64 now = generation != nullptr ? pg_atomic_read_u64(generation) : 0;
    if (likely(now != 0 && now == seen_generation) && likely(!RecoveryInProgress()))
        return;
    seen_generation = now;
    // On a hot standby no backend commits the changes: WAL replay does, and
    // sends their invalidations (the grants table's relcache entry, role
    // memberships) to every backend, with no count to bump. So a standby's
    // backend takes in pending invalidations before every decision; with
    // none pending this is one unlocked read of its queue state.
    AcceptInvalidationMessages();
}

uint64 seen_access_generation() noexcept
{
    return seen_generation;
}

uint64 current_access_generation() noexcept
{
    return generation != nullptr ? pg_atomic_read_u64(generation) : 0;
}

void note_utility_access_change(Node* stmt) noexcept
{
    switch (nodeTag(stmt)) {
    case T_GrantRoleStmt:
    case T_CreateRoleStmt:
    case T_AlterRoleStmt:
    case T_DropRoleStmt:
        note_access_change();
        break;
    case T_TransactionStmt:
        if (castNode(TransactionStmt, stmt)->kind == TRANS_STMT_COMMIT_PREPARED)
            note_access_change();
        break;
    default:
        break;
    }
}

Size access_generation_shared_size()
{
    return MAXALIGN(sizeof(pg_atomic_uint64));
}

void attach_access_generation_shared()
{
    bool found;
    generation = static_cast<pg_atomic_uint64*>(
        ShmemInitStruct("listguard access generation", sizeof(pg_atomic_uint64), &found));
    if (!found)
        pg_atomic_init_u64(generation, 1);
}

} // namespace listguard::pg
