// The module: _PG_init, and the check that listguard was preloaded.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// Every entry point calls this first: a library loaded outside
// shared_preload_libraries (its _PG_init refused) must not run at all.
void require_preload();

} // namespace listguard::pg
