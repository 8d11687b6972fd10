// Canary local parts that look like a list's real ones.
//
// A style is the shape of a local part with the names taken out: "w.w99"
// is a word, a dot, a word and two digits (john.smith42); "iw" an initial
// and a word (jsmith). Styles are taken from a sample of the list's real
// addresses, and canaries are made in the same styles from common names, so
// that no pattern an insider could match sets them apart.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace listguard {

// The style of a local part: 'w' for a run of two or more letters, 'i' for a
// single letter, '9' for each digit, and separators ('.', '_', '-', '+')
// kept as they are. Other characters make "" (a style not worth copying).
std::string local_part_style(std::string_view local_part);

// A random number in [0, bound); the adapter passes a strong random source.
using RandomBelow = std::function<std::uint32_t(std::uint32_t bound)>;

// A local part in the given style, built from common first and last names
// (a lone word is a first name, or a first and last name run together when
// the style says it is long), lower case. "" for a style that is not one
// local_part_style() makes.
std::string local_part_in_style(std::string_view style, const RandomBelow& random);

} // namespace listguard
