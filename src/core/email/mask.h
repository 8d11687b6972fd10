// The masked form of an address: its first character, a fixed "***", "@"
// and the domain. The length of the local part is not preserved.
#pragma once

#include <cstddef>
#include <string_view>

namespace listguard {

constexpr std::size_t kMaxMaskedOctets = 4 + 1 + 255;

// Writes the mask into out (kMaxMaskedOctets) and returns its length.
std::size_t mask_address(std::string_view display, char* out) noexcept;

// True if an address's local part is exactly one character and "***", the
// shape every mask has.
bool has_mask_shape(std::string_view display) noexcept;

} // namespace listguard
