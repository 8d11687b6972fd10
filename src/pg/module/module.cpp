// The module's start: _PG_init defines the settings, installs the hooks and
// registers the housekeeper. No threads and no key loading in the
// postmaster: keys are loaded by the first backend function that needs them.
#include "pg/base/preload.h"
#include "pg/module/hooks.h"
#include "pg/module/housekeeper.h"
#include "pg/module/settings.h"

extern "C" {
PG_MODULE_MAGIC;

void _PG_init(void);
}

void _PG_init(void)
{
    using namespace listguard::pg;

    if (!process_shared_preload_libraries_in_progress)
        report_not_preloaded();

    define_settings();
    install_hooks();
    register_housekeeper();
    mark_preloaded();
}
