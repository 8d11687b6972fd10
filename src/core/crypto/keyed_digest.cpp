#include "core/crypto/keyed_digest.h"

#include <cstring>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "core/base/error.h"

namespace listguard {

KeyedDigest::KeyedDigest(const Secret& key)
{
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    ctx_ = mac ? EVP_MAC_CTX_new(mac) : nullptr;
    EVP_MAC_free(mac);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
        OSSL_PARAM_construct_end(),
    };
    if (ctx_ == nullptr || EVP_MAC_init(ctx_, key.data(), key.size(), params) != 1) {
        EVP_MAC_CTX_free(ctx_);
        throw Error(ErrorKind::Internal, "could not create an HMAC-SHA-256 context");
    }
}

KeyedDigest::~KeyedDigest()
{
    EVP_MAC_CTX_free(ctx_);
}

void KeyedDigest::compute(std::string_view data, std::uint8_t* out, std::size_t out_len)
{
    compute(data, {}, out, out_len);
}

void KeyedDigest::compute(std::string_view part1, std::string_view part2, std::uint8_t* out, std::size_t out_len)
{
    std::uint8_t full[kSize];
    std::size_t full_len = 0;
    if (out_len > kSize || EVP_MAC_init(ctx_, nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(part1.data()), part1.size()) != 1 ||
        EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(part2.data()), part2.size()) != 1 ||
        EVP_MAC_final(ctx_, full, &full_len, sizeof full) != 1 || full_len != kSize)
        throw Error(ErrorKind::Internal, "HMAC-SHA-256 computation failed");
    std::memcpy(out, full, out_len);
    OPENSSL_cleanse(full, sizeof full);
}

} // namespace listguard
