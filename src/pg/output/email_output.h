// The forms a value is shown in (output, send, the cast to text).
#pragma once

#include <cstddef>

#include "pg/base/postgres_c.h"
#include "pg/type/stored_value.h"

#include "core/access/reveal_level.h"
#include "core/email/token.h"

namespace listguard::pg {

constexpr std::size_t kMaxRenderOctets = kMaxTokenOctets;

// The value in the given form, UTF-8, into out (kMaxRenderOctets): neither
// charged nor counted, for callers that show nothing (a write-back compares
// with it). Throws core errors: call inside guarded(), keyring ensured.
std::size_t render(RevealLevel reveal, Stamp stamp, EmailBytes v, char* out);

} // namespace listguard::pg
