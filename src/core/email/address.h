// Email address syntax (RFC 5321 Mailbox) and the canonical form used for
// equality. Parsing never allocates: addresses are at most 254 octets.
#pragma once

#include <cstddef>
#include <string_view>

namespace listguard {

constexpr std::size_t kMaxAddressOctets = 254;
constexpr std::size_t kMaxLocalOctets = 64;
constexpr std::size_t kMaxDomainOctets = 255;
constexpr std::size_t kMaxLabelOctets = 63;

class Address {
public:
    // The address as written (surrounding blanks removed): kept for display.
    std::string_view display() const noexcept { return {display_, display_len_}; }
    // Lower-case local part (quotes dropped where they are not needed) "@"
    // lower-case ASCII domain (IDN labels as A-labels): equal addresses have
    // equal canonical forms.
    std::string_view canonical() const noexcept { return {canonical_, canonical_len_}; }

private:
    friend Address parse_address(std::string_view text);
    char display_[kMaxAddressOctets];
    std::size_t display_len_ = 0;
    char canonical_[kMaxAddressOctets];
    std::size_t canonical_len_ = 0;
};

// Throws Error(InvalidText) whose detail says what is wrong; the detail never
// repeats the address itself.
Address parse_address(std::string_view text);

// Splits an address already accepted by parse_address at its separating "@"
// (the last one: a quoted local part may contain "@", a domain never does).
// Text without "@" (a corrupted stored value) is all local part, with an
// empty domain that points at its end.
struct AddressParts {
    std::string_view local;
    std::string_view domain;
};
AddressParts split_address(std::string_view display) noexcept;

// True if every octet is 7-bit ASCII (such text is the same in UTF-8 and in
// every server encoding).
bool is_ascii(std::string_view text) noexcept;

} // namespace listguard
