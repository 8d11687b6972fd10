// What the type's input accepts: an address, sealed afresh with no stamp,
// or a sealed token, authenticated and keeping its stamp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/email/sealed_email.h"

namespace listguard {

// Writes the sealed value into out (sealed::kMaxSize) and returns its size.
// An address is sealed unstamped and fresh for the transaction whose nonce
// is given (see sealed::fresh_nonce_of); a token keeps its own stamp.
// Throws Error(InvalidText) for malformed addresses, forged or foreign
// tokens, and masks: a masked export loaded back would otherwise replace
// addresses with masks without a word.
std::size_t seal_input(EmailSealer& sealer, std::string_view text, std::int64_t fresh_nonce, std::uint8_t* out);

} // namespace listguard
