// What a clear_reveal audit event says of the canaries among the values it
// counts: which of its role's own canaries were read, how often. Sealed to
// a fixed size and present in every clear_reveal event, canary or not, so
// that neither the events' number nor their size (the WAL they write, which
// any role can measure) tells a reader which of its rows are canaries. Only
// an administrator's trace() opens it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/crypto/secret.h"

namespace listguard {

struct RevealRecord {
    static constexpr int kSlots = 8;
    std::uint32_t ids[kSlots] = {};    // canary ids (0: a free slot)
    std::uint32_t counts[kSlots] = {}; // clear reveals of each
    std::uint32_t overflow = 0;        // reveals of canaries that found no slot

    // Counts one reveal of canary id (ids beyond 32 bits, or past the
    // slots, count as overflow).
    void add(std::int64_t id);
    // Reveals of canary id recorded here.
    std::uint32_t count_of(std::int64_t id) const;
};

class RevealRecordSealer {
public:
    // Text of this many characters, always.
    static constexpr std::size_t kTextSize = 2 * (16 + 4 * (2 * RevealRecord::kSlots + 2));

    explicit RevealRecordSealer(const Secret& index_key);
    RevealRecordSealer(const RevealRecordSealer& other);
    RevealRecordSealer& operator=(const RevealRecordSealer&) = delete;
    ~RevealRecordSealer();

    // iv: 16 random octets from the caller.
    std::string seal(const RevealRecord& record, const std::uint8_t* iv) const;
    // Throws Error(InvalidText) for text that is not a sealed record.
    RevealRecord open(std::string_view text) const;

private:
    // A kept AES-256-CTR context keyed with key_ (each record only sets its
    // IV): every clear_reveal event seals a record, and a context made,
    // keyed and fetched from OpenSSL's provider per record cost ~10 us.
    struct Cipher;
    Cipher* make_cipher() const;
    void ctr(const std::uint8_t* iv, const std::uint8_t* in, std::uint8_t* out, std::size_t len) const;

    Secret key_;
    Cipher* cipher_;
};

} // namespace listguard
