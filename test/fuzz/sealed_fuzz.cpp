// Stored values (core/email/sealed_email.h) from any bytes, under the fixed
// keyring. What a table holds is read without authentication (values were
// authenticated when they entered the database), so a corrupted value must
// be refused with an error, never read or written out of bounds.
//
// The first input octet picks the key id written into the value (0: the
// older seal key, 1: the current one, otherwise the input's own), so that
// values get past the keyring lookup; the rest is the value.
//
// Invariants: open() accepts only values the keyring sealed (the fuzzer
// cannot forge one; seeds can be one); every output fits the buffer its
// function documents (buffers of exactly that size, so ASan sees an
// overflow); re-stamping, re-sealing and marking a canary keep the layout,
// the digest and the address, and move the value under the current key
// (and into the bucket of its length, which may be another size).
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "core/email/address.h"
#include "core/email/mask.h"
#include "core/email/pseudonym.h"
#include "fuzz.h"

using namespace listguard;

namespace {

// Runs fn; false if it threw a listguard::Error of a kind reading a stored
// value may raise.
template <typename Fn>
bool refused(Fn&& fn)
{
    try {
        fn();
        return false;
    } catch (const Error& e) {
        FUZZ_CHECK(e.kind() == ErrorKind::DataCorrupted || e.kind() == ErrorKind::ConfigFile ||
                   e.kind() == ErrorKind::InvalidText || e.kind() == ErrorKind::InvalidParameter);
        return true;
    }
}

std::optional<std::string> shown(EmailSealer& sealer, const std::uint8_t* value, std::size_t size)
{
    std::vector<char> out(kMaxAddressOctets);
    std::size_t n = 0;
    if (refused([&] { n = sealer.show(value, size, out.data()); }))
        return std::nullopt;
    FUZZ_CHECK(n > 0 && n <= kMaxAddressOctets);
    return std::string(out.data(), n);
}

// A value derived from the input one (same address, other header).
void check_derived(EmailSealer& sealer, const std::uint8_t* from, const std::uint8_t* derived, std::size_t derived_size,
                   const std::optional<std::string>& address)
{
    sealed::check_layout(derived, derived_size);
    FUZZ_CHECK(sealer.under_current_key(derived));
    FUZZ_CHECK(std::memcmp(sealed::digest_of(derived), sealed::digest_of(from), sealed::kDigestSize) == 0);
    FUZZ_CHECK(shown(sealer, derived, derived_size) == address);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1)
        return 0;
    Keyring& keyring = fuzz::fixed_keyring();
    EmailSealer& sealer = keyring.email();
    std::vector<std::uint8_t> value(data + 1, data + size);
    if (data[0] < 2 && value.size() >= sealed::kKeyIdOffset + sealed::kKeyIdSize) {
        KeyId id = sealer.key_ids()[data[0]];
        std::memcpy(value.data() + sealed::kKeyIdOffset, id.bytes, sizeof id.bytes);
    }
    const std::uint8_t* v = value.data();
    std::size_t n = value.size();

    std::vector<char> opened(kMaxAddressOctets);
    std::size_t opened_len = 0;
    if (!refused([&] { opened_len = sealer.open(v, n, opened.data()); })) {
        FUZZ_CHECK(opened_len > 0 && opened_len <= kMaxAddressOctets);
        (void)parse_address({opened.data(), opened_len}); // only parsed addresses are ever sealed
    }

    std::optional<std::string> address = shown(sealer, v, n);
    if (address) {
        char mask[kMaxMaskedOctets];
        (void)mask_address(*address, mask);
        std::vector<char> pseudonym(kMaxPseudonymOctets);
        (void)refused([&] {
            keyring.pseudonyms().pseudonym(5, sealed::digest_of(v), sealed::kDigestSize, *address, pseudonym.data());
        });
    }
    (void)refused([&] { (void)sealer.is_canary(v, n); });

    std::uint8_t derived[sealed::kMaxSize];
    std::size_t derived_size = 0;
    if (!refused([&] { derived_size = sealer.restamp(v, n, Stamp{11, 12}, derived); })) {
        check_derived(sealer, v, derived, derived_size, address);
        FUZZ_CHECK(sealed::stamp_of(derived) == (Stamp{11, 12}));
    }
    if (!refused([&] { derived_size = sealer.reseal(v, n, derived); }))
        check_derived(sealer, v, derived, derived_size, address);
    if (!refused([&] { derived_size = sealer.as_canary(v, n, derived); })) {
        check_derived(sealer, v, derived, derived_size, address);
        FUZZ_CHECK(sealer.is_canary(derived, derived_size));
    }
    return 0;
}
