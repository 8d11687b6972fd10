// Reveal levels and what a set of grants gives for one value.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace listguard {

// In increasing order of what they reveal: when several grants cover a
// value, the greatest applies.
enum class RevealLevel : std::uint8_t { Masked = 0, Pseudonym = 1, Sealed = 2, Clear = 3 };

std::optional<RevealLevel> parse_reveal(std::string_view text) noexcept;
std::string_view reveal_name(RevealLevel level) noexcept;

} // namespace listguard
