// What the type's input accepts (core/email/input.h): any text, under the
// fixed keyring, as an address or as a sealed token.
//
// For accepted text: the value has the stored layout, is under the current
// key, and opens (it was authenticated, as every value entering the
// database must be) to an address the parser accepts. From an address it
// is unstamped, fresh for the given nonce, and shows the address as
// written (blanks trimmed); a token keeps its stamp.
#include <optional>
#include <string>

#include "core/email/address.h"
#include "core/email/input.h"
#include "core/email/placeholder.h"
#include "core/email/token.h"
#include "fuzz.h"

using namespace listguard;

namespace {

constexpr std::int64_t kNonce = 4242;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view text = fuzz::text_of(data, size);
    EmailSealer& sealer = fuzz::fixed_keyring().email();
    std::uint8_t value[sealed::kMaxSize];
    std::size_t value_size = 0;
    try {
        value_size = seal_input(sealer, text, kNonce, value);
    } catch (const Error& e) {
        // A token sealed under a key the keyring lacks is a ConfigFile error.
        FUZZ_CHECK(e.kind() == ErrorKind::InvalidText || e.kind() == ErrorKind::ConfigFile);
        // Refused text may be a mask or pseudonym, kept as a placeholder
        // for a write-back, as typed; or it is refused there too.
        try {
            value_size = seal_input(sealer, text, kNonce, value, ShownForms::Placeholder);
            FUZZ_CHECK(is_placeholder(value, value_size));
            FUZZ_CHECK(placeholder_text(value, value_size) == text);
        } catch (const Error& again) {
            FUZZ_CHECK(again.kind() == e.kind());
        }
        return 0;
    }
    // The same text where a write-back may stand: a placeholder exactly
    // when the input refuses it as a mask or pseudonym, else the same kind
    // of value.
    std::uint8_t written_back[sealed::kMaxSize];
    std::size_t written_back_size = seal_input(sealer, text, kNonce, written_back, ShownForms::Placeholder);
    FUZZ_CHECK(!is_placeholder(written_back, written_back_size));
    FUZZ_CHECK(written_back_size == value_size);
    sealed::check_layout(value, value_size); // throws, and so fails, if not
    FUZZ_CHECK(sealer.under_current_key(value));

    char opened[kMaxAddressOctets];
    std::size_t opened_len = sealer.open(value, value_size, opened);
    Address address = parse_address({opened, opened_len});
    char shown[kMaxAddressOctets];
    std::size_t shown_len = sealer.show(value, value_size, shown);
    FUZZ_CHECK(std::string_view(shown, shown_len) == std::string_view(opened, opened_len));

    std::uint8_t digest[sealed::kDigestSize];
    sealer.digest(address.canonical(), digest);
    FUZZ_CHECK(std::equal(digest, digest + sizeof digest, sealed::digest_of(value)));

    if (!looks_like_token(text)) {
        FUZZ_CHECK(sealed::stamp_of(value) == Stamp{});
        FUZZ_CHECK(sealed::fresh_nonce_of(value) == kNonce);
        FUZZ_CHECK(address.display() == parse_address(text).display());
    } else {
        std::uint8_t decoded[sealed::kMaxSize];
        std::size_t decoded_size = decode_token(text, decoded);
        FUZZ_CHECK(decoded_size == value_size);
        FUZZ_CHECK(sealed::stamp_of(decoded) == sealed::stamp_of(value));
    }
    return 0;
}
