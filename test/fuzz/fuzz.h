// What the fuzz targets share: an invariant check that stops the run, the
// input as text, a fixed keyring, and sparse edits of a valid value.
//
// A target catches listguard::Error (of the kinds its function documents)
// and nothing else: any other exception escapes and libFuzzer reports it as
// a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "core/keys/keyring.h"
#include "core/keys/keyring_file.h"
#include "core/base/error.h"

// Unlike assert(), also checked in release builds.
#define FUZZ_CHECK(condition)                                                                                          \
    do {                                                                                                               \
        if (!(condition)) {                                                                                            \
            std::fprintf(stderr, "invariant failed: %s (%s:%d)\n", #condition, __FILE__, __LINE__);                    \
            std::abort();                                                                                              \
        }                                                                                                              \
    } while (0)

namespace listguard::fuzz {

inline std::string_view text_of(const std::uint8_t* data, std::size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

// The keyring every target uses: fixed, so that seeds made under it (valid
// tokens) stay valid; two seal keys, the second current, so that values
// under an older key are reached too.
inline Secret fixed_key(std::uint8_t fill)
{
    Secret key(kKeySize);
    for (std::size_t i = 0; i < key.size(); i++)
        key.data()[i] = static_cast<std::uint8_t>(fill + i);
    return key;
}

inline KeyringSpec fixed_keyring_spec()
{
    KeyringSpec spec;
    spec.index = fixed_key(1);
    spec.seals.push_back(fixed_key(2));
    spec.seals.push_back(fixed_key(3));
    spec.current = 1;
    return spec;
}

// Made once: keyed contexts are expensive, and a plain pointer has no
// destructor to run at exit.
inline Keyring& fixed_keyring()
{
    static Keyring* keyring = new Keyring(fixed_keyring_spec());
    return *keyring;
}

// Sparse edits read from fuzz input: each 3 octets are a position (2
// octets, taken modulo the target's length) and a value XORed in there.
// Mutating a valid value this way changes a few octets at a time, as a
// forger would, where XORing whole inputs would change everything at once.
inline void apply_edits(const std::uint8_t* data, std::size_t size, std::uint8_t* target, std::size_t length)
{
    if (length == 0)
        return;
    for (std::size_t i = 0; i + 3 <= size; i += 3) {
        std::size_t position = (std::size_t{data[i]} << 8 | data[i + 1]) % length;
        target[position] ^= data[i + 2];
    }
}

} // namespace listguard::fuzz
