// Sealed tokens: "lg1:" followed by the URL-safe base64 (no padding) of a
// value's stored form. What backups and pg_dump carry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/email/sealed_email.h"

namespace listguard {

constexpr std::string_view kTokenPrefix = "lg1:";
constexpr std::size_t kMaxTokenOctets = 4 + (sealed::kMaxSize * 4 + 2) / 3;

inline bool looks_like_token(std::string_view text) noexcept
{
    return text.substr(0, 4) == kTokenPrefix;
}

// Writes the token into out (kMaxTokenOctets) and returns its length.
std::size_t encode_token(const std::uint8_t* value, std::size_t size, char* out) noexcept;

// Decodes a token's base64 into out (sealed::kMaxSize) and returns the size;
// throws Error(InvalidText) on anything that is not a well-formed token.
// The result is not yet authenticated (EmailSealer::open does that).
std::size_t decode_token(std::string_view token, std::uint8_t* out);

} // namespace listguard
