// The backend's keyring: loaded from listguard.key_file on first use, kept
// for the life of the backend, wiped at exit or when the setting changes.
#pragma once

#include "pg/base/postgres_c.h"

#include "core/crypto/keyring.h"

namespace listguard::pg {

// Loads the keyring if needed (may ereport). Call outside guarded().
void ensure_keyring();

// The loaded keyring; only valid after ensure_keyring().
Keyring& keyring() noexcept;

// Drops (and wipes) the keyring; the next ensure_keyring() reloads it.
void forget_keyring() noexcept;

} // namespace listguard::pg
