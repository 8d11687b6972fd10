#include "core/canary/reveal_record.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include <openssl/evp.h>

#include "core/crypto/hkdf.h"
#include "core/base/error.h"

namespace listguard {

namespace {

constexpr std::size_t kIvSize = 16;
constexpr std::size_t kTailSize = 4 * (RevealRecord::kOutsideIds + 1); // outside ids, overflow
constexpr std::size_t kVersion1PlainSize = 4 * (2 * RevealRecord::kVersion1Ids + 2);
constexpr std::string_view kPrefix = "r2:";
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void put_u32(std::uint8_t* p, std::uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

std::uint32_t get_u32(const std::uint8_t* p)
{
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}


std::string base64url(const std::uint8_t* data, std::size_t size)
{
    std::string out;
    out.reserve((size + 2) / 3 * 4);
    for (std::size_t i = 0; i < size; i += 3) {
        std::uint32_t n = std::uint32_t{data[i]} << 16;
        if (i + 1 < size)
            n |= std::uint32_t{data[i + 1]} << 8;
        if (i + 2 < size)
            n |= data[i + 2];
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        if (i + 1 < size)
            out += kAlphabet[(n >> 6) & 63];
        if (i + 2 < size)
            out += kAlphabet[n & 63];
    }
    return out;
}

int base64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '-' ? 62 : c == '_' ? 63 : -1;
}

// The octets of unpadded base64url text, or false.
bool from_base64url(std::string_view text, std::uint8_t* out, std::size_t size)
{
    if (text.size() != size / 3 * 4 + (size % 3 == 0 ? 0 : size % 3 + 1))
        return false;
    std::size_t o = 0;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        int v = base64_value(c);
        if (v < 0)
            return false;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o < size)
                out[o++] = static_cast<std::uint8_t>(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    return o == size && acc == 0; // canonical: unused bits are zero
}

} // namespace

std::size_t RevealRecord::slots_for(std::int64_t highest_slot) noexcept
{
    if (highest_slot < 0)
        return kSlotStep;
    auto needed = static_cast<std::size_t>(std::min<std::int64_t>(highest_slot, kMaxSlots - 1)) + 1;
    return (needed + kSlotStep - 1) / kSlotStep * kSlotStep;
}

void RevealRecord::add_slot(std::uint32_t slot) noexcept
{
    if (slot >= kMaxSlots) {
        overflow_++;
        return;
    }
    bits_[slot / 8] |= static_cast<std::uint8_t>(1u << (slot % 8));
    used_slots_ = std::max<std::size_t>(used_slots_, slot + 1);
}

void RevealRecord::add_outside(std::int64_t id) noexcept
{
    if (id <= 0 || id > 0xffffffffLL) {
        overflow_++;
        return;
    }
    auto small = static_cast<std::uint32_t>(id);
    for (int i = 0; i < kOutsideIds; i++) {
        if (outside_[i] == small)
            return;
        if (outside_[i] == 0) {
            outside_[i] = small;
            return;
        }
    }
    overflow_++;
}

void RevealRecord::clear() noexcept
{
    std::memset(bits_, 0, (used_slots_ + 7) / 8);
    std::memset(outside_, 0, sizeof outside_);
    std::memset(counts_, 0, sizeof counts_);
    overflow_ = 0;
    used_slots_ = 0;
    version_ = 2;
}

bool RevealRecord::has_slot(std::uint32_t slot) const noexcept
{
    return version_ == 2 && slot < kMaxSlots && (bits_[slot / 8] & (1u << (slot % 8))) != 0;
}

bool RevealRecord::has_outside(std::int64_t id) const noexcept
{
    if (id <= 0 || id > 0xffffffffLL)
        return false;
    int n = version_ == 2 ? kOutsideIds : kVersion1Ids;
    for (int i = 0; i < n; i++)
        if (outside_[i] == id && (version_ == 2 || counts_[i] > 0))
            return true;
    return false;
}

std::uint32_t RevealRecord::version1_count(std::int64_t id) const noexcept
{
    if (version_ != 1)
        return 0;
    for (int i = 0; i < kVersion1Ids; i++)
        if (outside_[i] != 0 && outside_[i] == id)
            return counts_[i];
    return 0;
}

std::size_t RevealRecordSealer::text_size(std::size_t slots) noexcept
{
    std::size_t octets = kIvSize + slots / 8 + kTailSize;
    return kPrefix.size() + octets / 3 * 4 + (octets % 3 == 0 ? 0 : octets % 3 + 1);
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

std::string RevealRecordSealer::seal(const RevealRecord& record, std::size_t slots, const std::uint8_t* iv) const
{
    slots = std::max(RevealRecord::slots_for(static_cast<std::int64_t>(slots) - 1),
                     RevealRecord::slots_for(static_cast<std::int64_t>(record.used_slots_) - 1));
    std::size_t plain_size = slots / 8 + kTailSize;
    std::uint8_t plain[RevealRecord::kMaxSlots / 8 + kTailSize];
    std::memcpy(plain, record.bits_, slots / 8);
    for (int i = 0; i < RevealRecord::kOutsideIds; i++)
        put_u32(plain + slots / 8 + 4 * i, record.outside_[i]);
    put_u32(plain + slots / 8 + 4 * RevealRecord::kOutsideIds, record.overflow_);
    std::uint8_t sealed[kIvSize + sizeof plain];
    std::memcpy(sealed, iv, kIvSize);
    ctr(iv, plain, sealed + kIvSize, plain_size);
    return std::string(kPrefix) + base64url(sealed, kIvSize + plain_size);
}

RevealRecord RevealRecordSealer::open(std::string_view text) const
{
    const char* bad = "not a sealed canary reveal record";
    RevealRecord record;
    if (text.substr(0, kPrefix.size()) == kPrefix) {
        std::string_view body = text.substr(kPrefix.size());
        // Which size it is follows from its length: try each step.
        for (std::size_t slots = RevealRecord::kSlotStep; slots <= RevealRecord::kMaxSlots;
             slots += RevealRecord::kSlotStep) {
            if (text_size(slots) != text.size())
                continue;
            std::size_t plain_size = slots / 8 + kTailSize;
            std::uint8_t sealed[kIvSize + RevealRecord::kMaxSlots / 8 + kTailSize];
            if (!from_base64url(body, sealed, kIvSize + plain_size))
                throw Error(ErrorKind::InvalidText, bad, "It is not URL-safe base64.");
            std::uint8_t plain[RevealRecord::kMaxSlots / 8 + kTailSize];
            ctr(sealed, sealed + kIvSize, plain, plain_size);
            std::memcpy(record.bits_, plain, slots / 8);
            for (std::size_t i = slots; i-- > 0;) {
                if (record.bits_[i / 8] & (1u << (i % 8))) {
                    record.used_slots_ = i + 1;
                    break;
                }
            }
            for (int i = 0; i < RevealRecord::kOutsideIds; i++)
                record.outside_[i] = get_u32(plain + slots / 8 + 4 * i);
            record.overflow_ = get_u32(plain + slots / 8 + 4 * RevealRecord::kOutsideIds);
            return record;
        }
        throw Error(ErrorKind::InvalidText, bad, "Its length is wrong.");
    }
    // Version 1 (listguard 0.2): hexadecimal, eight ids and their counts.
    if (text.size() != kVersion1TextSize)
        throw Error(ErrorKind::InvalidText, bad, "Its length is wrong.");
    std::uint8_t sealed[kIvSize + kVersion1PlainSize];
    auto nibble = [](char c) -> int {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    };
    for (std::size_t i = 0; i < sizeof sealed; i++) {
        int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
        if (hi < 0 || lo < 0)
            throw Error(ErrorKind::InvalidText, bad, "It is not hexadecimal.");
        sealed[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    std::uint8_t plain[kVersion1PlainSize];
    ctr(sealed, sealed + kIvSize, plain, kVersion1PlainSize);
    record.version_ = 1;
    for (int i = 0; i < RevealRecord::kVersion1Ids; i++) {
        record.outside_[i] = get_u32(plain + 8 * i);
        record.counts_[i] = get_u32(plain + 8 * i + 4);
    }
    record.overflow_ = get_u32(plain + 8 * RevealRecord::kVersion1Ids);
    return record;
}

bool RevealRecordSealer::notes(std::string_view text, std::int64_t canary_id, std::int64_t slot, bool own_account) const
{
    RevealRecord record = open(text);
    if (record.version() == 1)
        return record.version1_count(canary_id) > 0;
    if (own_account)
        return slot >= 0 && slot < static_cast<std::int64_t>(RevealRecord::kMaxSlots) &&
               record.has_slot(static_cast<std::uint32_t>(slot));
    return record.has_outside(canary_id);
}

} // namespace listguard
