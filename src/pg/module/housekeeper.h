// The listguard housekeeper: one background worker for the whole server
// (shared memory only, no database, so it runs on standbys too). Every
// listguard.quota_save_interval it saves export-quota counters that changed
// (a crash loses at most one interval; a clean shutdown saves them in the
// postmaster), and it starts an audit writer for any database whose events
// wait without one (its start failed, or every writer entry was taken).
#pragma once

namespace listguard::pg {

// Called from _PG_init.
void register_housekeeper();

} // namespace listguard::pg
