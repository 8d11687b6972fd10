#include "core/email/pseudonym.h"

#include <cstring>
#include <string>

#include "core/crypto/hkdf.h"
#include "core/email/address.h"
#include "core/email/idna.h"

namespace listguard {

namespace {

constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567"; // RFC 4648 base32, lower case
constexpr std::size_t kMaxCachedAccounts = 4096;

} // namespace

Pseudonymizer::Pseudonymizer(const Secret& server_key) : root_(derive_key(server_key, "listguard pseudonym v1", 32)) {}

KeyedDigest& Pseudonymizer::account_key(std::int64_t account)
{
    auto it = accounts_.find(account);
    if (it != accounts_.end())
        return *it->second;
    if (accounts_.size() >= kMaxCachedAccounts)
        accounts_.clear();
    Secret key = hkdf_sha256(root_, {}, "account " + std::to_string(account), 32);
    auto inserted = accounts_.emplace(account, std::make_unique<KeyedDigest>(key));
    return *inserted.first->second;
}

std::size_t Pseudonymizer::pseudonym(std::int64_t account, const std::uint8_t* digest, std::size_t digest_len,
                                     std::string_view display, char* out)
{
    std::uint8_t mac[8];
    account_key(account).compute(std::string_view(reinterpret_cast<const char*>(digest), digest_len), mac, sizeof mac);
    std::uint64_t bits = 0;
    for (std::uint8_t b : mac)
        bits = (bits << 8) | b;

    std::size_t n = 0;
    out[n++] = 'p';
    out[n++] = '.';
    for (std::size_t i = 0; i < kPseudonymChars; i++)
        out[n++] = kAlphabet[(bits >> (64 - 5 * (i + 1))) & 31];
    out[n++] = '@';

    // The domain in one spelling for all spellings of the address.
    std::string_view domain = split_address(display).domain;
    if (is_ascii(domain)) {
        for (char c : domain)
            out[n++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        return n;
    }
    return n + domain_to_unicode(domain, out + n, kMaxPseudonymOctets - n);
}

bool has_pseudonym_shape(std::string_view display) noexcept
{
    std::string_view local = split_address(display).local;
    if (local.size() != 2 + kPseudonymChars || local.substr(0, 2) != "p.")
        return false;
    for (char c : local.substr(2))
        if (std::strchr(kAlphabet, c) == nullptr || c == '\0')
            return false;
    return true;
}

} // namespace listguard
