#include "core/crypto/aes_siv.h"

#include <cstring>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/base/error.h"

namespace listguard {

namespace {

[[noreturn]] void fail(const char* what)
{
    throw Error(ErrorKind::Internal, what);
}

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
    Block zero = {};

    mac_cbc_ = EVP_CIPHER_CTX_new();
    ctr_ecb_ = EVP_CIPHER_CTX_new();
    if (mac_cbc_ == nullptr || ctr_ecb_ == nullptr ||
        EVP_EncryptInit_ex2(mac_cbc_, half == 32 ? EVP_aes_256_cbc() : EVP_aes_128_cbc(), key.data(), zero, nullptr) !=
            1 ||
        EVP_EncryptInit_ex2(ctr_ecb_, half == 32 ? EVP_aes_256_ecb() : EVP_aes_128_ecb(), key.data() + half, nullptr,
                            nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(mac_cbc_, 0) != 1 || EVP_CIPHER_CTX_set_padding(ctr_ecb_, 0) != 1) {
        EVP_CIPHER_CTX_free(mac_cbc_);
        EVP_CIPHER_CTX_free(ctr_ecb_);
        fail("could not create AES-SIV contexts");
    }
    // CMAC subkeys (RFC 4493, section 2.3): L = AES(0), K1 = dbl(L), K2 = dbl(K1).
    cbc_encrypt(zero, 16, subkey1_);
    dbl(subkey1_);
    std::memcpy(subkey2_, subkey1_, 16);
    dbl(subkey2_);
    cmac({zero, sizeof zero}, {nullptr, 0}, cmac_of_zero_);
}

AesSiv::~AesSiv()
{
    EVP_CIPHER_CTX_free(mac_cbc_);
    EVP_CIPHER_CTX_free(ctr_ecb_);
    OPENSSL_cleanse(cbc_chain_, sizeof cbc_chain_);
    OPENSSL_cleanse(subkey1_, sizeof subkey1_);
    OPENSSL_cleanse(subkey2_, sizeof subkey2_);
    OPENSSL_cleanse(cmac_of_zero_, sizeof cmac_of_zero_);
}

void AesSiv::encrypt_blocks(EVP_CIPHER_CTX* ctx, const std::uint8_t* in, std::size_t length, std::uint8_t* out)
{
    int written = 0;
    if (EVP_EncryptUpdate(ctx, out, &written, in, static_cast<int>(length)) != 1 ||
        static_cast<std::size_t>(written) != length)
        fail("AES block encryption failed");
}

// AES-CBC from a zero IV on a context that keeps chaining across calls: its
// IV is the last block it output, so xoring that into the first block
// cancels it. Writes the last ciphertext block to last.
void AesSiv::cbc_encrypt(std::uint8_t* blocks, std::size_t length, std::uint8_t* last)
{
    std::uint8_t out[kMaxPlaintext + 32];
    xor_into(blocks, cbc_chain_, 16);
    encrypt_blocks(mac_cbc_, blocks, length, out);
    std::memcpy(cbc_chain_, out + length - 16, 16);
    std::memcpy(last, cbc_chain_, 16);
}

// AES-CMAC (RFC 4493) of first || second: CBC-MAC in one pass, the last
// block masked with K1 if complete, else padded with 10* and masked with K2.
void AesSiv::cmac(ByteSpan first, ByteSpan second, std::uint8_t* out)
{
    std::size_t total = first.size + second.size;
    if (total > kMaxPlaintext + 16)
        fail("AES-CMAC input too long");
    std::uint8_t blocks[kMaxPlaintext + 32];
    if (first.size > 0)
        std::memcpy(blocks, first.data, first.size);
    if (second.size > 0)
        std::memcpy(blocks + first.size, second.data, second.size);
    std::size_t padded = total == 0 ? 16 : (total + 15) / 16 * 16;
    std::uint8_t* last = blocks + padded - 16;
    if (total > 0 && total == padded) {
        xor_into(last, subkey1_, 16);
    } else {
        blocks[total] = 0x80;
        std::memset(blocks + total + 1, 0, padded - total - 1);
        xor_into(last, subkey2_, 16);
    }
    cbc_encrypt(blocks, padded, out);
    OPENSSL_cleanse(blocks, padded);
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

// CTR mode with Q = tag with bits 63 and 31 cleared (RFC 5297, section
// 2.6). Clearing them means the low 32-bit word never carries: at most
// kMaxPlaintext / 16 blocks are added to a value below 2^31.
void AesSiv::ctr(const std::uint8_t* tag, const std::uint8_t* in, std::size_t length, std::uint8_t* out)
{
    if (length > kMaxPlaintext)
        fail("AES-SIV plaintext too long");
    // The keystream is built in out itself when whole blocks fit there (as
    // they do for stored values), so no copy of it is left anywhere else.
    std::uint8_t spare[kMaxPlaintext + 16];
    std::size_t blocks = (length + 15) / 16;
    std::uint8_t* stream = (length % 16 == 0 && in != out) ? out : spare;
    Block q;
    std::memcpy(q, tag, 16);
    q[8] &= 0x7f;
    q[12] &= 0x7f;
    std::uint32_t low = (static_cast<std::uint32_t>(q[12]) << 24) | (static_cast<std::uint32_t>(q[13]) << 16) |
                        (static_cast<std::uint32_t>(q[14]) << 8) | q[15];
    for (std::size_t b = 0; b < blocks; b++) {
        std::uint32_t v = low + static_cast<std::uint32_t>(b);
        q[12] = static_cast<std::uint8_t>(v >> 24);
        q[13] = static_cast<std::uint8_t>(v >> 16);
        q[14] = static_cast<std::uint8_t>(v >> 8);
        q[15] = static_cast<std::uint8_t>(v);
        std::memcpy(stream + 16 * b, q, 16);
    }
    if (blocks > 0)
        encrypt_blocks(ctr_ecb_, stream, 16 * blocks, stream);
    std::size_t i = 0;
    for (; i + 8 <= length; i += 8) {
        std::uint64_t a, b;
        std::memcpy(&a, in + i, 8);
        std::memcpy(&b, stream + i, 8);
        a ^= b;
        std::memcpy(out + i, &a, 8);
    }
    for (; i < length; i++)
        out[i] = in[i] ^ stream[i];
    if (stream == spare)
        OPENSSL_cleanse(spare, 16 * blocks);
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
