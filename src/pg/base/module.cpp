#include "pg/base/module.h"

#include "pg/base/hooks.h"
#include "pg/base/housekeeper.h"
#include "pg/base/settings.h"

extern "C" {
PG_MODULE_MAGIC;

void _PG_init(void);
}

namespace listguard::pg {

namespace {

bool preloaded = false;

[[noreturn]] void report_not_preloaded()
{
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("listguard must be loaded via shared_preload_libraries"),
                    errhint("Add listguard to shared_preload_libraries in postgresql.conf and restart the server.")));
    pg_unreachable();
}

} // namespace

void require_preload()
{
    if (unlikely(!preloaded))
        report_not_preloaded();
}

} // namespace listguard::pg

// Settings, hooks and the housekeeper only: no threads, no key loading in
// the postmaster. Keys are loaded lazily by the first backend function that
// needs them.
void _PG_init(void)
{
    using namespace listguard::pg;

    if (!process_shared_preload_libraries_in_progress)
        report_not_preloaded();

    define_settings();
    install_hooks();
    register_housekeeper();
    preloaded = true;
}
