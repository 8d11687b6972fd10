#include "core/canary/reveal_summary.h"

#include <cstring>

#include "core/base/error.h"

namespace listguard {

namespace {

// Two independent 64-bit values from a key (the key is an HMAC output, but a
// mix keeps blocks and bits independent for any input).
std::uint64_t mix(std::uint64_t x) noexcept
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

struct Probe {
    std::size_t block;
    std::uint16_t bit[SummaryFilter::kProbes]; // within the block's 512
};

Probe probe(std::uint64_t key, std::size_t blocks) noexcept
{
    Probe p;
    std::uint64_t a = mix(key);
    std::uint64_t b = mix(key ^ 0x9e3779b97f4a7c15ULL);
    p.block = static_cast<std::size_t>((static_cast<unsigned __int128>(a) * blocks) >> 64);
    for (int i = 0; i < SummaryFilter::kProbes; i++)
        p.bit[i] = static_cast<std::uint16_t>((b >> (9 * i)) & 511);
    return p;
}

} // namespace

std::size_t SummaryFilter::capacity_of(int part) noexcept
{
    int growth = part < 0 ? 0 : part > kMaxGrowthPart ? kMaxGrowthPart : part;
    return kFirstCapacity << (2 * growth);
}

std::size_t SummaryFilter::octets_for(std::size_t capacity) noexcept
{
    std::size_t bits = capacity * kBitsPerKey;
    std::size_t blocks = (bits + 8 * kBlockOctets - 1) / (8 * kBlockOctets);
    return (blocks == 0 ? 1 : blocks) * kBlockOctets;
}

SummaryFilter::SummaryFilter(std::uint8_t* bits, std::size_t octets) noexcept
    : bits_(bits), blocks_(octets % kBlockOctets == 0 ? octets / kBlockOctets : 0)
{
}

bool summary_contains(const std::uint8_t* bits, std::size_t octets, std::uint64_t key) noexcept
{
    if (octets == 0 || octets % SummaryFilter::kBlockOctets != 0)
        return false;
    Probe p = probe(key, octets / SummaryFilter::kBlockOctets);
    const std::uint8_t* block = bits + p.block * SummaryFilter::kBlockOctets;
    for (int i = 0; i < SummaryFilter::kProbes; i++)
        if ((block[p.bit[i] / 8] & (1u << (p.bit[i] % 8))) == 0)
            return false;
    return true;
}

double summary_false_positive_rate(const std::uint8_t* bits, std::size_t octets) noexcept
{
    if (octets == 0 || octets % SummaryFilter::kBlockOctets != 0)
        return 0.0;
    // A key lands in each block alike. Its probes take 9 bits each of one
    // 64-bit value (probe()): all but the last fall on each of the block's
    // 512 bits alike; the last has one bit left, so it falls on bit 0 or 1.
    // The chance, then, is the mean over blocks of (set bits / 512) to the
    // kProbes - 1, times the share of bits 0 and 1 that are set.
    std::size_t blocks = octets / SummaryFilter::kBlockOctets;
    double sum = 0.0;
    for (std::size_t b = 0; b < blocks; b++) {
        const std::uint8_t* block = bits + b * SummaryFilter::kBlockOctets;
        int set = 0;
        for (std::size_t i = 0; i < SummaryFilter::kBlockOctets; i++)
            set += __builtin_popcount(block[i]);
        double f = set / (8.0 * SummaryFilter::kBlockOctets);
        double p = ((block[0] & 1) + ((block[0] >> 1) & 1)) / 2.0;
        for (int k = 0; k < SummaryFilter::kProbes - 1; k++)
            p *= f;
        sum += p;
    }
    return sum / static_cast<double>(blocks);
}

bool SummaryFilter::contains(std::uint64_t key) const noexcept
{
    return summary_contains(bits_, blocks_ * kBlockOctets, key);
}

void SummaryFilter::insert(std::uint64_t key) noexcept
{
    if (blocks_ == 0)
        return;
    Probe p = probe(key, blocks_);
    std::uint8_t* block = bits_ + p.block * kBlockOctets;
    for (int i = 0; i < kProbes; i++)
        block[p.bit[i] / 8] |= static_cast<std::uint8_t>(1u << (p.bit[i] % 8));
}

std::uint64_t summary_key(const std::uint8_t* loose_digest) noexcept
{
    std::uint64_t key = 0;
    for (int i = 0; i < 8; i++)
        key = key << 8 | loose_digest[i];
    return key;
}

std::size_t read_spool(const std::uint8_t* data, std::size_t size,
                       const std::function<void(const SpoolRecordHeader&, const std::uint64_t*)>& each)
{
    std::size_t at = 0;
    std::vector<std::uint64_t> keys;
    while (size - at >= sizeof(SpoolRecordHeader)) {
        SpoolRecordHeader h;
        std::memcpy(&h, data + at, sizeof h);
        if (h.magic != SpoolRecordHeader::kMagic || h.count > (1u << 24))
            throw Error(ErrorKind::DataCorrupted, "listguard reveal spool file is damaged",
                        "A record does not start where one should.");
        std::size_t octets = sizeof h + std::size_t{h.count} * sizeof(std::uint64_t);
        if (size - at < octets)
            break;
        keys.resize(h.count);
        if (h.count > 0)
            std::memcpy(keys.data(), data + at + sizeof h, h.count * sizeof(std::uint64_t));
        each(h, keys.data());
        at += octets;
    }
    return at;
}

} // namespace listguard
