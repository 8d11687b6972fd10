#include "core/audit/chain.h"

#include <openssl/crypto.h>

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
