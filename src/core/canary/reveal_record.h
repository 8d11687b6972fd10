// What a clear_reveal audit event says of the canaries among the values it
// counts: which of its role's own canaries were read. Sealed, and present in
// every clear_reveal event, canary or not, so that neither the events'
// number nor their size (the WAL they write, which any role can measure)
// tells a reader which of its rows are canaries. Only an administrator's
// trace() opens it.
//
// A record holds one bit per canary slot of the event's account: each
// planted canary has a slot, a number unique among the canaries of its
// account (listguard.canaries.slot), so every canary a statement reads in
// its own account is noted, however many. Its size is the same for every
// event of a database at a time: enough bits for the highest slot of any
// account there, in steps of 256 (kSlotStep). It changes only when
// plant_canaries() takes a slot past the step, which the statistics of
// listguard.canaries (public, like every table's) tell anyway. A canary its
// role copied into another account is noted by its id, up to kOutsideIds
// per event; more are counted in overflow.
//
// Records of listguard 0.2 (version 1: eight canary ids and their counts, in
// 176 hexadecimal digits) are still opened, for events written then.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/crypto/secret.h"

namespace listguard {

class RevealRecord {
public:
    static constexpr std::size_t kSlotStep = 256;
    // The most slots one account may have: a record of this many bits still
    // fits an audit event's detail whatever the role's name.
    static constexpr std::size_t kMaxSlots = 6144;
    static constexpr int kOutsideIds = 4;
    static constexpr int kVersion1Ids = 8;

    // Slots a record must have room for, given the highest slot in use
    // (-1: none): a multiple of kSlotStep, at least one step.
    static std::size_t slots_for(std::int64_t highest_slot) noexcept;

    // A canary read in its own account (slot >= kMaxSlots counts as overflow).
    void add_slot(std::uint32_t slot) noexcept;
    // A canary read in another account than its own: its id.
    void add_outside(std::int64_t id) noexcept;
    void clear() noexcept;

    bool has_slot(std::uint32_t slot) const noexcept;
    bool has_outside(std::int64_t id) const noexcept;
    std::uint32_t overflow() const noexcept { return overflow_; }
    // Bits in use: one past the highest slot noted (0: none).
    std::size_t used_slots() const noexcept { return used_slots_; }
    int version() const noexcept { return version_; }
    // Version 1 records: reveals of canary id (0 if absent).
    std::uint32_t version1_count(std::int64_t id) const noexcept;

private:
    friend class RevealRecordSealer;
    std::uint8_t bits_[kMaxSlots / 8] = {};
    std::uint32_t outside_[kVersion1Ids] = {}; // version 2: kOutsideIds used
    std::uint32_t counts_[kVersion1Ids] = {};  // version 1 only
    std::uint32_t overflow_ = 0;
    std::size_t used_slots_ = 0;
    int version_ = 2;
};

class RevealRecordSealer {
public:
    // Text of a version 2 record with room for this many slots.
    static std::size_t text_size(std::size_t slots) noexcept;
    static constexpr std::size_t kMaxTextSize = 3 + (16 + RevealRecord::kMaxSlots / 8 + 20 + 2) / 3 * 4;
    static constexpr std::size_t kVersion1TextSize = 2 * (16 + 4 * (2 * RevealRecord::kVersion1Ids + 2));

    explicit RevealRecordSealer(const Secret& index_key);
    RevealRecordSealer(const RevealRecordSealer& other);
    RevealRecordSealer& operator=(const RevealRecordSealer&) = delete;
    ~RevealRecordSealer();

    // slots: what slots_for() says for the database (a record noting a
    // higher slot is sealed with room for it); iv: 16 random octets.
    std::string seal(const RevealRecord& record, std::size_t slots, const std::uint8_t* iv) const;
    // Throws Error(InvalidText) for text that is not a sealed record.
    RevealRecord open(std::string_view text) const;

    // Whether the record notes this canary: by slot when the event is in
    // the canary's own account, else by id (version 1: by id always).
    bool notes(std::string_view text, std::int64_t canary_id, std::int64_t slot, bool own_account) const;

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
