#include "core/email/input.h"

#include <cstring>

#include <openssl/crypto.h>

#include "core/email/address.h"
#include "core/email/mask.h"
#include "core/email/placeholder.h"
#include "core/email/pseudonym.h"
#include "core/email/token.h"
#include "core/base/error.h"

namespace listguard {

std::size_t seal_input(EmailSealer& sealer, std::string_view text, std::int64_t fresh_nonce, std::uint8_t* out,
                       ShownForms shown_forms)
{
    if (looks_like_token(text)) {
        std::size_t size = decode_token(text, out);
        char address[kMaxAddressOctets];
        sealer.open(out, size, address);
        OPENSSL_cleanse(address, sizeof address);
        // A token from before a key rotation comes back under the current
        // key, so that no write brings an old key's values back.
        if (!sealer.under_current_key(out)) {
            std::uint8_t token_value[sealed::kMaxSize];
            std::memcpy(token_value, out, size);
            size = sealer.reseal(token_value, size, out);
        }
        return size;
    }
    Address address = parse_address(text);
    // Judged on the canonical form: "j***"@example.com is j***@example.com.
    bool mask = has_mask_shape(address.canonical());
    if (mask || has_pseudonym_shape(address.canonical())) {
        ShownForm form = mask ? ShownForm::Mask : ShownForm::Pseudonym;
        if (shown_forms == ShownForms::Placeholder)
            return make_placeholder(form, text, out);
        refuse_shown_form(form, false);
    }
    return sealer.seal(address, Stamp{0, fresh_nonce}, out);
}

std::size_t seal_input_stamped(EmailSealer& sealer, std::string_view text, Stamp stamp, std::uint8_t* out)
{
    if (looks_like_token(text))
        return 0;
    Address address = parse_address(text);
    if (has_mask_shape(address.canonical()) || has_pseudonym_shape(address.canonical()))
        return 0;
    return sealer.seal(address, stamp, out);
}

void check_input(EmailSealer& sealer, std::string_view text)
{
    if (looks_like_token(text)) {
        std::uint8_t out[sealed::kMaxSize];
        seal_input(sealer, text, 0, out, ShownForms::Refused);
        return;
    }
    Address address = parse_address(text);
    bool mask = has_mask_shape(address.canonical());
    if (mask || has_pseudonym_shape(address.canonical()))
        refuse_shown_form(mask ? ShownForm::Mask : ShownForm::Pseudonym, false);
    EmailSealer::check_sealable(address);
}

} // namespace listguard
