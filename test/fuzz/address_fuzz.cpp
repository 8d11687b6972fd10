// Address syntax and IDNA (core/email/address.h, idna.h): parse_address on
// any text, as the type's input and trace_leak get it.
//
// For an accepted address: its canonical form is itself accepted and
// canonical (equality compares canonical forms, so an address must not
// have two), its display form is the input without surrounding blanks and
// gives the same canonical form, both fit their 254 octets, its domain has
// a Unicode form (pseudonyms show it) that maps back to the canonical
// domain, and its mask and pseudonym have their shapes.
#include <optional>
#include <string>

#include "core/email/address.h"
#include "core/email/idna.h"
#include "core/email/mask.h"
#include "core/email/pseudonym.h"
#include "fuzz.h"

using namespace listguard;

namespace {

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

std::optional<Address> parsed(std::string_view text)
{
    try {
        return parse_address(text);
    } catch (const Error& e) {
        FUZZ_CHECK(e.kind() == ErrorKind::InvalidText);
        FUZZ_CHECK(!e.detail().empty());
        return std::nullopt;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view text = fuzz::text_of(data, size);
    std::optional<Address> address = parsed(text);
    if (!address)
        return 0;

    std::string_view display = address->display();
    std::string_view canonical = address->canonical();
    FUZZ_CHECK(display == trimmed(text));
    FUZZ_CHECK(display.size() <= kMaxAddressOctets && canonical.size() <= kMaxAddressOctets);
    FUZZ_CHECK(is_ascii(canonical));

    std::optional<Address> again = parsed(canonical);
    FUZZ_CHECK(again && again->canonical() == canonical);
    std::optional<Address> from_display = parsed(display);
    FUZZ_CHECK(from_display && from_display->canonical() == canonical);

    AddressParts parts = split_address(display);
    AddressParts canonical_parts = split_address(canonical);
    FUZZ_CHECK(!parts.local.empty() && !parts.domain.empty());
    FUZZ_CHECK(parts.local.size() <= kMaxLocalOctets && canonical_parts.local.size() <= kMaxLocalOctets);

    // Pseudonyms show an internationalized domain in Unicode (an ASCII one
    // only lower-cased): the parser promised that form exists.
    if (!is_ascii(parts.domain)) {
        char unicode[kMaxDomainOctets];
        std::size_t unicode_len = domain_to_unicode(parts.domain, unicode, sizeof unicode);
        char ascii[kMaxDomainOctets];
        std::size_t ascii_len = domain_to_ascii({unicode, unicode_len}, ascii, sizeof ascii);
        FUZZ_CHECK(std::string_view(ascii, ascii_len) == canonical_parts.domain);
    }
    std::uint8_t digest[sealed::kDigestSize] = {};
    char pseudonym[kMaxPseudonymOctets];
    std::size_t pseudonym_len =
        fuzz::fixed_keyring().pseudonyms().pseudonym(7, digest, sizeof digest, display, pseudonym);
    FUZZ_CHECK(has_pseudonym_shape({pseudonym, pseudonym_len}));

    char mask[kMaxMaskedOctets];
    std::size_t mask_len = mask_address(display, mask);
    FUZZ_CHECK(has_mask_shape({mask, mask_len}));
    return 0;
}
