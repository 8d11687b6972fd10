#include "core/audit/chain.h"

#include <openssl/crypto.h>

#include "core/base/error.h"

namespace listguard {

CanonicalEvent::CanonicalEvent(ChainEncoding encoding) : encoding_(encoding)
{
    if (encoding_ != ChainEncoding::V1)
        bytes_.push_back(static_cast<char>(encoding_));
}

void CanonicalEvent::add_length(std::uint32_t length)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        bytes_.push_back(static_cast<char>((length >> shift) & 0xff));
}

void CanonicalEvent::add_text(std::string_view value)
{
    if (encoding_ != ChainEncoding::V1)
        bytes_.push_back('T');
    add_length(static_cast<std::uint32_t>(value.size()));
    bytes_.append(value);
}

void CanonicalEvent::add_int64(std::int64_t value)
{
    if (encoding_ != ChainEncoding::V1)
        bytes_.push_back('I');
    else
        add_length(8);
    auto u = static_cast<std::uint64_t>(value);
    for (int shift = 56; shift >= 0; shift -= 8)
        bytes_.push_back(static_cast<char>((u >> shift) & 0xff));
}

void CanonicalEvent::add_null()
{
    if (encoding_ != ChainEncoding::V1)
        bytes_.push_back('N');
    else
        add_length(0xFFFFFFFFu);
}

void CanonicalEvent::begin_array(std::uint32_t count)
{
    bytes_.push_back('A');
    add_length(count);
}

namespace {

[[noreturn]] void malformed(const char* why)
{
    throw Error(ErrorKind::DataCorrupted, "audit event encoding is malformed", why);
}

struct Decoder {
    std::string_view bytes;
    std::size_t at = 0;

    std::uint8_t octet()
    {
        if (at >= bytes.size())
            malformed("It ends inside a field.");
        return static_cast<std::uint8_t>(bytes[at++]);
    }
    std::uint32_t length()
    {
        std::uint32_t n = 0;
        for (int i = 0; i < 4; i++)
            n = (n << 8) | octet();
        return n;
    }
    std::string_view take(std::uint32_t n)
    {
        if (n > bytes.size() - at)
            malformed("A field is longer than what is left.");
        std::string_view piece = bytes.substr(at, n);
        at += n;
        return piece;
    }

    // One version 2 field; arrays may not nest.
    CanonicalColumn field(bool in_array)
    {
        CanonicalColumn column;
        switch (octet()) {
        case 'N':
            break;
        case 'I': {
            std::string_view v = take(8);
            std::uint64_t u = 0;
            for (char c : v)
                u = (u << 8) | static_cast<std::uint8_t>(c);
            column.kind = CanonicalColumn::Integer;
            column.integer = static_cast<std::int64_t>(u);
            break;
        }
        case 'T':
            column.kind = CanonicalColumn::Text;
            column.text = take(length());
            break;
        case 'A': {
            if (in_array)
                malformed("An array holds an array.");
            std::uint32_t count = length();
            // Each element takes at least one octet: a count larger than what
            // is left is malformed, and must not reserve memory for it.
            if (count > bytes.size() - at)
                malformed("An array claims more elements than there are octets.");
            column.kind = CanonicalColumn::Array;
            column.items.reserve(count);
            for (std::uint32_t i = 0; i < count; i++)
                column.items.push_back(field(true));
            break;
        }
        default:
            malformed("A field has an unknown type.");
        }
        return column;
    }
};

} // namespace

std::vector<CanonicalColumn> decode_canonical(ChainEncoding encoding, std::string_view bytes)
{
    Decoder d{bytes};
    std::vector<CanonicalColumn> columns;
    if (encoding == ChainEncoding::V1) {
        while (d.at < bytes.size()) {
            CanonicalColumn column;
            std::uint32_t n = d.length();
            if (n != 0xFFFFFFFFu) {
                column.kind = CanonicalColumn::Text;
                column.text = d.take(n);
            }
            columns.push_back(column);
        }
        return columns;
    }
    if (encoding != ChainEncoding::V2)
        malformed("Its version is not one this listguard knows.");
    if (d.octet() != static_cast<std::uint8_t>(ChainEncoding::V2))
        malformed("Its version octet does not match its format.");
    while (d.at < bytes.size())
        columns.push_back(d.field(false));
    return columns;
}

bool canonical_integer(const CanonicalColumn& column, std::int64_t* out) noexcept
{
    if (column.kind == CanonicalColumn::Integer) {
        *out = column.integer;
        return true;
    }
    if (column.kind != CanonicalColumn::Text || column.text.size() != 8)
        return false;
    std::uint64_t u = 0;
    for (char c : column.text)
        u = (u << 8) | static_cast<std::uint8_t>(c);
    *out = static_cast<std::int64_t>(u);
    return true;
}

void chain_link(KeyedDigest& audit_key, const std::uint8_t* previous, const CanonicalEvent& event, std::uint8_t* out)
{
    audit_key.compute(std::string_view(reinterpret_cast<const char*>(previous), kLinkSize), event.bytes(), out,
                      kLinkSize);
}

bool links_equal(const std::uint8_t* a, const std::uint8_t* b) noexcept
{
    return CRYPTO_memcmp(a, b, kLinkSize) == 0;
}

} // namespace listguard
