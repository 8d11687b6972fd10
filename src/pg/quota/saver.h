#pragma once

namespace listguard::pg {

// The background worker that saves export-quota counters; called from
// _PG_init.
void register_quota_saver();

} // namespace listguard::pg
