#include "pg/base/preload.h"

namespace listguard::pg {

namespace {

bool preloaded = false;

} // namespace

void report_not_preloaded()
{
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("listguard must be loaded via shared_preload_libraries"),
                    errhint("Add listguard to shared_preload_libraries in postgresql.conf and restart the server.")));
    pg_unreachable();
}

void mark_preloaded() noexcept
{
    preloaded = true;
}

void require_preload()
{
    if (unlikely(!preloaded))
        report_not_preloaded();
}

} // namespace listguard::pg
