// Pseudonyms: a stable token per address and account, keeping the domain,
// e.g. p.4k2m9xq7ab3c@example.com. Same address and account, same token;
// another account, an unrelated token (each account has its own key).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "core/crypto/keyed_digest.h"
#include "core/crypto/secret.h"

namespace listguard {

constexpr std::size_t kPseudonymChars = 12; // 60 bits: collisions stay rare in lists of millions
constexpr std::size_t kMaxPseudonymOctets = 2 + kPseudonymChars + 1 + 255;

class Pseudonymizer {
public:
    explicit Pseudonymizer(const Secret& server_key);

    // Writes the pseudonym of the address with this digest and display form
    // into out (kMaxPseudonymOctets) and returns its length.
    std::size_t pseudonym(std::int64_t account, const std::uint8_t* digest, std::size_t digest_len,
                          std::string_view display, char* out);

private:
    KeyedDigest& account_key(std::int64_t account);

    Secret root_;
    std::unordered_map<std::int64_t, std::unique_ptr<KeyedDigest>> accounts_;
};

// True if an address's local part has the shape of a pseudonym.
bool has_pseudonym_shape(std::string_view display) noexcept;

} // namespace listguard
