#include "aes_siv.h"

#include <cstring>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "error.h"

namespace listguard {

namespace {

[[noreturn]] void fail(const char* what) { throw Error(ErrorKind::Internal, what); }

// Doubling in GF(2^128) (RFC 5297, section 2.3).
void dbl(std::uint8_t* block)
{
    std::uint8_t carry = block[0] >> 7;
    for (int i = 0; i < 15; i++)
        block[i] = static_cast<std::uint8_t>((block[i] << 1) | (block[i + 1] >> 7));
    block[15] = static_cast<std::uint8_t>((block[15] << 1) ^ (carry ? 0x87 : 0));
}

void xor_into(std::uint8_t* dst, const std::uint8_t* src, std::size_t n)
{
    for (std::size_t i = 0; i < n; i++)
        dst[i] ^= src[i];
}

} // namespace

AesSiv::AesSiv(const Secret& key)
{
    if (key.size() != 32 && key.size() != 64)
        fail("AES-SIV key must be 32 or 64 octets");
    std::size_t half = key.size() / 2;

    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "CMAC", nullptr);
    cmac_ = mac ? EVP_MAC_CTX_new(mac) : nullptr;
    EVP_MAC_free(mac);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
                                         const_cast<char*>(half == 32 ? "AES-256-CBC" : "AES-128-CBC"), 0),
        OSSL_PARAM_construct_end(),
    };
    ctr_ = EVP_CIPHER_CTX_new();
    std::uint8_t zero_iv[16] = {};
    if (cmac_ == nullptr || ctr_ == nullptr || EVP_MAC_init(cmac_, key.data(), half, params) != 1 ||
        EVP_EncryptInit_ex2(ctr_, half == 32 ? EVP_aes_256_ctr() : EVP_aes_128_ctr(), key.data() + half, zero_iv,
                            nullptr) != 1) {
        EVP_MAC_CTX_free(cmac_);
        EVP_CIPHER_CTX_free(ctr_);
        fail("could not create AES-SIV contexts");
    }
    Block zero = {};
    cmac({zero, sizeof zero}, {nullptr, 0}, cmac_of_zero_);
}

AesSiv::~AesSiv()
{
    EVP_MAC_CTX_free(cmac_);
    EVP_CIPHER_CTX_free(ctr_);
    OPENSSL_cleanse(cmac_of_zero_, sizeof cmac_of_zero_);
}

void AesSiv::cmac(ByteSpan first, ByteSpan second, std::uint8_t* out)
{
    std::size_t out_len = 0;
    if (EVP_MAC_init(cmac_, nullptr, 0, nullptr) != 1 ||
        (first.size > 0 && EVP_MAC_update(cmac_, first.data, first.size) != 1) ||
        (second.size > 0 && EVP_MAC_update(cmac_, second.data, second.size) != 1) ||
        EVP_MAC_final(cmac_, out, &out_len, 16) != 1 || out_len != 16)
        fail("AES-CMAC computation failed");
}

void AesSiv::s2v(const ByteSpan* associated, std::size_t associated_count, const std::uint8_t* plaintext,
                 std::size_t length, std::uint8_t* out)
{
    Block d;
    std::memcpy(d, cmac_of_zero_, sizeof d);
    for (std::size_t i = 0; i < associated_count; i++) {
        Block mac;
        cmac(associated[i], {nullptr, 0}, mac);
        dbl(d);
        xor_into(d, mac, sizeof d);
    }
    if (length >= 16) {
        // T = plaintext xorend D
        Block last;
        std::memcpy(last, plaintext + length - 16, 16);
        xor_into(last, d, 16);
        cmac({plaintext, length - 16}, {last, 16}, out);
    } else {
        // T = dbl(D) xor pad(plaintext)
        dbl(d);
        Block padded = {};
        if (length > 0)
            std::memcpy(padded, plaintext, length);
        padded[length] = 0x80;
        xor_into(d, padded, 16);
        cmac({d, 16}, {nullptr, 0}, out);
    }
}

void AesSiv::ctr(const std::uint8_t* tag, const std::uint8_t* in, std::size_t length, std::uint8_t* out)
{
    Block iv;
    std::memcpy(iv, tag, 16);
    iv[8] &= 0x7f;
    iv[12] &= 0x7f;
    int written = 0;
    if (EVP_EncryptInit_ex2(ctr_, nullptr, nullptr, iv, nullptr) != 1 ||
        (length > 0 && EVP_EncryptUpdate(ctr_, out, &written, in, static_cast<int>(length)) != 1) ||
        static_cast<std::size_t>(written) != length)
        fail("AES-CTR computation failed");
}

void AesSiv::encrypt(const ByteSpan* associated, std::size_t associated_count, const std::uint8_t* plaintext,
                     std::size_t length, std::uint8_t* tag, std::uint8_t* ciphertext)
{
    s2v(associated, associated_count, plaintext, length, tag);
    ctr(tag, plaintext, length, ciphertext);
}

bool AesSiv::decrypt(const ByteSpan* associated, std::size_t associated_count, const std::uint8_t* tag,
                     const std::uint8_t* ciphertext, std::size_t length, std::uint8_t* plaintext)
{
    ctr(tag, ciphertext, length, plaintext);
    Block expected;
    s2v(associated, associated_count, plaintext, length, expected);
    if (CRYPTO_memcmp(expected, tag, 16) != 0) {
        OPENSSL_cleanse(plaintext, length);
        return false;
    }
    return true;
}

void AesSiv::decrypt_unauthenticated(const std::uint8_t* tag, const std::uint8_t* ciphertext, std::size_t length,
                                     std::uint8_t* plaintext)
{
    ctr(tag, ciphertext, length, plaintext);
}

} // namespace listguard
