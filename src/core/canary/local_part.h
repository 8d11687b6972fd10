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
#include <vector>

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

namespace listguard {

// Templates: how a local part is made from its row's names. names are the
// values of the row's name columns (first name, last name, a full name...),
// whose runs of letters are the name tokens, numbered across the columns in
// order. A template is the local part with each run of letters written as
// the name tokens (or their initials) it is made of, other letter runs as
// words, and digits as digit classes:
//   john.smith42, names {John, Smith}  ->  {0}.{1}99
//   jsmith                             ->  {0i}{1}
//   coolcat77                          ->  w99
// A template with no reference to a name is a local part that does not show
// its names (about one in eight, in real lists).
std::string local_part_template(std::string_view local_part, const std::vector<std::string>& names);

// Whether a template refers to a name.
bool template_uses_names(std::string_view tmpl);

// A local part made in a template from a row's names (words and digits
// drawn anew), lower case; "" if the template refers to a name token the
// names do not have, or is not one local_part_template() makes.
std::string local_part_from_template(std::string_view tmpl, const std::vector<std::string>& names,
                                     const RandomBelow& random);

// Names that a given local part (a mailbox's) was made from in a template:
// a copy of `names` whose referred tokens are replaced by the local part's,
// in the case the original tokens had (Maria, MARIA, maria). `known` are the
// list's names, lower case: a name read from the local part must be one of
// them (jsmith is no first name; marialopez is maria and lopez), and a
// token the template shows by its initial only keeps its name if it starts
// so, else becomes one of them that does. Empty if the local part does not
// fit the template so.
std::vector<std::string> names_for_local_part(std::string_view local_part, std::string_view tmpl,
                                              const std::vector<std::string>& names,
                                              const std::vector<std::string>& known, const RandomBelow& random);

} // namespace listguard
