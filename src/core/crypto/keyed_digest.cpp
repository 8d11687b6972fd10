// OpenSSL 3 marks the SHA256_* functions deprecated in favour of EVP, whose
// per-call dispatch is what this class avoids; they remain in OpenSSL 3 and
// use the same assembly (SHA extensions where the CPU has them).
#define OPENSSL_SUPPRESS_DEPRECATED

#include "core/crypto/keyed_digest.h"

#include <cstring>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "core/base/error.h"

namespace listguard {

struct KeyedDigest::State {
    SHA256_CTX ctx;
};

KeyedDigest::KeyedDigest(const Secret& key)
{
    constexpr std::size_t kBlock = SHA256_CBLOCK;
    std::uint8_t block[kBlock] = {};
    // RFC 2104: a key longer than a block is hashed first.
    if (key.size() > kBlock) {
        if (SHA256(key.data(), key.size(), block) == nullptr)
            throw Error(ErrorKind::Internal, "could not create an HMAC-SHA-256 context");
    } else {
        std::memcpy(block, key.data(), key.size());
    }
    inner_ = new State;
    outer_ = new State;
    std::uint8_t pad[kBlock];
    for (std::size_t i = 0; i < kBlock; i++)
        pad[i] = block[i] ^ 0x36;
    bool ok = SHA256_Init(&inner_->ctx) == 1 && SHA256_Update(&inner_->ctx, pad, kBlock) == 1;
    for (std::size_t i = 0; i < kBlock; i++)
        pad[i] = block[i] ^ 0x5c;
    ok = ok && SHA256_Init(&outer_->ctx) == 1 && SHA256_Update(&outer_->ctx, pad, kBlock) == 1;
    OPENSSL_cleanse(pad, sizeof pad);
    OPENSSL_cleanse(block, sizeof block);
    if (!ok) {
        OPENSSL_cleanse(inner_, sizeof *inner_);
        OPENSSL_cleanse(outer_, sizeof *outer_);
        delete inner_;
        delete outer_;
        throw Error(ErrorKind::Internal, "could not create an HMAC-SHA-256 context");
    }
}

KeyedDigest::~KeyedDigest()
{
    OPENSSL_cleanse(inner_, sizeof *inner_);
    OPENSSL_cleanse(outer_, sizeof *outer_);
    delete inner_;
    delete outer_;
}

void KeyedDigest::compute(std::string_view data, std::uint8_t* out, std::size_t out_len)
{
    compute(data, {}, out, out_len);
}

void KeyedDigest::compute(std::string_view part1, std::string_view part2, std::uint8_t* out, std::size_t out_len)
{
    if (out_len > kSize)
        throw Error(ErrorKind::Internal, "HMAC-SHA-256 computation failed");
    SHA256_CTX ctx = inner_->ctx;
    std::uint8_t full[kSize];
    bool ok = SHA256_Update(&ctx, part1.data(), part1.size()) == 1 &&
              SHA256_Update(&ctx, part2.data(), part2.size()) == 1 && SHA256_Final(full, &ctx) == 1;
    ctx = outer_->ctx;
    ok = ok && SHA256_Update(&ctx, full, sizeof full) == 1 && SHA256_Final(full, &ctx) == 1;
    OPENSSL_cleanse(&ctx, sizeof ctx);
    if (!ok) {
        OPENSSL_cleanse(full, sizeof full);
        throw Error(ErrorKind::Internal, "HMAC-SHA-256 computation failed");
    }
    std::memcpy(out, full, out_len);
    OPENSSL_cleanse(full, sizeof full);
}

} // namespace listguard
