// Internationalized domain names through ICU's UTS #46 processing, the
// mapping browsers and mail systems use: case folding, normalisation and
// Punycode.
#pragma once

#include <cstddef>
#include <string_view>

namespace listguard {

// Writes the lower-case ASCII form (A-labels) of a domain into out and
// returns its length. Throws Error(InvalidText) if the domain is not a valid
// internationalized domain name.
std::size_t domain_to_ascii(std::string_view domain, char* out, std::size_t capacity);

// Writes the lower-case Unicode form of a domain (U-labels) into out and
// returns its length; ASCII domains are only lower-cased. Throws like
// domain_to_ascii.
std::size_t domain_to_unicode(std::string_view domain, char* out, std::size_t capacity);

} // namespace listguard
