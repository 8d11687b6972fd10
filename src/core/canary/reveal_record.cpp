#include "core/canary/reveal_record.h"

#include <cstring>
#include <memory>

#include <openssl/evp.h>

#include "core/crypto/hkdf.h"
#include "core/base/error.h"

namespace listguard {

namespace {

constexpr std::size_t kIvSize = 16;
constexpr std::size_t kPlainSize = 4 * (2 * RevealRecord::kSlots + 2);

void put_u32(std::uint8_t* p, std::uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

std::uint32_t get_u32(const std::uint8_t* p)
{
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}


} // namespace

void RevealRecord::add(std::int64_t id)
{
    if (id <= 0 || id > 0xffffffffLL) {
        overflow++;
        return;
    }
    auto small = static_cast<std::uint32_t>(id);
    for (int i = 0; i < kSlots; i++) {
        if (ids[i] == small || ids[i] == 0) {
            ids[i] = small;
            counts[i]++;
            return;
        }
    }
    overflow++;
}

std::uint32_t RevealRecord::count_of(std::int64_t id) const
{
    for (int i = 0; i < kSlots; i++)
        if (ids[i] != 0 && ids[i] == id)
            return counts[i];
    return 0;
}

struct RevealRecordSealer::Cipher {
    EVP_CIPHER_CTX* ctx = nullptr;
    ~Cipher() { EVP_CIPHER_CTX_free(ctx); }
};

RevealRecordSealer::Cipher* RevealRecordSealer::make_cipher() const
{
    auto cipher = std::make_unique<Cipher>();
    cipher->ctx = EVP_CIPHER_CTX_new();
    if (cipher->ctx == nullptr || EVP_EncryptInit_ex(cipher->ctx, EVP_aes_256_ctr(), nullptr, key_.data(), nullptr) != 1)
        throw Error(ErrorKind::Internal, "could not set up the canary reveal record cipher");
    return cipher.release();
}

RevealRecordSealer::RevealRecordSealer(const Secret& index_key)
    : key_(derive_key(index_key, "listguard canary reveals v1", 32)), cipher_(make_cipher())
{
}

RevealRecordSealer::RevealRecordSealer(const RevealRecordSealer& other)
    : key_(other.key_.data(), other.key_.size()), cipher_(make_cipher())
{
}

RevealRecordSealer::~RevealRecordSealer()
{
    delete cipher_;
}

// AES-256-CTR over len octets (its own inverse): the kept context, its
// counter set to iv.
void RevealRecordSealer::ctr(const std::uint8_t* iv, const std::uint8_t* in, std::uint8_t* out, std::size_t len) const
{
    int n = 0;
    if (EVP_EncryptInit_ex(cipher_->ctx, nullptr, nullptr, nullptr, iv) != 1 ||
        EVP_EncryptUpdate(cipher_->ctx, out, &n, in, static_cast<int>(len)) != 1 || static_cast<std::size_t>(n) != len)
        throw Error(ErrorKind::Internal, "could not seal a canary reveal record");
}

std::string RevealRecordSealer::seal(const RevealRecord& record, const std::uint8_t* iv) const
{
    std::uint8_t plain[kPlainSize];
    for (int i = 0; i < RevealRecord::kSlots; i++) {
        put_u32(plain + 8 * i, record.ids[i]);
        put_u32(plain + 8 * i + 4, record.counts[i]);
    }
    put_u32(plain + 8 * RevealRecord::kSlots, record.overflow);
    put_u32(plain + 8 * RevealRecord::kSlots + 4, 0);
    std::uint8_t sealed[kIvSize + kPlainSize];
    std::memcpy(sealed, iv, kIvSize);
    ctr(iv, plain, sealed + kIvSize, kPlainSize);
    static const char digits[] = "0123456789abcdef";
    std::string text;
    text.reserve(kTextSize);
    for (std::uint8_t b : sealed) {
        text += digits[b >> 4];
        text += digits[b & 15];
    }
    return text;
}

RevealRecord RevealRecordSealer::open(std::string_view text) const
{
    if (text.size() != kTextSize)
        throw Error(ErrorKind::InvalidText, "not a sealed canary reveal record", "Its length is wrong.");
    std::uint8_t sealed[kIvSize + kPlainSize];
    auto nibble = [](char c) -> int {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    };
    for (std::size_t i = 0; i < sizeof sealed; i++) {
        int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
        if (hi < 0 || lo < 0)
            throw Error(ErrorKind::InvalidText, "not a sealed canary reveal record", "It is not hexadecimal.");
        sealed[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    std::uint8_t plain[kPlainSize];
    ctr(sealed, sealed + kIvSize, plain, kPlainSize);
    RevealRecord record;
    for (int i = 0; i < RevealRecord::kSlots; i++) {
        record.ids[i] = get_u32(plain + 8 * i);
        record.counts[i] = get_u32(plain + 8 * i + 4);
    }
    record.overflow = get_u32(plain + 8 * RevealRecord::kSlots);
    return record;
}

} // namespace listguard
