// AES-SIV (RFC 5297): deterministic authenticated encryption.
//
// OpenSSL's own "AES-*-SIV" cipher must be re-keyed for every message (its
// S2V state cannot be reset on a keyed context; re-initialising without a key
// silently produces wrong output), which costs ~2 µs a value, and even
// OpenSSL's CMAC and CTR contexts spend ~0.1 µs per message re-initialising
// through the provider layer. So this class keeps two keyed AES contexts
// for the life of the object and builds CMAC (RFC 4493) and CTR on them
// function, a few lines each: one OpenSSL call per CMAC and per CTR. It is checked bit-for-bit against OpenSSL's
// AES-SIV and the RFC 5297 test vectors.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/crypto/secret.h"

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

    // Longest plaintext this class handles (enough for any stored address).
    static constexpr std::size_t kMaxPlaintext = 1024;

private:
    using Block = std::uint8_t[16];
    void s2v(const ByteSpan* associated, std::size_t associated_count, const std::uint8_t* plaintext,
             std::size_t length, std::uint8_t* out);
    void cmac(ByteSpan first, ByteSpan second, std::uint8_t* out);
    void ctr(const std::uint8_t* tag, const std::uint8_t* in, std::size_t length, std::uint8_t* out);
    void cbc_encrypt(std::uint8_t* blocks, std::size_t length, std::uint8_t* last);
    static void encrypt_blocks(EVP_CIPHER_CTX* ctx, const std::uint8_t* in, std::size_t length, std::uint8_t* out);

    EVP_CIPHER_CTX* mac_cbc_ = nullptr; // AES-CBC under the S2V (CMAC) key
    EVP_CIPHER_CTX* ctr_ecb_ = nullptr; // AES-ECB under the CTR key
    Block cbc_chain_{};                 // mac_cbc_'s chaining value: its last output block
    Block subkey1_{};                   // CMAC subkeys K1, K2
    Block subkey2_{};
    Block cmac_of_zero_{};
};

} // namespace listguard
