#include "pg/audit/origin.h"

#include "pg/base/clipped_text.h"

extern "C" {
#include "access/xlog.h"
#include "postmaster/postmaster.h"
#include "utils/guc.h"
}

namespace listguard::pg {

const char* standby_origin()
{
    static char origin[NAMEDATALEN];
    if (origin[0] == '\0') {
        if (cluster_name != nullptr && cluster_name[0] != '\0')
            copy_clipped(origin, sizeof origin, cluster_name);
        else
            snprintf(origin, sizeof origin, "port %d of %llu", PostPortNumber,
                     static_cast<unsigned long long>(GetSystemIdentifier()));
    }
    return origin;
}

} // namespace listguard::pg
