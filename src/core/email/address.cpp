#include "core/email/address.h"

#include <cstring>

#include "core/email/idna.h"
#include "core/base/error.h"

namespace listguard {

namespace {

[[noreturn]] void reject(const char* detail)
{
    throw Error(ErrorKind::InvalidText, "invalid email address", detail);
}

// Character classes as lookup tables: parsing runs once per value loaded.
struct CharClasses {
    bool atext[256] = {};
    bool ldh[256] = {};
    constexpr CharClasses()
    {
        for (int c = 0; c < 256; c++) {
            bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            ldh[c] = alnum || c == '-';
            atext[c] = alnum;
        }
        for (const char* p = "!#$%&'*+-/=?^_`{|}~"; *p; p++)
            atext[static_cast<unsigned char>(*p)] = true;
    }
};
constexpr CharClasses kClasses;

bool is_atext(unsigned char c) noexcept
{
    return kClasses.atext[c];
}
bool is_ldh(unsigned char c) noexcept
{
    return kClasses.ldh[c];
}

bool is_control(unsigned char c) noexcept
{
    return c < 32 || c == 127;
}

char to_lower_ascii(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_dot_atom(std::string_view s) noexcept
{
    if (s.empty() || s.front() == '.' || s.back() == '.')
        return false;
    for (std::size_t i = 0; i < s.size(); i++) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '.') {
            if (s[i - 1] == '.')
                return false;
        } else if (!is_atext(c)) {
            return false;
        }
    }
    return true;
}

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view s) noexcept
{
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        unsigned char c = *p;
        std::size_t extra;
        unsigned int cp;
        if (c < 0x80) {
            p++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (static_cast<std::size_t>(end - p) <= extra)
            return false;
        for (std::size_t i = 1; i <= extra; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((extra == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        p += extra + 1;
    }
    return true;
}

// Parses the local part at the start of s. Returns the octets it spans; the
// canonical local part goes to out (lower-case, unquoted where possible).
std::size_t parse_local(std::string_view s, char* out, std::size_t& out_len)
{
    char content[kMaxAddressOctets + 2];
    std::size_t content_len = 0;
    std::size_t i = 0;

    if (s[0] == '"') {
        for (i = 1;; i++) {
            if (i >= s.size())
                reject("Quoted local part is not terminated.");
            unsigned char c = static_cast<unsigned char>(s[i]);
            if (c == '"') {
                i++;
                break;
            }
            if (c == '\\') {
                if (++i >= s.size())
                    reject("Quoted local part is not terminated.");
                c = static_cast<unsigned char>(s[i]);
            }
            if (c >= 128)
                reject("Local part contains a non-ASCII character.");
            if (is_control(c))
                reject("Local part contains a control character.");
            if (content_len < sizeof content)
                content[content_len++] = static_cast<char>(c);
        }
        if (i > kMaxLocalOctets)
            reject("Local part is longer than 64 octets.");
        if (i >= s.size())
            reject("Address has no @.");
        if (s[i] != '@')
            reject("Quoted local part is followed by something other than @.");
        if (content_len == 0)
            reject("Local part is empty.");
    } else {
        for (; i < s.size() && s[i] != '@'; i++) {
            unsigned char c = static_cast<unsigned char>(s[i]);
            if (c == '.' || is_atext(c))
                continue;
            if (c >= 128)
                reject("Local part contains a non-ASCII character.");
            if (is_control(c))
                reject("Local part contains a control character.");
            if (c == ' ')
                reject("Local part contains a space, which is only allowed in a quoted local part.");
            reject("Local part contains a character that is only allowed in a quoted local part.");
        }
        if (i == s.size())
            reject("Address has no @.");
        if (i == 0)
            reject("Local part is empty.");
        if (i > kMaxLocalOctets)
            reject("Local part is longer than 64 octets.");
        std::string_view local = s.substr(0, i);
        if (local.front() == '.')
            reject("Local part begins with a dot.");
        if (local.back() == '.')
            reject("Local part ends with a dot.");
        if (local.find("..") != std::string_view::npos)
            reject("Local part contains two dots in a row.");
        std::memcpy(content, local.data(), local.size());
        content_len = local.size();
    }

    // Canonical: a quoted local part that would be valid unquoted is the same
    // mailbox as its unquoted form.
    std::string_view plain(content, content_len);
    out_len = 0;
    if (is_dot_atom(plain)) {
        for (char c : plain)
            out[out_len++] = to_lower_ascii(c);
    } else {
        out[out_len++] = '"';
        for (char c : plain) {
            if (c == '"' || c == '\\')
                out[out_len++] = '\\';
            out[out_len++] = to_lower_ascii(c);
        }
        out[out_len++] = '"';
    }
    return i;
}

} // namespace

bool is_ascii(std::string_view text) noexcept
{
    for (unsigned char c : text)
        if (c >= 0x80)
            return false;
    return true;
}

namespace {

// Validates the domain and writes its canonical (lower-case ASCII) form.
std::size_t canonical_domain(std::string_view domain, char* out, std::size_t capacity)
{
    if (domain.empty())
        reject("Domain is empty.");
    if (domain.front() == '[')
        reject("Domain is an address literal, which is not accepted.");

    bool ascii = true;
    bool has_a_label = false;
    for (unsigned char c : domain) {
        if (c == '@')
            reject("Address contains more than one @ outside quotes.");
        if (is_control(c))
            reject("Domain contains a control character.");
        if (c == ' ')
            reject("Domain contains a space.");
        if (c >= 128)
            ascii = false;
    }
    if (domain.size() > kMaxDomainOctets)
        reject("Domain is longer than 255 octets.");
    if (domain.front() == '.')
        reject("Domain begins with a dot.");
    if (domain.back() == '.')
        reject("Domain ends with a dot.");

    std::size_t start = 0;
    while (start <= domain.size()) {
        std::size_t end = domain.find('.', start);
        if (end == std::string_view::npos)
            end = domain.size();
        std::string_view label = domain.substr(start, end - start);
        if (label.empty())
            reject("Domain contains an empty label (two dots in a row).");
        if (ascii) {
            for (unsigned char c : label)
                if (!is_ldh(c))
                    reject("Domain contains a character other than letters, digits, hyphens and dots.");
            if (label.front() == '-')
                reject("Domain label begins with a hyphen.");
            if (label.back() == '-')
                reject("Domain label ends with a hyphen.");
            if (label.size() > kMaxLabelOctets)
                reject("Domain label is longer than 63 octets.");
            if (label.size() >= 4 && to_lower_ascii(label[0]) == 'x' && to_lower_ascii(label[1]) == 'n' &&
                label[2] == '-' && label[3] == '-')
                has_a_label = true;
        }
        start = end + 1;
    }

    if (ascii && !has_a_label) {
        for (std::size_t i = 0; i < domain.size(); i++)
            out[i] = to_lower_ascii(domain[i]);
        return domain.size();
    }
    if (!ascii && !is_valid_utf8(domain))
        reject("Domain is not valid UTF-8.");
    std::size_t len = domain_to_ascii(domain, out, capacity);
    if (len > kMaxDomainOctets)
        reject("Domain is longer than 255 octets.");
    // Pseudonyms show the domain in Unicode, and mapping can make that form
    // much longer than the input (U+3300 becomes four characters): it must
    // fit in the same 255 octets, or every pseudonym read of the row fails.
    char shown[kMaxDomainOctets];
    try {
        (void)domain_to_unicode(domain, shown, sizeof shown);
    } catch (const Error&) {
        reject("Domain is longer than 255 octets in its Unicode form.");
    }
    // UTS #46 maps other full stops (U+3002, U+FF0E, ...) to "." and drops
    // ignored characters (U+034F, ...), and ICU lets the mapped domain end
    // with a dot (the root's empty label). Checked on the mapped form, as on
    // an ASCII domain: a canonical form ending with a dot would not parse
    // again, and would differ from the same domain written without it.
    if (len == 0)
        reject("Domain is empty.");
    if (out[len - 1] == '.')
        reject("Domain ends with a dot.");
    for (std::size_t s = 0; s <= len;) {
        std::size_t e = s;
        while (e < len && out[e] != '.')
            e++;
        if (e == s)
            reject(s == 0 ? "Domain begins with a dot." : "Domain contains an empty label (two dots in a row).");
        if (e - s > kMaxLabelOctets)
            reject("Domain label is longer than 63 octets.");
        s = e + 1;
    }
    return len;
}

} // namespace

Address parse_address(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    if (text.empty())
        reject("Address is empty.");

    // Local part (<= 64, as quoted form can only shrink) + "@" + domain
    // (<= 255, or ICU reports an overflow).
    char canonical[kMaxLocalOctets + 1 + kMaxDomainOctets + 1];
    std::size_t local_len = 0;
    std::size_t at = parse_local(text, canonical, local_len);
    canonical[local_len] = '@';
    std::size_t domain_len =
        canonical_domain(text.substr(at + 1), canonical + local_len + 1, sizeof canonical - local_len - 1);
    std::size_t canonical_len = local_len + 1 + domain_len;

    if (text.size() > kMaxAddressOctets || canonical_len > kMaxAddressOctets)
        reject("Address is longer than 254 octets.");

    Address address;
    std::memcpy(address.display_, text.data(), text.size());
    address.display_len_ = text.size();
    std::memcpy(address.canonical_, canonical, canonical_len);
    address.canonical_len_ = canonical_len;
    return address;
}

AddressParts split_address(std::string_view display) noexcept
{
    const void* at = memrchr(display.data(), '@', display.size());
    // No "@" (a corrupted stored value): an empty domain at the end of the
    // text, not a null view, which callers would hand to memcpy.
    if (at == nullptr)
        return {display, display.substr(display.size())};
    std::size_t pos = static_cast<std::size_t>(static_cast<const char*>(at) - display.data());
    return {display.substr(0, pos), display.substr(pos + 1)};
}

} // namespace listguard
