// How much of an address the current role sees. Decided per value, for the
// current role and the value's own stamp, in every function that lets an
// address out of the type (output, send, the cast to text).
#pragma once

#include "postgres_c.h"

#include "sealed_email.h"

namespace listguard::pg {

enum class Reveal { Masked, Pseudonym, Clear, Sealed };

// May ereport (a dump that would hold masks is refused). Call outside guarded().
Reveal reveal_for(Stamp stamp);

} // namespace listguard::pg
