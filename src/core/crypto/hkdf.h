// Per-purpose keys from the server key (HKDF-SHA-256, RFC 5869), so that a
// key used for one purpose never serves another.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/crypto/secret.h"

namespace listguard {

// RFC 5869 HKDF-SHA-256.
Secret hkdf_sha256(const Secret& input_key, std::string_view salt, std::string_view info, std::size_t length);

// A key for one purpose (info names it) from the server key, with
// listguard's fixed salt.
Secret derive_key(const Secret& server_key, std::string_view purpose, std::size_t length);

} // namespace listguard
