#include "core/audit/anchor.h"

#include <charconv>
#include <cstring>

#include <openssl/crypto.h>

namespace listguard {

void link_to_hex(const std::uint8_t* link, char (&out)[kLinkHexSize + 1]) noexcept
{
    size_t length = 0;
    if (OPENSSL_buf2hexstr_ex(out, sizeof out, &length, link, kLinkSize, '\0') != 1)
        std::memset(out, '0', kLinkHexSize);
    out[kLinkHexSize] = '\0';
    for (char& c : out) // OpenSSL writes upper case; the record has always been lower case
        if (c >= 'A' && c <= 'F')
            c = static_cast<char>(c - 'A' + 'a');
}

namespace {

constexpr std::string_view kVersion2 = "lg-anchor 2 ";

} // namespace

void format_anchor(const Anchor& anchor, char (&record)[kAnchorRecordSize]) noexcept
{
    char hex[kLinkHexSize + 1];
    link_to_hex(anchor.link, hex);
    std::memset(record, ' ', sizeof record);
    std::memcpy(record, kVersion2.data(), kVersion2.size());
    char* end = std::to_chars(record + kVersion2.size(), record + kVersion2.size() + 24, anchor.id).ptr;
    *end++ = ' ';
    std::memcpy(end, hex, kLinkHexSize);
    record[sizeof record - 1] = '\n';
}

Anchor parse_anchor(std::string_view record) noexcept
{
    Anchor anchor;
    if (record.substr(0, kVersion2.size()) == kVersion2)
        record.remove_prefix(kVersion2.size());
    else if (record.substr(0, 3) == "lg-")
        return {}; // a version this listguard does not know
    std::size_t space = record.find(' ');
    if (space == std::string_view::npos)
        return {};
    std::int64_t id = 0;
    auto parsed = std::from_chars(record.data(), record.data() + space, id);
    if (parsed.ec != std::errc() || parsed.ptr != record.data() + space || id <= 0)
        return {};
    std::string_view hex = record.substr(space + 1);
    std::size_t end = hex.find_first_of(" \n");
    hex = hex.substr(0, end);
    if (hex.size() != kLinkHexSize || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos)
        return {};
    char digits[kLinkHexSize + 1];
    std::memcpy(digits, hex.data(), kLinkHexSize);
    digits[kLinkHexSize] = '\0';
    size_t length = 0;
    if (OPENSSL_hexstr2buf_ex(anchor.link, sizeof anchor.link, &length, digits, '\0') != 1 || length != kLinkSize)
        return {};
    anchor.id = id;
    return anchor;
}

} // namespace listguard
