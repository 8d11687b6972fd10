#include "pg/type/stored_value.h"

#include <cstring>

#include "pg/base/guard.h"

#include "core/email/placeholder.h"

namespace listguard::pg {

EmailBytes email_bytes(struct varlena* value)
{
    EmailBytes bytes{reinterpret_cast<const std::uint8_t*>(VARDATA_ANY(value)), VARSIZE_ANY_EXHDR(value)};
    guarded([&] {
        // A mask or pseudonym written back stands for no value anywhere
        // else (core/email/placeholder.h): used, it is the input's error.
        if (is_placeholder(bytes.data, bytes.size))
            refuse_shown_form(placeholder_form(bytes.data), true);
        sealed::check_layout(bytes.data, bytes.size);
    });
    return bytes;
}

Datum email_datum(const std::uint8_t* data, std::size_t size)
{
    auto* result = static_cast<struct varlena*>(palloc(VARHDRSZ + size));
    SET_VARSIZE(result, VARHDRSZ + size);
    std::memcpy(VARDATA(result), data, size);
    return PointerGetDatum(result);
}

} // namespace listguard::pg
