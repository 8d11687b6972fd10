// Access to the stored bytes of a listguard.email datum.
#pragma once

#include <cstddef>
#include <cstdint>

#include "pg/base/postgres_c.h"

#include "core/email/placeholder.h"
#include "core/email/sealed_email.h"

namespace listguard::pg {

struct EmailBytes {
    const std::uint8_t* data;
    std::size_t size;
};

// The value's stored bytes (no copy for inline values). Reports corrupted
// data unless they have the size and version of a listguard value, and a
// placeholder (a mask or pseudonym written back) as the input's error.
EmailBytes email_bytes(struct varlena* value);

// Whether the value is a placeholder: for the code that looks for them.
inline bool holds_placeholder(struct varlena* value)
{
    return is_placeholder(reinterpret_cast<const std::uint8_t*>(VARDATA_ANY(value)), VARSIZE_ANY_EXHDR(value));
}

// A new datum holding a copy of the given stored bytes.
Datum email_datum(const std::uint8_t* data, std::size_t size);

} // namespace listguard::pg
