// HMAC-SHA-256 with one keyed context kept for the life of the object:
// re-initialising a keyed OpenSSL MAC context is far cheaper than keying anew.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/crypto/secret.h"

typedef struct evp_mac_ctx_st EVP_MAC_CTX;

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
    EVP_MAC_CTX* ctx_ = nullptr;
};

} // namespace listguard
