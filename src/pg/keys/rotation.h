// Key rotation (rotation.cpp): what other rooms need of it.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// A database made as a copy of another holds the same values: it gets the
// template's entry in the registry of databases that may still need keys
// (none if the template has none).
void copy_key_registry(Oid from, Oid to);

} // namespace listguard::pg
