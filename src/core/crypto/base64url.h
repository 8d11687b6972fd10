// base64url without padding (RFC 4648 section 5), as the compact
// serialization of a JWS writes each part (RFC 7515 section 2). Decoding is
// strict, so that one octet string has exactly one encoding: no padding, no
// whitespace, no character outside the URL-safe alphabet, no length that no
// encoding has (4n + 1), and no stray bits in the last character.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace listguard {

std::optional<std::string> base64url_decode(std::string_view text);
std::string base64url_encode(const std::uint8_t* data, std::size_t size);
inline std::string base64url_encode(std::string_view octets)
{
    return base64url_encode(reinterpret_cast<const std::uint8_t*>(octets.data()), octets.size());
}

// Whether every character is of the base64url alphabet (a quick check of a
// part before it is decoded).
bool is_base64url_text(std::string_view text) noexcept;

} // namespace listguard
