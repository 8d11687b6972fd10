#include "core/email/transit.h"

#include <cstring>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/base/error.h"
#include "core/crypto/hkdf.h"

namespace listguard {

namespace {

constexpr std::uint8_t kFresh = 0x01;
constexpr std::size_t kProofRaw = 8 + 8 + 16;

// URL-safe base64 without padding of in, after prefix, into out.
std::size_t encode64(std::string_view prefix, const std::uint8_t* in, std::size_t size, char* out)
{
    std::memcpy(out, prefix.data(), prefix.size());
    unsigned char buf[((transit::kMaxRaw + 2) / 3) * 4 + 1];
    int n = EVP_EncodeBlock(buf, in, static_cast<int>(size));
    while (n > 0 && buf[n - 1] == '=')
        n--;
    for (int i = 0; i < n; i++) {
        char c = static_cast<char>(buf[i]);
        out[prefix.size() + i] = c == '+' ? '-' : c == '/' ? '_' : c;
    }
    return prefix.size() + static_cast<std::size_t>(n);
}

// Decodes body (URL-safe base64, no padding) into out (capacity octets);
// returns the size, or SIZE_MAX if it is not such base64 or too long.
std::size_t decode64(std::string_view body, std::uint8_t* out, std::size_t capacity)
{
    constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    if (body.size() % 4 == 1 || body.size() > ((capacity + 2) / 3) * 4)
        return kNone;
    unsigned char buf[((transit::kMaxRaw + 2) / 3) * 4 + 4];
    std::size_t n = 0;
    for (char c : body) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok)
            return kNone;
        buf[n++] = static_cast<unsigned char>(c == '-' ? '+' : c == '_' ? '/' : c);
    }
    std::size_t padding = (4 - n % 4) % 4;
    for (std::size_t i = 0; i < padding; i++)
        buf[n++] = '=';
    unsigned char decoded[sizeof buf];
    int len = EVP_DecodeBlock(decoded, buf, static_cast<int>(n));
    if (len < 0 || static_cast<std::size_t>(len) < padding)
        return kNone;
    std::size_t size = static_cast<std::size_t>(len) - padding;
    if (size > capacity)
        return kNone;
    std::memcpy(out, decoded, size);
    return size;
}

void put64(std::uint8_t* out, std::uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        out[i] = static_cast<std::uint8_t>(v & 0xff);
        v >>= 8;
    }
}

std::uint64_t get64(const std::uint8_t* in)
{
    std::uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | in[i];
    return v;
}

[[noreturn]] void bad_token(const char* detail)
{
    throw Error(ErrorKind::InvalidText, "transit token is not valid", detail,
                "Transit tokens are made by listguard between the nodes of one Citus cluster, which share "
                "one keyring.");
}

} // namespace

TransitSealer::TransitSealer(const Secret& index_key)
    : siv_(derive_key(index_key, "listguard citus transit v1", 64)),
      proofs_(derive_key(index_key, "listguard citus proof v2", 32))
{
    if (RAND_bytes(prefix_, sizeof prefix_) != 1)
        throw Error(ErrorKind::Internal, "could not make a random transit nonce");
}

std::size_t TransitSealer::wrap(const std::uint8_t* value, std::size_t size, std::string_view fresh_role, char* out)
{
    sealed::check_layout(value, size);
    if (fresh_role.size() > transit::kMaxRole)
        fresh_role = {}; // no role has a longer name; such a value is simply not fresh elsewhere
    std::uint8_t raw[transit::kMaxRaw];
    std::uint8_t* nonce = raw;
    std::uint8_t* tag = raw + transit::kNonceSize;
    std::uint8_t* cipher = tag + AesSiv::kTagSize;
    std::memcpy(nonce, prefix_, sizeof prefix_);
    put64(nonce + sizeof prefix_, ++counter_);
    std::uint8_t plain[transit::kMaxPlain];
    std::size_t n = 0;
    plain[n++] = fresh_role.empty() ? 0 : kFresh;
    plain[n++] = static_cast<std::uint8_t>(fresh_role.size());
    std::memcpy(plain + n, fresh_role.data(), fresh_role.size());
    n += fresh_role.size();
    std::memcpy(plain + n, value, size);
    n += size;
    ByteSpan ad{nonce, transit::kNonceSize};
    siv_.encrypt(&ad, 1, plain, n, tag, cipher);
    OPENSSL_cleanse(plain, n);
    return encode64(transit::kPrefix, raw, transit::kNonceSize + AesSiv::kTagSize + n, out);
}

Unwrapped TransitSealer::unwrap(std::string_view token, std::string_view role, std::uint8_t* out)
{
    if (!looks_like_transit(token))
        bad_token("It does not start with lgt1:.");
    std::uint8_t raw[transit::kMaxRaw];
    std::size_t size = decode64(token.substr(transit::kPrefix.size()), raw, sizeof raw);
    constexpr std::size_t kOverhead = transit::kNonceSize + AesSiv::kTagSize;
    if (size == static_cast<std::size_t>(-1) || size < kOverhead + 2 + sealed::kHeaderSize)
        bad_token("Its length or its base64 is wrong.");
    std::size_t n = size - kOverhead;
    std::uint8_t plain[transit::kMaxPlain];
    ByteSpan ad{raw, transit::kNonceSize};
    if (!siv_.decrypt(&ad, 1, raw + transit::kNonceSize, raw + kOverhead, n, plain))
        bad_token("It was altered, or made with another keyring.");
    Unwrapped result;
    std::size_t role_size = plain[1];
    if ((plain[0] & ~kFresh) != 0 || role_size > transit::kMaxRole || 2 + role_size + sealed::kHeaderSize > n ||
        ((plain[0] & kFresh) == 0) != (role_size == 0)) {
        OPENSSL_cleanse(plain, n);
        bad_token("Its content is malformed.");
    }
    std::string_view named(reinterpret_cast<const char*>(plain + 2), role_size);
    result.fresh_for_role = role_size > 0 && named == role;
    result.size = n - 2 - role_size;
    std::memcpy(out, plain + 2 + role_size, result.size);
    OPENSSL_cleanse(plain, n);
    sealed::check_layout(out, result.size);
    return result;
}

namespace {

// What a proof's MAC covers: gpid and time (the first 16 octets of the
// proof), then the role's name.
std::string proof_message(const std::uint8_t* raw, std::string_view role)
{
    std::string message(reinterpret_cast<const char*>(raw), 16);
    message.append(role);
    return message;
}

} // namespace

std::string TransitSealer::proof(std::uint64_t gpid, std::string_view role, std::int64_t issued)
{
    std::uint8_t raw[kProofRaw];
    put64(raw, gpid);
    put64(raw + 8, static_cast<std::uint64_t>(issued));
    proofs_.compute(proof_message(raw, role), raw + 16, 16);
    char out[transit::kProofPrefix.size() + (kProofRaw * 4 + 2) / 3 + 1];
    std::size_t len = encode64(transit::kProofPrefix, raw, kProofRaw, out);
    return std::string(out, len);
}

bool TransitSealer::check_proof(std::string_view proof, std::uint64_t gpid, std::string_view role, std::int64_t now,
                                std::int64_t max_age)
{
    if (proof.substr(0, transit::kProofPrefix.size()) != transit::kProofPrefix)
        return false;
    std::uint8_t raw[kProofRaw + 3];
    std::size_t size = decode64(proof.substr(transit::kProofPrefix.size()), raw, sizeof raw);
    if (size != kProofRaw || get64(raw) != gpid)
        return false;
    std::uint8_t mac[16];
    proofs_.compute(proof_message(raw, role), mac, sizeof mac);
    if (CRYPTO_memcmp(mac, raw + 16, sizeof mac) != 0)
        return false;
    auto issued = static_cast<std::int64_t>(get64(raw + 8));
    return issued <= now + 60 && now - issued <= max_age;
}

bool TransitSealer::check_proofs(std::string_view proofs, std::uint64_t gpid, std::string_view role, std::int64_t now,
                                 std::int64_t max_age)
{
    for (std::size_t n = 0; n < transit::kMaxProofs && !proofs.empty(); n++) {
        std::size_t comma = proofs.find(',');
        if (check_proof(proofs.substr(0, comma), gpid, role, now, max_age))
            return true;
        if (comma == std::string_view::npos)
            break;
        proofs.remove_prefix(comma + 1);
    }
    return false;
}

} // namespace listguard
