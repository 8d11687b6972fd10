// The stored form of a listguard.email value and the keys that make it.
//
//   offset  size  field
//        0     1  format version (1)
//        1     4  key id: which server key sealed it
//        5     8  account (big-endian)      | authenticated data
//       13     8  list (big-endian)         | of the encryption
//       21    16  keyed digest of the canonical address
//       37    16  AES-SIV tag
//       53     n  ciphertext of [length octet][address][zero padding],
//                 n = 48, 96 or 256 so the size says little of the length;
//                 a canary's first padding octet is kCanaryMark instead
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto/aes_siv.h"
#include "core/crypto/keyed_digest.h"
#include "core/crypto/secret.h"
#include "core/email/address.h"

namespace listguard {

// The account and list that own a value. (0, 0) means not yet stamped: the
// value belongs to no account, and only a role with clear access to every
// account may move it into one, unless it is fresh (see below).
struct Stamp {
    std::int64_t account = 0;
    std::int64_t list = 0;
    bool operator==(const Stamp& o) const noexcept { return account == o.account && list == o.list; }
    bool operator!=(const Stamp& o) const noexcept { return !(*this == o); }
};

namespace sealed {
constexpr std::uint8_t kVersion = 1;
// The first padding octet of a canary's plaintext (listguard.plant_canaries()).
// Encrypted and authenticated: no stored byte, token or comparison of stored
// bytes tells a canary from another value, nobody without the key makes one,
// and the mark stays with the value through copies, re-stamping, re-sealing,
// dumps and restores. Every bucket keeps at least one octet of padding, so
// any address can be one, and marking a value never changes its size.
constexpr std::uint8_t kCanaryMark = 0x80;
constexpr std::size_t kKeyIdOffset = 1;
constexpr std::size_t kKeyIdSize = 4;
constexpr std::size_t kAccountOffset = 5;
constexpr std::size_t kListOffset = 13;
constexpr std::size_t kDigestOffset = 21;
constexpr std::size_t kDigestSize = 16;
constexpr std::size_t kTagOffset = 37;
constexpr std::size_t kHeaderSize = 53;
constexpr std::size_t kMaxSize = kHeaderSize + 256;

// Throws Error(DataCorrupted) unless size and version fit the layout.
void check_layout(const std::uint8_t* value, std::size_t size);

// The value's stamp; (0, 0) for any value of account 0.
Stamp stamp_of(const std::uint8_t* value) noexcept;

// An unstamped value made by the input function carries, in its list
// field, the nonce of the transaction that made it (authenticated with the
// rest of the header): within that transaction it is fresh, an address the
// role supplied itself, free to take any stamp. 0 for a stamped value.
std::int64_t fresh_nonce_of(const std::uint8_t* value) noexcept;
inline const std::uint8_t* digest_of(const std::uint8_t* value) noexcept
{
    return value + kDigestOffset;
}
} // namespace sealed

// A seal key's id: the first octets of a digest of the key, stored in every
// value it seals; shown to administrators as 8 hex digits.
struct KeyId {
    std::uint8_t bytes[sealed::kKeyIdSize];
    bool operator==(const KeyId& o) const noexcept;
    std::string hex() const;
};

KeyId seal_key_id(const Secret& seal_key);
KeyId key_id_of(const std::uint8_t* value) noexcept;

class EmailSealer {
public:
    // One key for everything (a listguard 0.1 key file).
    explicit EmailSealer(const Secret& server_key);
    // The index key makes the digests; values are sealed under
    // seal_keys[current] and opened under whichever sealed them.
    EmailSealer(const Secret& index_key, const std::vector<Secret>& seal_keys, std::size_t current);
    ~EmailSealer();
    EmailSealer(const EmailSealer&) = delete;
    EmailSealer& operator=(const EmailSealer&) = delete;

    // Writes the sealed form into out (kMaxSize octets) and returns its size.
    std::size_t seal(const Address& address, Stamp stamp, std::uint8_t* out);
    // Throws what seal() would throw for this address, without sealing it.
    static void check_sealable(const Address& address);

    // Re-seals a value under another stamp (and the current key), keeping
    // its address and digest.
    std::size_t restamp(const std::uint8_t* value, std::size_t size, Stamp stamp, std::uint8_t* out);

    // The same value (header, address, digest) under the current key.
    std::size_t reseal(const std::uint8_t* value, std::size_t size, std::uint8_t* out);

    // The same value marked as a canary (sealed::kCanaryMark), under the
    // current key.
    std::size_t as_canary(const std::uint8_t* value, std::size_t size, std::uint8_t* out);
    // Does a stored value carry the canary mark? (Decrypts it.)
    bool is_canary(const std::uint8_t* value, std::size_t size);
    bool under_current_key(const std::uint8_t* value) const noexcept;

    // Authenticates a value from outside (a sealed token) and writes its
    // address into out (kMaxAddressOctets); throws Error(InvalidText) if any
    // octet was changed, Error(ConfigFile) if no key of the keyring sealed it.
    std::size_t open(const std::uint8_t* value, std::size_t size, char* out);

    // Decrypts a stored value for display and passes its address to use();
    // the plaintext is wiped afterwards. Values are authenticated when they
    // enter the database, so only the CTR half of SIV runs here.
    template <typename Use>
    auto with_address(const std::uint8_t* value, std::size_t size, Use&& use)
    {
        std::uint8_t plain[256];
        Wipe wipe{plain, 0};
        std::string_view address = decrypt_for_display(value, size, plain);
        wipe.size = size - sealed::kHeaderSize; // checked by decrypt_for_display
        return use(address);
    }

    // The address of a stored value, into out (kMaxAddressOctets).
    std::size_t show(const std::uint8_t* value, std::size_t size, char* out);

    // The keyed digest of a canonical address (what equality compares).
    void digest(std::string_view canonical, std::uint8_t* out);

    // The seal keys' ids, in keyring order, and which one is current.
    std::vector<KeyId> key_ids() const;
    std::size_t current() const noexcept { return current_; }

private:
    // Restamp (if stamp), reseal, mark (if mark; a mark it has is kept):
    // under the current key, in the bucket of the address's length.
    std::size_t rewrite(const std::uint8_t* value, std::size_t size, const Stamp* stamp, bool mark, std::uint8_t* out);
    struct SealKey;
    struct Wipe {
        std::uint8_t* data;
        std::size_t size;
        ~Wipe();
    };
    // The key that sealed a stored value; throws Error(ConfigFile) if none.
    SealKey& key_for(const std::uint8_t* value) const;
    // The plaintext of a stored value (its layout checked; values are
    // authenticated when they enter the database, so only the CTR half of
    // SIV runs) into plain (256 octets); returns its padded size.
    std::size_t decrypt_stored(const std::uint8_t* value, std::size_t size, std::uint8_t* plain);
    std::string_view decrypt_for_display(const std::uint8_t* value, std::size_t size, std::uint8_t* plain);
    // Encrypts plain under the current key into out, whose header (stamp
    // included) is filled in already except for the key id.
    void encrypt_under_current(std::uint8_t* out, const std::uint8_t* plain, std::size_t padded);

    std::vector<std::unique_ptr<SealKey>> keys_;
    std::size_t current_ = 0;
    KeyedDigest digest_;
};

} // namespace listguard
