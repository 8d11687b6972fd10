// HMAC-SHA-256 with the key's inner and outer hash states computed once for
// the life of the object: a value then costs two SHA-256 compressions (one
// more per 64 octets of input past the first 55) and no provider dispatch.
// OpenSSL 3's EVP_MAC interface re-enters its provider layer three times per
// message (init, update, final), which cost more than the hashing itself
// (bench/micro: BM_Digest against BM_Floor_HmacSha256).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/crypto/secret.h"

namespace listguard {

class KeyedDigest {
public:
    static constexpr std::size_t kSize = 32;

    explicit KeyedDigest(const Secret& key);
    ~KeyedDigest();
    KeyedDigest(const KeyedDigest&) = delete;
    KeyedDigest& operator=(const KeyedDigest&) = delete;

    // HMAC over the concatenation of the parts, truncated to out_len octets.
    void compute(std::string_view data, std::uint8_t* out, std::size_t out_len);
    void compute(std::string_view part1, std::string_view part2, std::uint8_t* out, std::size_t out_len);

private:
    // OpenSSL's SHA256_CTX, kept opaque here (its header is deprecated API).
    struct State;
    State* inner_ = nullptr; // after hashing key xor ipad
    State* outer_ = nullptr; // after hashing key xor opad
};

} // namespace listguard
