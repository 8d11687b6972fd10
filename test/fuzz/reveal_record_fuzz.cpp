// Canary reveal records (core/canary/reveal_record.h): open() on any text,
// as listguard._canary_reveal_count gets it from a clear_reveal event.
//
// Errors are InvalidText only. A record opened and sealed again under the
// same IV (its first 32 hex digits) gives the same text but for its last 8
// digits (a reserved word, sealed as 0). A record made from the input (a
// run of canary ids added to it) counts like a plain model of its slots
// and seals and opens back to itself.
#include <cstring>
#include <map>
#include <string>

#include "core/canary/reveal_record.h"
#include "fuzz.h"

using namespace listguard;

namespace {

bool same(const RevealRecord& a, const RevealRecord& b)
{
    return std::memcmp(a.ids, b.ids, sizeof a.ids) == 0 && std::memcmp(a.counts, b.counts, sizeof a.counts) == 0 &&
           a.overflow == b.overflow;
}

void check_open(const RevealRecordSealer& sealer, std::string_view text)
{
    RevealRecord record;
    try {
        record = sealer.open(text);
    } catch (const Error& e) {
        FUZZ_CHECK(e.kind() == ErrorKind::InvalidText);
        return;
    }
    FUZZ_CHECK(text.size() == RevealRecordSealer::kTextSize);
    std::uint8_t iv[16];
    for (std::size_t i = 0; i < sizeof iv; i++)
        iv[i] = static_cast<std::uint8_t>(std::stoi(std::string(text.substr(2 * i, 2)), nullptr, 16));
    std::string again = sealer.seal(record, iv);
    FUZZ_CHECK(again.size() == text.size());
    FUZZ_CHECK(std::string_view(again).substr(0, again.size() - 8) == text.substr(0, text.size() - 8));
}

void check_made(const RevealRecordSealer& sealer, const std::uint8_t* data, std::size_t size)
{
    RevealRecord record;
    std::map<std::int64_t, std::uint32_t> counted; // the first 8 distinct ids in range
    std::uint32_t overflow = 0;
    for (std::size_t i = 0; i + 5 <= size; i += 5) {
        // 5 octets: ids past 32 bits are exercised too.
        std::int64_t id = 0;
        for (std::size_t k = 0; k < 5; k++)
            id = id << 8 | data[i + k];
        id -= 0x100; // and ids of 0 and below
        record.add(id);
        if (id <= 0 || id > 0xffffffffLL || (counted.size() == RevealRecord::kSlots && !counted.count(id)))
            overflow++;
        else
            counted[id]++;
    }
    FUZZ_CHECK(record.overflow == overflow);
    for (const auto& [id, count] : counted)
        FUZZ_CHECK(record.count_of(id) == count);

    std::uint8_t iv[16] = {};
    std::memcpy(iv, data, size < sizeof iv ? size : sizeof iv);
    FUZZ_CHECK(same(sealer.open(sealer.seal(record, iv)), record));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const RevealRecordSealer& sealer = fuzz::fixed_keyring().canary_reveals();
    check_open(sealer, fuzz::text_of(data, size));
    check_made(sealer, data, size);
    return 0;
}
