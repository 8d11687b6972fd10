#include "pg/base/principal_state.h"

extern "C" {
#include "access/parallel.h"
#include "access/xact.h"
#include "port/atomics.h"
#include "storage/backendid.h"
#include "storage/ipc.h"
#include "storage/proc.h"
#include "storage/shmem.h"
}

namespace listguard::pg {

namespace {

struct State {
    bool has_session = false;
    Principal session;
    bool has_transaction = false;
    Principal transaction;
};

State state;

// What to go back to when a (sub)transaction that changed the state
// aborts: one entry per nesting level that changed it, innermost last.
struct Saved {
    int level;
    State state;
};
constexpr int kMaxSaved = 32;
Saved saved[kMaxSaved];
int saved_count = 0;

// Shared: one slot per backend id, written by its backend only (while it
// runs no parallel query), read by its parallel workers.
struct Slot {
    volatile int pid; // the backend that wrote it; 0: no principal
    Principal principal;
};
Slot* slots = nullptr;
int slot_count = 0;

bool worker_looked = false;
bool worker_has = false;
Principal worker_principal;

const Principal* in_force(const State& s)
{
    if (s.has_transaction)
        return &s.transaction;
    return s.has_session ? &s.session : nullptr;
}

void clear_slot(int, Datum)
{
    if (slots != nullptr && MyBackendId > 0 && MyBackendId <= slot_count)
        slots[MyBackendId].pid = 0;
}

// The shared slot follows the state after every change.
void publish()
{
    if (slots == nullptr || MyBackendId <= 0 || MyBackendId > slot_count)
        return;
    static bool hooked = false;
    Slot& slot = slots[MyBackendId];
    const Principal* p = in_force(state);
    if (p == nullptr) {
        if (slot.pid != 0)
            slot.pid = 0;
        return;
    }
    if (!hooked) {
        before_shmem_exit(clear_slot, 0);
        hooked = true;
    }
    slot.pid = 0;
    pg_write_barrier();
    slot.principal = *p;
    pg_write_barrier();
    slot.pid = MyProcPid;
}

// Before a change at the current nesting level: the state to go back to.
void save_for_rollback()
{
    int level = GetCurrentTransactionNestLevel();
    if (saved_count > 0 && saved[saved_count - 1].level == level)
        return; // saved already at this level
    if (saved_count == kMaxSaved)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("too many nested subtransactions change the principal"),
                        errdetail("At most %d nesting levels of one transaction may call act_as() or "
                                  "end_principal().",
                                  kMaxSaved)));
    saved[saved_count++] = Saved{level, state};
}

} // namespace

const Principal* principal_in_force()
{
    if (!IsParallelWorker())
        return in_force(state);
    if (!worker_looked) {
        worker_looked = true;
        BackendId leader = ParallelLeaderBackendId;
        // The leader's process, as the worker joined its lock group.
        int leader_pid = MyProc != nullptr && MyProc->lockGroupLeader != nullptr ? MyProc->lockGroupLeader->pid : 0;
        if (slots != nullptr && leader > 0 && leader <= slot_count && leader_pid != 0) {
            const Slot& slot = slots[leader];
            if (slot.pid == leader_pid) {
                pg_read_barrier();
                worker_principal = slot.principal;
                pg_read_barrier();
                worker_has = slot.pid == leader_pid;
            }
        }
    }
    return worker_has ? &worker_principal : nullptr;
}

void put_principal_in_force(const Principal& principal, PrincipalScope scope)
{
    Assert(!IsParallelWorker());
    save_for_rollback();
    if (scope == PrincipalScope::Session) {
        state.session = principal;
        state.has_session = true;
        state.has_transaction = false;
    } else {
        state.transaction = principal;
        state.has_transaction = true;
    }
    publish();
}

void end_principal_in_force()
{
    if (!state.has_session && !state.has_transaction)
        return;
    save_for_rollback();
    state.has_session = false;
    state.has_transaction = false;
    publish();
}

void principal_at_transaction_end(bool committed)
{
    if (!committed && saved_count > 0)
        state = saved[0].state; // as the transaction found it
    saved_count = 0;
    state.has_transaction = false;
    publish();
}

void principal_at_subtransaction_end(bool committed)
{
    int level = GetCurrentTransactionNestLevel();
    if (saved_count == 0 || saved[saved_count - 1].level != level)
        return;
    if (!committed) {
        state = saved[--saved_count].state;
        publish();
    } else if (saved_count > 1 && saved[saved_count - 2].level == level - 1) {
        saved_count--; // the parent's saved state is the one to go back to
    } else {
        saved[saved_count - 1].level = level - 1;
    }
}

void principal_discard_all()
{
    state = State{};
    saved_count = 0;
    publish();
}

Size principal_shared_size()
{
    return MAXALIGN(sizeof(Slot) * (MaxBackends + 1));
}

void attach_principal_shared()
{
    bool found;
    slot_count = MaxBackends;
    slots = static_cast<Slot*>(ShmemInitStruct("listguard principals in force", principal_shared_size(), &found));
    if (!found)
        memset(static_cast<void*>(slots), 0, principal_shared_size());
}

} // namespace listguard::pg
