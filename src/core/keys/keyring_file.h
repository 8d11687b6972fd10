// The keyring's text form, as listguard.key_file holds it or
// listguard.key_command prints it:
//
//   # listguard keyring
//   index 3f1c…(64 hex digits)
//   seal  9a0b…(64 hex digits)
//   seal  77e2…(64 hex digits) current
//
// The index key makes what must never change while data exists: the
// digests that equality, unique indexes and lookups compare, pseudonyms,
// and the audit chain. Seal keys encrypt addresses; new values are sealed
// under the current one (the one marked current, else the last), and every
// listed one still opens the values it sealed. Rotation adds a seal key;
// the index key stays.
//
// A file of exactly 32 raw octets (listguard 0.1) is one key serving both
// roles, as it always did.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/crypto/secret.h"

namespace listguard {

constexpr std::size_t kKeySize = 32;
constexpr std::size_t kMaxKeyringOctets = 64 * 1024;

struct KeyringSpec {
    Secret index;
    std::vector<Secret> seals;
    std::size_t current = 0; // into seals
    bool legacy = false;     // a 0.1 raw key: index and the only seal key are one key
};

// Parses a keyring. `source` names where it came from in messages (never
// its content); throws Error(ConfigFile).
KeyringSpec parse_keyring(const std::string& source, std::string_view bytes);

// The text form of a keyring (a legacy one is written out in full).
std::string render_keyring(const KeyringSpec& keyring);

// A new keyring: a random index key and one random seal key.
KeyringSpec new_keyring();

// 32 random octets from OpenSSL's private generator.
Secret new_key();

// Reads a key file; throws Error(ConfigFile) when it is missing (message
// says so), unreadable, not a regular file, open to group or others, or
// larger than any keyring.
std::string read_key_file(const std::string& path);

// True if the path names nothing (no file, no directory).
bool key_file_missing(const std::string& path);

// Writes a key file (mode 0600) whole or not at all: a private temporary
// file, synced, then linked into place (create: fails if the file exists)
// or renamed over it (replace). Throws Error(ConfigFile).
enum class KeyFileWrite { Create, Replace };
void write_key_file(const std::string& path, const std::string& content, KeyFileWrite how);

} // namespace listguard
