// The type's input: text, binary and the cast from text. An address comes in
// sealed under the current key and marked fresh (it may go into any
// account: pg/type/fresh_nonce.h); a sealed token is opened and checked.
#include "pg/type/input.h"

#include <cstring>
#include <string_view>

#include "pg/base/preload.h"
#include "pg/citus/transit.h"
#include "pg/keys/keyring.h"
#include "pg/type/encoding.h"
#include "pg/type/fresh_nonce.h"
#include "pg/type/placeholders.h"
#include "pg/type/stored_value.h"

#include "core/email/input.h"
#include "core/email/transit.h"
#include "core/email/placeholder.h"
#include "core/keys/keyring.h"

extern "C" {
#include "libpq/pqformat.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(email_in);
PG_FUNCTION_INFO_V1(email_recv);
PG_FUNCTION_INFO_V1(email_from_text);
PG_FUNCTION_INFO_V1(lg_address_or_null);
}

namespace listguard::pg {

namespace {

// A value from another node of a Citus cluster (pg/citus/transit.h): as it
// left, or fresh again for the role that typed it.
bool from_transit(std::string_view text, Datum* result, PendingError& error)
{
    const char* role = current_role_name();
    int64 nonce = fresh_nonce();
    std::uint8_t value[sealed::kMaxSize];
    std::size_t size = 0;
    bool ok = try_guarded(
        [&] {
            EmailSealer& sealer = keyring().email();
            std::uint8_t carried[sealed::kMaxSize];
            Unwrapped u = keyring().transit().unwrap(text, role, carried);
            if (u.fresh_for_role)
                size = sealer.restamp(carried, u.size, Stamp{0, nonce}, value);
            else if (!sealer.under_current_key(carried))
                size = sealer.reseal(carried, u.size, value);
            else {
                std::memcpy(value, carried, u.size);
                size = u.size;
            }
        },
        error);
    if (ok)
        *result = email_datum(value, size);
    return ok;
}

} // namespace

bool seal_text(const char* s, std::size_t len, Datum* result, PendingError& error, ShownForms shown_forms)
{
    require_preload();
    std::string_view text = to_utf8(s, len);
    ensure_keyring();
    if (looks_like_transit(text))
        return from_transit(text, result, error);
    int64 nonce = fresh_nonce();
    std::uint8_t sealed_value[sealed::kMaxSize];
    std::size_t size = 0;
    if (!try_guarded([&] { size = seal_input(keyring().email(), text, nonce, sealed_value, shown_forms); }, error))
        return false;
    *result = email_datum(sealed_value, size);
    return true;
}

bool seal_text_stamped(const char* s, std::size_t len, Stamp stamp, Datum* result)
{
    require_preload();
    std::string_view text = to_utf8(s, len);
    if (looks_like_transit(text))
        return false;
    ensure_keyring();
    std::uint8_t sealed_value[sealed::kMaxSize];
    std::size_t size = 0;
    PendingError error;
    if (!try_guarded([&] { size = seal_input_stamped(keyring().email(), text, stamp, sealed_value); }, error))
        error.raise();
    if (size == 0)
        return false;
    *result = email_datum(sealed_value, size);
    return true;
}

bool check_text(const char* s, std::size_t len, PendingError& error)
{
    require_preload();
    std::string_view text = to_utf8(s, len);
    ensure_keyring();
    return try_guarded([&] { check_input(keyring().email(), text); }, error);
}

namespace {

Datum email_from_text_bytes(const char* s, std::size_t len, ShownForms shown_forms)
{
    Datum result;
    PendingError error;
    if (!seal_text(s, len, &result, error, shown_forms))
        error.raise();
    auto* value = reinterpret_cast<struct varlena*>(DatumGetPointer(result));
    if (holds_placeholder(value))
        note_placeholder_made(placeholder_form(reinterpret_cast<const std::uint8_t*>(VARDATA_ANY(value))));
    return result;
}

// The type's input and binary receive: a literal or a parameter the client
// sent may be the form its role was shown, written back (pg/type/placeholders.h).
ShownForms client_text_forms()
{
    return placeholders_allowed() ? ShownForms::Placeholder : ShownForms::Refused;
}

} // namespace

} // namespace listguard::pg

using namespace listguard;
using namespace listguard::pg;

extern "C" Datum email_in(PG_FUNCTION_ARGS)
{
    const char* text = PG_GETARG_CSTRING(0);
    return email_from_text_bytes(text, std::strlen(text), client_text_forms());
}

extern "C" Datum email_from_text(PG_FUNCTION_ARGS)
{
    text* input = PG_GETARG_TEXT_PP(0);
    return email_from_text_bytes(VARDATA_ANY(input), VARSIZE_ANY_EXHDR(input), ShownForms::Refused);
}

extern "C" Datum email_recv(PG_FUNCTION_ARGS)
{
    StringInfo buf = reinterpret_cast<StringInfo>(PG_GETARG_POINTER(0));
    int nbytes = 0;
    char* text = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);
    return email_from_text_bytes(text, static_cast<std::size_t>(nbytes), client_text_forms());
}

// listguard._address_or_null(text) -> listguard.email: the text as a value
// of the type, or null for text that is no address (a lookup rewritten from
// a comparison of text finds no row for it, as the text found none).
extern "C" Datum lg_address_or_null(PG_FUNCTION_ARGS)
{
    text* input = PG_GETARG_TEXT_PP(0);
    Datum result;
    PendingError error;
    if (!seal_text(VARDATA_ANY(input), VARSIZE_ANY_EXHDR(input), &result, error))
        PG_RETURN_NULL();
    return result;
}
