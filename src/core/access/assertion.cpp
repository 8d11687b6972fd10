#include "core/access/assertion.h"

#include <cmath>

#include <openssl/evp.h>

#include "core/base/error.h"
#include "core/crypto/base64url.h"

namespace listguard {

std::optional<CompactJws> decode_compact_jws(std::string_view token)
{
    if (token.empty() || token.size() > kMaxAssertionOctets)
        return std::nullopt;
    std::size_t first = token.find('.');
    if (first == std::string_view::npos)
        return std::nullopt;
    std::size_t second = token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
        return std::nullopt;
    std::string_view parts[3] = {token.substr(0, first), token.substr(first + 1, second - first - 1),
                                 token.substr(second + 1)};
    CompactJws jws;
    std::string* decoded[3] = {&jws.header, &jws.payload, &jws.signature};
    for (int i = 0; i < 3; i++) {
        if (parts[i].empty())
            return std::nullopt; // an unsigned JWT ("alg": "none") has an empty signature
        std::optional<std::string> octets = base64url_decode(parts[i]);
        if (!octets)
            return std::nullopt;
        *decoded[i] = std::move(*octets);
    }
    jws.signing_input = token.substr(0, second);
    return jws;
}

AssertionCheck check_assertion_header(const AssertionHeader& header)
{
    if (!header.alg.present || !header.alg.is_string)
        return {AssertionProblem::Algorithm, "alg"};
    // Exactly EdDSA: never "none", never an HMAC whose secret would be the
    // public key, never anything the key was not made for.
    if (header.alg.value != "EdDSA")
        return {AssertionProblem::Algorithm, "alg"};
    if (header.crit)
        return {AssertionProblem::Unsupported, "crit"};
    if (header.b64)
        return {AssertionProblem::Unsupported, "b64"};
    if (header.typ.present && (!header.typ.is_string || (header.typ.value != "JWT" && header.typ.value != "jwt")))
        return {AssertionProblem::Unsupported, "typ"};
    if (header.kid.present && !header.kid.is_string)
        return {AssertionProblem::Unsupported, "kid"};
    return {};
}

std::optional<AssertionMicros> numeric_date_micros(const NumericDate& date)
{
    if (!date.present || !date.is_number || !std::isfinite(date.seconds))
        return std::nullopt;
    // 1970 to the year 5138: anything else is no time an assertion is made.
    if (date.seconds < 0 || date.seconds > 1e11)
        return std::nullopt;
    return static_cast<AssertionMicros>(std::floor(date.seconds * 1e6));
}

AssertionCheck check_assertion_claims(const AssertionClaims& c, const ClaimRules& rules)
{
    if (!c.sub.present)
        return {AssertionProblem::MissingClaim, "sub"};
    if (!c.sub.is_string || !valid_principal_name(c.sub.value))
        return {AssertionProblem::ClaimType, "sub"};
    if (!c.aud_present)
        return {AssertionProblem::MissingClaim, "aud"};
    if (!c.aud_well_typed)
        return {AssertionProblem::ClaimType, "aud"};
    if (!c.iat.present)
        return {AssertionProblem::MissingClaim, "iat"};
    if (!c.exp.present)
        return {AssertionProblem::MissingClaim, "exp"};
    if (!c.jti.present)
        return {AssertionProblem::MissingClaim, "jti"};
    std::optional<AssertionMicros> iat = numeric_date_micros(c.iat);
    if (!iat)
        return {AssertionProblem::ClaimType, "iat"};
    std::optional<AssertionMicros> exp = numeric_date_micros(c.exp);
    if (!exp)
        return {AssertionProblem::ClaimType, "exp"};
    std::optional<AssertionMicros> nbf;
    if (c.nbf.present) {
        nbf = numeric_date_micros(c.nbf);
        if (!nbf)
            return {AssertionProblem::ClaimType, "nbf"};
    }
    if (!c.jti.is_string || c.jti.value.empty() || c.jti.value.size() > kMaxJti)
        return {AssertionProblem::ClaimType, "jti"};
    if (c.ip.present && (!c.ip.is_string || c.ip.value.empty() || c.ip.value.size() > 45))
        return {AssertionProblem::ClaimType, "ip"};
    bool audience = false;
    for (const std::string& a : c.aud)
        audience = audience || a == rules.audience;
    if (!audience)
        return {AssertionProblem::Audience, "aud"};
    if (*exp <= *iat || *exp - *iat > kMaxAssertionLifetime)
        return {AssertionProblem::Lifetime, "exp"};
    if (rules.now >= *exp)
        return {AssertionProblem::Expired, "exp"};
    if (*iat > rules.now + rules.leeway)
        return {AssertionProblem::Early, "iat"};
    if (nbf && *nbf > rules.now + rules.leeway)
        return {AssertionProblem::Early, "nbf"};
    if (*iat < rules.floor)
        return {AssertionProblem::BeforeStart, "iat"};
    return {};
}

bool valid_principal_name(std::string_view name) noexcept
{
    if (name.empty() || name.size() > kMaxPrincipalName)
        return false;
    if (name.front() == ' ' || name.back() == ' ')
        return false;
    for (char c : name) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == '@')
            return false;
    }
    return true;
}

ReplayKey assertion_replay_key(std::uint32_t application, std::string_view jti)
{
    unsigned char prefix[4] = {static_cast<unsigned char>(application >> 24),
                               static_cast<unsigned char>(application >> 16),
                               static_cast<unsigned char>(application >> 8), static_cast<unsigned char>(application)};
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
              EVP_DigestUpdate(ctx, prefix, sizeof prefix) == 1 && EVP_DigestUpdate(ctx, jti.data(), jti.size()) == 1 &&
              EVP_DigestFinal_ex(ctx, digest, &len) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        throw Error(ErrorKind::Internal, "could not hash an assertion's jti");
    ReplayKey key{};
    for (std::size_t i = 0; i < key.size(); i++)
        key[i] = digest[i];
    return key;
}

} // namespace listguard
