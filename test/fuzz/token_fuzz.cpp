// Sealed tokens (core/email/token.h) and their authentication
// (EmailSealer::open), under the fixed keyring, two ways:
//
// - The input as a token: decode_token accepts only the canonical encoding
//   (encoding what it decoded gives the input back: one value, one token),
//   and open() accepts only what the keyring sealed, whose address parses.
// - The input as edits (fuzz.h) of valid tokens, one under each seal key,
//   and as a cut or an extension of them: a changed token is refused, by
//   decode_token or by open(), never accepted as another value.
#include <string>

#include "core/email/address.h"
#include "core/email/token.h"
#include "fuzz.h"

using namespace listguard;

namespace {

// Tokens of one address sealed under the older seal key and the current one.
struct ValidTokens {
    std::string under[2];
};

const ValidTokens& valid_tokens()
{
    static const ValidTokens* tokens = [] {
        auto* made = new ValidTokens;
        KeyringSpec spec = fuzz::fixed_keyring_spec();
        for (std::size_t key = 0; key < 2; key++) {
            EmailSealer sealer(spec.index, spec.seals, key);
            std::uint8_t value[sealed::kMaxSize];
            std::size_t n = sealer.seal(parse_address("Jane.Doe@example.com"), Stamp{3, 4}, value);
            char token[kMaxTokenOctets];
            made->under[key] = std::string(token, encode_token(value, n, token));
        }
        return made;
    }();
    return *tokens;
}

// Decodes and opens a token; false if either refuses it.
bool accepted(std::string_view token, char* address, std::size_t& address_len)
{
    try {
        std::uint8_t value[sealed::kMaxSize];
        std::size_t size = decode_token(token, value);
        address_len = fuzz::fixed_keyring().email().open(value, size, address);
        return true;
    } catch (const Error& e) {
        FUZZ_CHECK(e.kind() == ErrorKind::InvalidText || e.kind() == ErrorKind::ConfigFile);
        return false;
    }
}

void as_token(std::string_view text)
{
    if (!looks_like_token(text))
        return;
    std::uint8_t value[sealed::kMaxSize];
    std::size_t size = 0;
    try {
        size = decode_token(text, value);
    } catch (const Error& e) {
        FUZZ_CHECK(e.kind() == ErrorKind::InvalidText);
        return;
    }
    FUZZ_CHECK(size <= sealed::kMaxSize);
    char again[kMaxTokenOctets];
    FUZZ_CHECK(std::string_view(again, encode_token(value, size, again)) == text);

    char address[kMaxAddressOctets];
    std::size_t address_len = 0;
    if (accepted(text, address, address_len))
        (void)parse_address({address, address_len}); // only parsed addresses are ever sealed
}

void as_edits(const std::uint8_t* data, std::size_t size)
{
    for (const std::string& valid : valid_tokens().under) {
        std::string edited = valid;
        fuzz::apply_edits(data, size, reinterpret_cast<std::uint8_t*>(edited.data()), edited.size());
        if (size % 3 == 1)
            edited.pop_back();
        else if (size % 3 == 2)
            edited += edited[size % edited.size()];
        char address[kMaxAddressOctets];
        std::size_t address_len = 0;
        bool ok = accepted(edited, address, address_len);
        FUZZ_CHECK(ok == (edited == valid));
        if (ok)
            FUZZ_CHECK(std::string_view(address, address_len) == "Jane.Doe@example.com");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    as_token(fuzz::text_of(data, size));
    as_edits(data, size);
    return 0;
}
