// The server key file: 32 random octets, readable by the server's OS user
// only. Created on first use if missing, safely when several processes race.
#pragma once

#include <string>

#include "core/crypto/secret.h"

namespace listguard {

constexpr std::size_t kServerKeySize = 32;

struct LoadedKey {
    Secret key;
    bool created = false; // this call made the file
};

// Throws Error(ConfigFile) when the file cannot be read or created, is not a
// regular file, is open to group or others, or does not hold exactly 32
// octets. Messages name the file, never its content.
LoadedKey load_or_create_key(const std::string& path);

} // namespace listguard
