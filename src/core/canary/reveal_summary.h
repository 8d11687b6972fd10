// Reveal summaries: per role and day, which addresses the role read in
// clear, as a Bloom filter over keyed digests, never the addresses. With
// them trace_leak() weighs every address of a leaked file, not only its
// canaries: what share of the file a role could have leaked, and which of
// the canaries it could see it actually read.
//
// An address's key is the first 8 octets of the keyed digest (the index
// key's HMAC) of its loose form (core/canary/loose_address.h), so a leaker
// who rewrites +tags or Gmail dots still matches. Without the keyring, keys
// say nothing; a filter says nothing either of which rows were canaries:
// every clear reveal adds its key the same way.
//
// A day's summary of a role is a chain of parts, each a blocked Bloom
// filter (every key sets kProbes bits of one 64-octet block, so a test
// reads one cache line). Part i holds up to kFirstCapacity * 4^i keys at
// kBitsPerKey bits each: a false positive rate of about 0.1 % per part at
// capacity, under 1 % across the parts of a day up to millions of keys
// (test/unit/canary_reveal_summary_test.cpp measures it). A key already in a
// part is not added again, so capacity counts distinct addresses.
//
// Backends pass keys to the audit writer through spool files
// (pg/audit/reveal_spool.h); a spool file is a run of records:
//   u32 magic "LGS1", u32 role, u32 login role, i32 day, u32 n, n x u64 key
// in the server's byte order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace listguard {

class SummaryFilter {
public:
    static constexpr std::size_t kBlockOctets = 64;
    static constexpr int kProbes = 8;
    static constexpr std::size_t kBitsPerKey = 16;
    static constexpr std::size_t kFirstCapacity = 2048;
    static constexpr int kMaxGrowthPart = 8; // parts past this one keep its capacity

    // The capacity of part `part` of a day, and the octets of its filter.
    static std::size_t capacity_of(int part) noexcept;
    static std::size_t octets_for(std::size_t capacity) noexcept;

    // A view of a filter's octets (a multiple of kBlockOctets; another size
    // is taken as empty and holds nothing).
    SummaryFilter(std::uint8_t* bits, std::size_t octets) noexcept;
    bool contains(std::uint64_t key) const noexcept;
    void insert(std::uint64_t key) noexcept;

private:
    std::uint8_t* bits_;
    std::size_t blocks_;
};

// Tests on filters held read-only.
bool summary_contains(const std::uint8_t* bits, std::size_t octets, std::uint64_t key) noexcept;

// False positives add up: "did the role read this address since the day a
// canary was planted" asks every part of every day since, and each answers
// "yes" for an address it does not hold now and then. The rate of one
// filter is known exactly from its bits (a key not added is taken for one
// when its kProbes bits, in its block, are all set); that of a set of
// filters is one minus the product of their complements. Readers of the
// summaries use them only while that rate is at most kMaxFalsePositiveRate
// (pg/canary/summaries.h): past it, a role counts as having read all it
// could see, as when the trail cannot tell.
constexpr double kMaxFalsePositiveRate = 0.01;
double summary_false_positive_rate(const std::uint8_t* bits, std::size_t octets) noexcept;

class FalsePositiveRate {
public:
    void add(double filter_rate) noexcept { none_ *= 1.0 - filter_rate; }
    double rate() const noexcept { return 1.0 - none_; }
    bool within_bound() const noexcept { return rate() <= kMaxFalsePositiveRate; }

private:
    double none_ = 1.0;
};

// The key of an address: the first 8 octets of its loose digest.
std::uint64_t summary_key(const std::uint8_t* loose_digest) noexcept;

struct SpoolRecordHeader {
    static constexpr std::uint32_t kMagic = 0x3153474c; // "LGS1" in little-endian order
    std::uint32_t magic;
    std::uint32_t role;
    std::uint32_t login;
    std::int32_t day; // days since 2000-01-01 (PostgreSQL's date)
    std::uint32_t count;
};
static_assert(sizeof(SpoolRecordHeader) == 20);

// Calls each(header, keys) for every whole record at the start of data;
// returns the octets they take (a record cut short at the end is left for
// later). Throws Error(DataCorrupted) at a record that is not one.
std::size_t read_spool(const std::uint8_t* data, std::size_t size,
                       const std::function<void(const SpoolRecordHeader&, const std::uint64_t*)>& each);

} // namespace listguard
