// Keyring files (core/keys/keyring_file.h): parse_keyring on any bytes,
// as listguard.key_file holds them or listguard.key_command prints them.
//
// Errors are ConfigFile only and never quote the file (a run of 8 hex
// digits in a message would be key material). An accepted keyring has an
// index key and a current seal key, all of 32 octets; its text form parses
// back to the same keys and current one (a 0.1 raw key is written out in
// full: its one key as index and seal key); and a backend can build it.
#include <string>

#include "fuzz.h"

using namespace listguard;

namespace {

bool quotes_hex(const std::string& text)
{
    std::size_t run = 0;
    for (char c : text) {
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        run = hex ? run + 1 : 0;
        if (run >= 8)
            return true;
    }
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    KeyringSpec spec;
    try {
        spec = parse_keyring("fuzz input", fuzz::text_of(data, size));
    } catch (const Error& e) {
        FUZZ_CHECK(e.kind() == ErrorKind::ConfigFile);
        FUZZ_CHECK(!quotes_hex(e.what()) && !quotes_hex(e.detail()) && !quotes_hex(e.hint()));
        return 0;
    }
    FUZZ_CHECK(spec.index.size() == kKeySize);
    FUZZ_CHECK(!spec.seals.empty() && spec.current < spec.seals.size());
    for (const Secret& seal : spec.seals)
        FUZZ_CHECK(seal.size() == kKeySize);
    FUZZ_CHECK(spec.legacy == (size == kKeySize));

    KeyringSpec again = parse_keyring("its text form", render_keyring(spec));
    FUZZ_CHECK(!again.legacy);
    FUZZ_CHECK(again.index == spec.index);
    FUZZ_CHECK(again.seals.size() == spec.seals.size());
    for (std::size_t i = 0; i < spec.seals.size(); i++)
        FUZZ_CHECK(again.seals[i] == spec.seals[i]);
    FUZZ_CHECK(again.current == spec.current);

    try {
        Keyring keyring(spec);
        FUZZ_CHECK(keyring.email().current() == spec.current);
    } catch (const Error& e) {
        // Two seal keys whose 4-octet ids collide; the fuzzer will not find
        // one, but it is the documented refusal.
        FUZZ_CHECK(e.kind() == ErrorKind::ConfigFile);
    }
    return 0;
}
