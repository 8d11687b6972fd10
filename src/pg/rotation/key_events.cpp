#include "pg/rotation/key_events.h"

#include <vector>

#include "pg/audit/events.h"
#include "pg/base/guard.h"
#include "pg/keys/keyring.h"

#include "core/keys/keyring.h"

namespace listguard::pg {

int find_seal_key(const char* key_id)
{
    ensure_keyring();
    return guarded([&] {
        std::vector<KeyId> ids = keyring().email().key_ids();
        for (std::size_t i = 0; i < ids.size(); i++)
            if (ids[i].hex() == key_id)
                return static_cast<int>(i);
        return -1;
    });
}

const char* current_key_id()
{
    ensure_keyring();
    char id[2 * sealed::kKeyIdSize + 1];
    guarded([&] { strlcpy(id, keyring().email().key_ids()[keyring().email().current()].hex().c_str(), sizeof id); });
    return pstrdup(id);
}

void record_key_event(const char* action, const char* key_id)
{
    record_event(EventKind::Key, psprintf("{\"action\": %s, \"key\": %s}", json_string(action), json_string(key_id)));
}

} // namespace listguard::pg
