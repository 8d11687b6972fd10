// AES-SIV (RFC 5297): deterministic authenticated encryption.
//
// OpenSSL's own "AES-*-SIV" cipher must be re-keyed for every message (its
// S2V state cannot be reset on a keyed context; re-initialising without a key
// silently produces wrong output), which costs ~2 µs a value. This class
// composes the same construction from OpenSSL's CMAC and CTR primitives held
// in keyed contexts for the life of the object, and is checked bit-for-bit
// against OpenSSL's AES-SIV and the RFC 5297 test vectors.
#pragma once

#include <cstddef>
#include <cstdint>

#include "secret.h"

typedef struct evp_mac_ctx_st EVP_MAC_CTX;
typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

namespace listguard {

struct ByteSpan {
    const std::uint8_t* data;
    std::size_t size;
};

class AesSiv {
public:
    static constexpr std::size_t kTagSize = 16;

    // key: 32 octets (AES-128-SIV) or 64 octets (AES-256-SIV).
    explicit AesSiv(const Secret& key);
    ~AesSiv();
    AesSiv(const AesSiv&) = delete;
    AesSiv& operator=(const AesSiv&) = delete;

    void encrypt(const ByteSpan* associated, std::size_t associated_count, const std::uint8_t* plaintext,
                 std::size_t length, std::uint8_t* tag, std::uint8_t* ciphertext);

    // Returns false (and zeroes plaintext) unless tag authenticates the
    // associated data and ciphertext.
    bool decrypt(const ByteSpan* associated, std::size_t associated_count, const std::uint8_t* tag,
                 const std::uint8_t* ciphertext, std::size_t length, std::uint8_t* plaintext);

    // The CTR half alone: for values that were authenticated when they
    // entered the database and are only being displayed.
    void decrypt_unauthenticated(const std::uint8_t* tag, const std::uint8_t* ciphertext, std::size_t length,
                                 std::uint8_t* plaintext);

private:
    using Block = std::uint8_t[16];
    void s2v(const ByteSpan* associated, std::size_t associated_count, const std::uint8_t* plaintext,
             std::size_t length, std::uint8_t* out);
    void cmac(ByteSpan first, ByteSpan second, std::uint8_t* out);
    void ctr(const std::uint8_t* tag, const std::uint8_t* in, std::size_t length, std::uint8_t* out);

    EVP_MAC_CTX* cmac_ = nullptr;
    EVP_CIPHER_CTX* ctr_ = nullptr;
    Block cmac_of_zero_{};
};

} // namespace listguard
