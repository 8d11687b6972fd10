// Canary reveal records (core/canary/reveal_record.h): open() on any text,
// as listguard._canary_in_record gets it from a clear_reveal event.
//
// Errors are InvalidText only. A version 2 record opened and sealed again,
// with room for as many slots, gives a text as long, opening to the same. A
// record made from the input (canary slots and ids outside their account,
// added to it) notes exactly what a plain model of it says, seals to the
// size its room says whatever it notes, and opens back to itself.
#include <cstring>
#include <set>
#include <string>

#include "core/canary/reveal_record.h"
#include "fuzz.h"

using namespace listguard;

namespace {

void check_open(const RevealRecordSealer& sealer, std::string_view text)
{
    RevealRecord record;
    try {
        record = sealer.open(text);
    } catch (const Error& e) {
        FUZZ_CHECK(e.kind() == ErrorKind::InvalidText);
        return;
    }
    if (record.version() == 1) {
        FUZZ_CHECK(text.size() == RevealRecordSealer::kVersion1TextSize);
        return;
    }
    // The room the text has: the smallest that makes its length.
    std::size_t slots = RevealRecord::kSlotStep;
    while (slots <= RevealRecord::kMaxSlots && RevealRecordSealer::text_size(slots) != text.size())
        slots += RevealRecord::kSlotStep;
    FUZZ_CHECK(slots <= RevealRecord::kMaxSlots);
    FUZZ_CHECK(record.used_slots() <= slots);
    // Sealed again with the same room: a text of the same length, which
    // opens to the same slots.
    std::uint8_t iv[16] = {};
    std::string again = sealer.seal(record, slots, iv);
    FUZZ_CHECK(again.size() == text.size());
    RevealRecord back = sealer.open(again);
    FUZZ_CHECK(back.used_slots() == record.used_slots() && back.overflow() == record.overflow());
}

void check_made(const RevealRecordSealer& sealer, const std::uint8_t* data, std::size_t size)
{
    RevealRecord record;
    std::set<std::uint32_t> slots;
    std::set<std::int64_t> outside;
    std::uint32_t overflow = 0;
    for (std::size_t i = 0; i + 5 <= size; i += 5) {
        // 5 octets: a kind, then 4 of value.
        std::uint32_t v = 0;
        for (std::size_t k = 1; k < 5; k++)
            v = v << 8 | data[i + k];
        if (data[i] & 1) {
            std::uint32_t slot = v % (RevealRecord::kMaxSlots + 64);
            record.add_slot(slot);
            if (slot >= RevealRecord::kMaxSlots)
                overflow++;
            else
                slots.insert(slot);
        } else {
            std::int64_t id = static_cast<std::int64_t>(v) - (data[i] & 2 ? 0x100 : 0);
            record.add_outside(id);
            if (id <= 0 || (outside.size() == RevealRecord::kOutsideIds && !outside.count(id)))
                overflow++;
            else
                outside.insert(id);
        }
    }
    FUZZ_CHECK(record.overflow() == overflow);
    std::uint8_t iv[16] = {};
    std::memcpy(iv, data, size < sizeof iv ? size : sizeof iv);
    std::size_t room = RevealRecord::slots_for(size > 0 ? data[0] * 24 : -1);
    std::string text = sealer.seal(record, room, iv);
    std::size_t needed = RevealRecord::slots_for(static_cast<std::int64_t>(record.used_slots()) - 1);
    FUZZ_CHECK(text.size() == RevealRecordSealer::text_size(room > needed ? room : needed));
    RevealRecord back = sealer.open(text);
    for (std::uint32_t s = 0; s < RevealRecord::kMaxSlots; s++)
        FUZZ_CHECK(back.has_slot(s) == (slots.count(s) > 0));
    for (std::int64_t id : outside)
        FUZZ_CHECK(back.has_outside(id));
    FUZZ_CHECK(back.overflow() == overflow);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const RevealRecordSealer& sealer = fuzz::fixed_keyring().canary_reveals();
    check_open(sealer, fuzz::text_of(data, size));
    check_made(sealer, data, size);
    return 0;
}
