// Every hook and callback listguard installs, in one place: each saves the
// hook it replaces and calls it, so listguard works beside pgaudit,
// pg_stat_statements and set_user, and dispatches to the capabilities.
#pragma once

namespace listguard::pg {

// Called once from _PG_init.
void install_hooks();

} // namespace listguard::pg
