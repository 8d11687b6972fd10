#include "core/email/sealed_email.h"

#include <cstring>

#include <endian.h>

#include <openssl/crypto.h>

#include "core/crypto/hkdf.h"
#include "core/base/error.h"

namespace listguard {

namespace {

constexpr std::size_t kBuckets[] = {48, 96, 256};

// The length octet, the address, and at least one octet of padding: the
// canary mark's room, so that any address can be a canary and marking one
// never changes its size (a value's size is visible to the role that reads
// it; a canary's must be that of any other value of its length).
std::size_t padded_size(std::size_t address_len)
{
    for (std::size_t bucket : kBuckets)
        if (address_len + 2 <= bucket)
            return bucket;
    throw Error(ErrorKind::InvalidText, "invalid email address", "Address is longer than 254 octets.");
}

bool is_bucket(std::size_t n) noexcept
{
    for (std::size_t bucket : kBuckets)
        if (n == bucket)
            return true;
    return false;
}

void put_be64(std::uint8_t* p, std::int64_t v) noexcept
{
    std::uint64_t u = htobe64(static_cast<std::uint64_t>(v));
    std::memcpy(p, &u, sizeof u);
}

std::int64_t get_be64(const std::uint8_t* p) noexcept
{
    std::uint64_t u;
    std::memcpy(&u, p, sizeof u);
    return static_cast<std::int64_t>(be64toh(u));
}

// Scrubs a plaintext buffer on every way out of a scope.
struct Scrub {
    std::uint8_t* p;
    std::size_t n;
    ~Scrub() { OPENSSL_cleanse(p, n); }
};

} // namespace

namespace sealed {

void check_layout(const std::uint8_t* value, std::size_t size)
{
    if (size < kHeaderSize || !is_bucket(size - kHeaderSize) || value[0] != kVersion)
        throw Error(ErrorKind::DataCorrupted, "stored listguard.email value is corrupted",
                    "Its size or format version does not match any listguard format.");
}

Stamp stamp_of(const std::uint8_t* value) noexcept
{
    std::int64_t account = get_be64(value + kAccountOffset);
    return account == 0 ? Stamp{} : Stamp{account, get_be64(value + kListOffset)};
}

std::int64_t fresh_nonce_of(const std::uint8_t* value) noexcept
{
    return get_be64(value + kAccountOffset) == 0 ? get_be64(value + kListOffset) : 0;
}

} // namespace sealed

bool KeyId::operator==(const KeyId& o) const noexcept
{
    return std::memcmp(bytes, o.bytes, sizeof bytes) == 0;
}

std::string KeyId::hex() const
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

KeyId seal_key_id(const Secret& seal_key)
{
    Secret id = derive_key(seal_key, "listguard key id v1", sealed::kKeyIdSize);
    KeyId out;
    std::memcpy(out.bytes, id.data(), sizeof out.bytes);
    return out;
}

KeyId key_id_of(const std::uint8_t* value) noexcept
{
    KeyId out;
    std::memcpy(out.bytes, value + sealed::kKeyIdOffset, sizeof out.bytes);
    return out;
}

struct EmailSealer::SealKey {
    explicit SealKey(const Secret& key) : id(seal_key_id(key)), siv(derive_key(key, "listguard email seal v1", 64)) {}
    KeyId id;
    AesSiv siv;
};

EmailSealer::EmailSealer(const Secret& server_key)
    : current_(0), digest_(derive_key(server_key, "listguard email digest v1", 32))
{
    keys_.push_back(std::make_unique<SealKey>(server_key));
}

EmailSealer::EmailSealer(const Secret& index_key, const std::vector<Secret>& seal_keys, std::size_t current)
    : current_(current), digest_(derive_key(index_key, "listguard email digest v1", 32))
{
    if (seal_keys.empty() || current >= seal_keys.size())
        throw Error(ErrorKind::Internal, "a keyring needs a current seal key");
    for (const Secret& key : seal_keys) {
        keys_.push_back(std::make_unique<SealKey>(key));
        for (std::size_t i = 0; i + 1 < keys_.size(); i++)
            if (keys_[i]->id == keys_.back()->id)
                throw Error(ErrorKind::ConfigFile, "two seal keys of the listguard keyring have the same id",
                            "Key id " + keys_.back()->id.hex() + " is listed twice.",
                            "Remove one of them; a new key is made with: openssl rand -hex 32");
    }
}

EmailSealer::~EmailSealer() = default;

std::vector<KeyId> EmailSealer::key_ids() const
{
    std::vector<KeyId> ids;
    for (const auto& key : keys_)
        ids.push_back(key->id);
    return ids;
}

bool EmailSealer::under_current_key(const std::uint8_t* value) const noexcept
{
    return key_id_of(value) == keys_[current_]->id;
}

EmailSealer::SealKey& EmailSealer::key_for(const std::uint8_t* value) const
{
    KeyId id = key_id_of(value);
    // The current key first: after a rotation most values use it.
    if (keys_[current_]->id == id)
        return *keys_[current_];
    for (const auto& key : keys_)
        if (key->id == id)
            return *key;
    throw Error(ErrorKind::ConfigFile, "listguard.email value was sealed under a key that is not in the keyring",
                "Its key id is " + id.hex() + ".",
                "Add that seal key to the keyring (listguard.key_file or listguard.key_command).");
}

void EmailSealer::digest(std::string_view canonical, std::uint8_t* out)
{
    digest_.compute(canonical, out, sealed::kDigestSize);
}

void EmailSealer::encrypt_under_current(std::uint8_t* out, const std::uint8_t* plain, std::size_t padded)
{
    SealKey& key = *keys_[current_];
    std::memcpy(out + sealed::kKeyIdOffset, key.id.bytes, sizeof key.id.bytes);
    ByteSpan header{out, sealed::kTagOffset};
    key.siv.encrypt(&header, 1, plain, padded, out + sealed::kTagOffset, out + sealed::kHeaderSize);
}

void EmailSealer::check_sealable(const Address& address)
{
    padded_size(address.display().size());
}

std::size_t EmailSealer::seal(const Address& address, Stamp stamp, std::uint8_t* out)
{
    std::string_view display = address.display();
    std::size_t padded = padded_size(display.size());

    out[0] = sealed::kVersion;
    put_be64(out + sealed::kAccountOffset, stamp.account);
    put_be64(out + sealed::kListOffset, stamp.list);
    digest(address.canonical(), out + sealed::kDigestOffset);

    std::uint8_t plain[256];
    Scrub scrub{plain, padded};
    plain[0] = static_cast<std::uint8_t>(display.size());
    std::memcpy(plain + 1, display.data(), display.size());
    std::memset(plain + 1 + display.size(), 0, padded - 1 - display.size());
    encrypt_under_current(out, plain, padded);
    return sealed::kHeaderSize + padded;
}

std::size_t EmailSealer::rewrite(const std::uint8_t* value, std::size_t size, const Stamp* stamp, bool mark,
                                 std::uint8_t* out)
{
    std::uint8_t plain[256];
    std::size_t stored = decrypt_stored(value, size, plain);
    Scrub scrub{plain, sizeof plain};
    std::size_t len = plain[0];
    if (len == 0 || len > kMaxAddressOctets || len + 1 > stored)
        throw Error(ErrorKind::DataCorrupted, "stored listguard.email value is corrupted",
                    "Its decrypted length is out of range.");
    // Values written before every bucket kept room for the mark (0.2 put a
    // 47-octet address in the 48-octet bucket) move to the bucket of their
    // length now, marked or not.
    std::size_t padded = padded_size(len);
    bool marked = mark || (len + 1 < stored && plain[len + 1] == sealed::kCanaryMark);
    std::memset(plain + 1 + len, 0, padded - 1 - len);
    if (marked)
        plain[len + 1] = sealed::kCanaryMark;
    std::memcpy(out, value, sealed::kTagOffset);
    if (stamp != nullptr) {
        put_be64(out + sealed::kAccountOffset, stamp->account);
        put_be64(out + sealed::kListOffset, stamp->list);
    }
    encrypt_under_current(out, plain, padded);
    return sealed::kHeaderSize + padded;
}

std::size_t EmailSealer::restamp(const std::uint8_t* value, std::size_t size, Stamp stamp, std::uint8_t* out)
{
    return rewrite(value, size, &stamp, false, out);
}

std::size_t EmailSealer::reseal(const std::uint8_t* value, std::size_t size, std::uint8_t* out)
{
    return rewrite(value, size, nullptr, false, out);
}

std::size_t EmailSealer::as_canary(const std::uint8_t* value, std::size_t size, std::uint8_t* out)
{
    return rewrite(value, size, nullptr, true, out);
}

bool EmailSealer::is_canary(const std::uint8_t* value, std::size_t size)
{
    std::uint8_t plain[256];
    std::size_t padded = decrypt_stored(value, size, plain);
    Scrub scrub{plain, padded};
    std::size_t len = plain[0];
    return len + 1 < padded && plain[len + 1] == sealed::kCanaryMark;
}

EmailSealer::Wipe::~Wipe()
{
    OPENSSL_cleanse(data, size);
}

std::size_t EmailSealer::decrypt_stored(const std::uint8_t* value, std::size_t size, std::uint8_t* plain)
{
    sealed::check_layout(value, size);
    SealKey& key = key_for(value);
    std::size_t padded = size - sealed::kHeaderSize;
    key.siv.decrypt_unauthenticated(value + sealed::kTagOffset, value + sealed::kHeaderSize, padded, plain);
    return padded;
}

std::string_view EmailSealer::decrypt_for_display(const std::uint8_t* value, std::size_t size, std::uint8_t* plain)
{
    std::size_t padded = decrypt_stored(value, size, plain);
    std::size_t len = plain[0];
    // The length octet can say 255, and the largest bucket has room for it,
    // but no address is that long and callers' buffers hold kMaxAddressOctets.
    if (len == 0 || len > kMaxAddressOctets || len + 1 > padded)
        throw Error(ErrorKind::DataCorrupted, "stored listguard.email value is corrupted",
                    "Its decrypted length is out of range.");
    return {reinterpret_cast<const char*>(plain + 1), len};
}

std::size_t EmailSealer::open(const std::uint8_t* value, std::size_t size, char* out)
{
    const char* bad = "sealed token is not valid";
    if (size < sealed::kHeaderSize || !is_bucket(size - sealed::kHeaderSize) || value[0] != sealed::kVersion)
        throw Error(ErrorKind::InvalidText, bad, "Its length or format version is wrong.");
    SealKey& key = key_for(value);
    std::size_t padded = size - sealed::kHeaderSize;
    std::uint8_t plain[256];
    Scrub scrub{plain, padded};
    ByteSpan header{value, sealed::kTagOffset};
    if (!key.siv.decrypt(&header, 1, value + sealed::kTagOffset, value + sealed::kHeaderSize, padded, plain))
        throw Error(ErrorKind::InvalidText, bad,
                    "It failed authentication: it was altered or is not a listguard token.");
    std::size_t len = plain[0];
    if (len == 0 || len > kMaxAddressOctets || len + 1 > padded)
        throw Error(ErrorKind::InvalidText, bad, "Its decrypted length is out of range.");
    for (std::size_t i = len + 1; i < padded; i++)
        if (plain[i] != 0 && !(i == len + 1 && plain[i] == sealed::kCanaryMark))
            throw Error(ErrorKind::InvalidText, bad, "Its padding is not zero.");
    std::memcpy(out, plain + 1, len);
    return len;
}

std::size_t EmailSealer::show(const std::uint8_t* value, std::size_t size, char* out)
{
    return with_address(value, size, [out](std::string_view address) {
        std::memcpy(out, address.data(), address.size());
        return address.size();
    });
}

} // namespace listguard
