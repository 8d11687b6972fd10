#include "pg/base/session_info.h"

#include "pg/base/clipped_text.h"

extern "C" {
#include "access/xact.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/inet.h"
#include "commands/dbcommands.h"
}

namespace listguard::pg {

const char* client_address()
{
    static char* address = nullptr;
    if (address != nullptr)
        return address;
    // inet_client_addr() is null for a Unix socket and for processes
    // without a client.
    LOCAL_FCINFO(call, 0);
    InitFunctionCallInfoData(*call, nullptr, 0, InvalidOid, nullptr, nullptr);
    Datum inet = inet_client_addr(call);
    char* text = call->isnull ? pstrdup("") : DatumGetCString(DirectFunctionCall1(inet_out, inet));
    char* slash = strchr(text, '/'); // inet_out writes no /32 for a host, but be sure
    if (slash != nullptr)
        *slash = '\0';
    address = MemoryContextStrdup(TopMemoryContext, text);
    return address;
}

namespace {

// Role names, remembered by OID so that events can be recorded where the
// catalogs cannot be read (while a transaction aborts).
struct NameCache {
    Oid role = InvalidOid;
    char name[NAMEDATALEN] = "";
};

const char* role_name(NameCache& cache, Oid role)
{
    if (cache.role != role) {
        if (!IsTransactionState())
            return "";
        const char* name = GetUserNameFromId(role, true);
        copy_clipped(cache.name, sizeof cache.name, name);
        cache.role = role;
    }
    return cache.name;
}

NameCache session_cache;
NameCache current_cache;
char database_name[NAMEDATALEN] = "";

// The database of a backend does not change; its name is read once, while
// the catalogs can be read.
const char* database()
{
    if (database_name[0] == '\0' && OidIsValid(MyDatabaseId) && IsTransactionState()) {
        const char* name = get_database_name(MyDatabaseId);
        copy_clipped(database_name, sizeof database_name, name);
    }
    return database_name;
}

} // namespace

SessionInfo session_info()
{
    SessionInfo info;
    info.database = database();
    info.session_user = role_name(session_cache, GetSessionUserId());
    info.current_user = role_name(current_cache, GetUserId());
    info.client_addr = client_address();
    info.application_name = application_name ? application_name : "";
    return info;
}

} // namespace listguard::pg
