#pragma once

namespace listguard::pg {

// Registers the quota saver; called from _PG_init.
void register_quota_worker();

} // namespace listguard::pg
