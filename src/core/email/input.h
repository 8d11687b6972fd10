// What the type's input accepts: an address, sealed afresh with no stamp,
// or a sealed token, authenticated and keeping its stamp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/email/sealed_email.h"

namespace listguard {

// What a mask or a pseudonym given to the input becomes.
enum class ShownForms {
    Refused,     // Error(InvalidText): a masked export loaded back would
                 // otherwise replace addresses with masks without a word
    Placeholder, // a placeholder (core/email/placeholder.h), for the
                 // write-back of an UPDATE
};

// Writes the sealed value into out (sealed::kMaxSize) and returns its size.
// An address is sealed unstamped and fresh for the role whose nonce is
// given (see sealed::fresh_nonce_of); a token keeps its own stamp.
// Throws Error(InvalidText) for malformed addresses and forged or foreign
// tokens, and for masks and pseudonyms unless they become placeholders.
std::size_t seal_input(EmailSealer& sealer, std::string_view text, std::int64_t fresh_nonce, std::uint8_t* out,
                       ShownForms shown_forms = ShownForms::Refused);

// seal_input() for an address whose row's stamp is already known (a batched
// COPY into a protected table): sealed with that stamp in one pass instead
// of sealed fresh and stamped again. Returns 0, writing nothing, for text
// that is not a plain address (a token, a mask or a pseudonym), which takes
// seal_input()'s way; throws what seal_input() throws for a malformed one.
std::size_t seal_input_stamped(EmailSealer& sealer, std::string_view text, Stamp stamp, std::uint8_t* out);

// Throws exactly what seal_input() would for this text (ShownForms::Refused),
// without sealing an address: for listing the values a column would refuse.
// A token is opened and checked as seal_input() does.
void check_input(EmailSealer& sealer, std::string_view text);

} // namespace listguard
