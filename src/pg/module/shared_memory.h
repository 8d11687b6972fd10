// listguard's shared memory: the export-quota counters, the audit event
// queue, the keyring generation, and the activity counters and progress
// slots of listguard.metrics and listguard.progress. The shmem hooks (hooks.cpp) call these.
#pragma once

namespace listguard::pg {

// shmem_request_hook: the space and locks every part needs.
void request_shared_memory();

// shmem_startup_hook: runs in the postmaster at startup and after every
// crash restart (when shared memory is created anew), and in each backend on
// EXEC_BACKEND platforms.
void attach_shared_memory();

} // namespace listguard::pg
