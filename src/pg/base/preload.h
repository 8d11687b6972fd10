// Whether listguard was preloaded: every entry point calls require_preload()
// first, so that a library loaded outside shared_preload_libraries (whose
// _PG_init refused) never runs at all.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// An error with a hint unless _PG_init ran from shared_preload_libraries.
void require_preload();

// _PG_init: the refusal when not preloaded, and the mark when it was.
[[noreturn]] void report_not_preloaded();
void mark_preloaded() noexcept;

} // namespace listguard::pg
