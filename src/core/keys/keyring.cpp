#include "core/keys/keyring.h"

namespace listguard {

std::string index_key_id(const Secret& index_key)
{
    Secret id = derive_key(index_key, "listguard index id v1", 8);
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < id.size(); i++) {
        out += digits[id.data()[i] >> 4];
        out += digits[id.data()[i] & 15];
    }
    return out;
}

} // namespace listguard
