#include "core/email/idna.h"

#include <unicode/uidna.h>

#include "core/base/error.h"

namespace listguard {

namespace {

// One UTS #46 processor for the life of the process (ICU objects of this kind
// are immutable once opened). A plain pointer: no static constructor.
const UIDNA* uts46()
{
    static UIDNA* processor = nullptr;
    if (processor == nullptr) {
        UErrorCode status = U_ZERO_ERROR;
        UIDNA* opened = uidna_openUTS46(UIDNA_USE_STD3_RULES | UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ |
                                            UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_NONTRANSITIONAL_TO_UNICODE,
                                        &status);
        if (U_FAILURE(status))
            throw Error(ErrorKind::Internal, "could not initialise ICU IDNA processing", u_errorName(status));
        processor = opened;
    }
    return processor;
}

const char* describe(uint32_t errors)
{
    if (errors & (UIDNA_ERROR_LABEL_TOO_LONG))
        return "Domain label is longer than 63 octets.";
    if (errors & UIDNA_ERROR_DOMAIN_NAME_TOO_LONG)
        return "Domain is longer than 255 octets.";
    if (errors & UIDNA_ERROR_EMPTY_LABEL)
        return "Domain contains an empty label (two dots in a row).";
    if (errors & UIDNA_ERROR_LEADING_HYPHEN)
        return "Domain label begins with a hyphen.";
    if (errors & UIDNA_ERROR_TRAILING_HYPHEN)
        return "Domain label ends with a hyphen.";
    if (errors & UIDNA_ERROR_HYPHEN_3_4)
        return "Domain label has hyphens in its third and fourth positions but is not a valid A-label.";
    if (errors & (UIDNA_ERROR_PUNYCODE | UIDNA_ERROR_INVALID_ACE_LABEL))
        return "Domain has an xn-- label that is not valid Punycode.";
    if (errors & UIDNA_ERROR_BIDI)
        return "Internationalized domain breaks the rules for right-to-left text.";
    if (errors & (UIDNA_ERROR_CONTEXTJ | UIDNA_ERROR_CONTEXTO_DIGITS | UIDNA_ERROR_CONTEXTO_PUNCTUATION))
        return "Internationalized domain uses a joiner or punctuation character out of context.";
    if (errors & UIDNA_ERROR_LEADING_COMBINING_MARK)
        return "Domain label begins with a combining mark.";
    if (errors & UIDNA_ERROR_DISALLOWED)
        return "Domain contains a character that is not allowed in domain names.";
    return "Domain is not a valid internationalized domain name.";
}

template <typename Convert>
std::size_t convert(Convert fn, std::string_view domain, char* out, std::size_t capacity)
{
    UErrorCode status = U_ZERO_ERROR;
    UIDNAInfo info = UIDNA_INFO_INITIALIZER;
    int32_t len = fn(uts46(), domain.data(), static_cast<int32_t>(domain.size()), out, static_cast<int32_t>(capacity),
                     &info, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR || status == U_STRING_NOT_TERMINATED_WARNING)
        throw Error(ErrorKind::InvalidText, "invalid email address", "Domain is longer than 255 octets.");
    if (U_FAILURE(status))
        throw Error(ErrorKind::InvalidText, "invalid email address",
                    "Domain is not a valid internationalized domain name.");
    if (info.errors != 0)
        throw Error(ErrorKind::InvalidText, "invalid email address", describe(info.errors));
    return static_cast<std::size_t>(len);
}

} // namespace

std::size_t domain_to_ascii(std::string_view domain, char* out, std::size_t capacity)
{
    return convert(uidna_nameToASCII_UTF8, domain, out, capacity);
}

std::size_t domain_to_unicode(std::string_view domain, char* out, std::size_t capacity)
{
    return convert(uidna_nameToUnicodeUTF8, domain, out, capacity);
}

} // namespace listguard
