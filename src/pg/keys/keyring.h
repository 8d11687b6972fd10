// The backend's keyring: read from listguard.key_command or
// listguard.key_file when first needed, kept for the life of the backend,
// wiped at exit, and read again when a setting changes or an administrator
// changes the keyring (a generation counter in shared memory says so).
//
// Every operation that needs a key fails with SQLSTATE F0000 when the
// keyring is missing, unreadable, or not the one this cluster's data was
// made with: the cluster records its index key's id (pg_listguard/keyring)
// when the keyring is made, and a keyring with another index key would
// answer lookups and unique checks wrongly instead of failing.
#pragma once

#include <memory>
#include <type_traits>

#include "pg/base/postgres_c.h"

#include "core/keys/keyring.h"

namespace listguard::pg {

// Loads the keyring if needed (may ereport). Call outside guarded().
void ensure_keyring();

// The loaded keyring, after ensure_keyring(). Throws listguard::Error when
// none is loaded (a reload failed since): call it inside guarded().
Keyring& keyring();

// ensure_keyring(), then the keyring: for code outside guarded() (a missing
// keyring is reported with ereport, before anything is returned).
Keyring& ensured_keyring();

// The sealer of canary reveal records. It depends on the index key alone,
// which never changes in a cluster, so it outlives the keyring it came from:
// reveals counted while a keyring was loaded are sealed at transaction end
// even when the keyring cannot be read any more (an abort because of it).
// Null until a keyring was first loaded in this backend.
const RevealRecordSealer* canary_reveal_sealer() noexcept;

// Drops (and wipes) the keyring; the next ensure_keyring() reloads it.
void forget_keyring() noexcept;

// CREATE EXTENSION: makes a keyring if the cluster never had one (key file
// missing and no index key recorded); otherwise loads the existing one.
void create_keyring_if_none();

// Whether the keyring comes from listguard.key_file (listguard may write it)
// rather than listguard.key_command.
bool keyring_from_file();

// Reads the key file's keyring under the keyring lock, lets `change` edit
// it, writes it back whole, and makes every backend read it again. `change`
// runs inside guarded(): it may throw listguard::Error (nothing is written
// then), never ereport. It is alive across PostgreSQL calls that may raise
// an error, so it holds nothing with a destructor (a lambda that captures by
// reference; checked at compile time).
void edit_key_file_with(void (*change)(KeyringSpec&, void*), void* context);

template <typename Change>
void edit_key_file(Change&& change)
{
    using Callable = std::remove_reference_t<Change>;
    static_assert(std::is_trivially_destructible_v<Callable>,
                  "edit_key_file: the change holds an object with a destructor (capture by reference)");
    edit_key_file_with([](KeyringSpec& spec, void* context) { (*static_cast<Callable*>(context))(spec); },
                       const_cast<void*>(static_cast<const void*>(std::addressof(change))));
}

// Makes every backend read the keyring again (after the key source changed).
void reload_keyring_everywhere();

// Shared memory: the generation counter and the lock for key file edits.
Size keys_shared_size();
void attach_keys_shared();

} // namespace listguard::pg
