// Defines every listguard.* setting (their values: pg/base/settings.h).
#pragma once

namespace listguard::pg {

// Called once from _PG_init.
void define_settings();

} // namespace listguard::pg
