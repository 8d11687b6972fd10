// The type's input and output: text and binary I/O and the casts to and
// from text. Output is where the reveal decision is applied.
#include <cstring>
#include <string_view>

#include "pg/access/reveal.h"
#include "pg/canary/registry.h"
#include "pg/audit/counts.h"
#include "pg/base/guard.h"
#include "pg/keys/keyring.h"
#include "pg/base/module.h"
#include "pg/quota/charge.h"
#include "pg/type/fresh.h"
#include "pg/type/io.h"
#include "pg/type/value.h"

#include "core/keys/keyring.h"
#include "core/email/address.h"
#include "core/email/input.h"
#include "core/email/mask.h"
#include "core/email/pseudonym.h"
#include "core/email/token.h"

extern "C" {
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(email_in);
PG_FUNCTION_INFO_V1(email_out);
PG_FUNCTION_INFO_V1(email_recv);
PG_FUNCTION_INFO_V1(email_send);
PG_FUNCTION_INFO_V1(email_from_text);
PG_FUNCTION_INFO_V1(email_to_text);
}

namespace listguard::pg {

namespace {

// The database encoding cannot change under a backend.
bool database_is_utf8()
{
    static int encoding = -1;
    if (encoding < 0)
        encoding = GetDatabaseEncoding();
    return encoding == PG_UTF8;
}

// Addresses are UTF-8 inside the type whatever the database encoding.
std::string_view to_utf8(const char* s, std::size_t len)
{
    if (database_is_utf8() || is_ascii({s, len}))
        return {s, len};
    char* converted = pg_server_to_any(s, static_cast<int>(len), PG_UTF8);
    return {converted, std::strlen(converted)};
}

std::string_view from_utf8(const char* s, std::size_t len)
{
    if (database_is_utf8() || is_ascii({s, len}))
        return {s, len};
    char* converted = pg_any_to_server(s, static_cast<int>(len), PG_UTF8);
    return {converted, std::strlen(converted)};
}

} // namespace

bool seal_text(const char* s, std::size_t len, Datum* result, PendingError& error)
{
    require_preload();
    std::string_view text = to_utf8(s, len);
    ensure_keyring();
    int64 nonce = fresh_nonce();
    std::uint8_t sealed_value[sealed::kMaxSize];
    std::size_t size = 0;
    if (!try_guarded([&] { size = seal_input(keyring().email(), text, nonce, sealed_value); }, error))
        return false;
    *result = email_datum(sealed_value, size);
    return true;
}

namespace {

Datum email_from_text_bytes(const char* s, std::size_t len)
{
    Datum result;
    PendingError error;
    if (!seal_text(s, len, &result, error))
        error.raise();
    return result;
}

constexpr std::size_t kMaxRenderOctets = kMaxTokenOctets;
static_assert(kMaxTokenOctets >= kMaxMaskedOctets && kMaxTokenOctets >= kMaxAddressOctets &&
              kMaxTokenOctets >= kMaxPseudonymOctets);

std::size_t render(RevealLevel reveal, Stamp stamp, EmailBytes v, char* out)
{
    Keyring& keys = keyring();
    switch (reveal) {
    case RevealLevel::Sealed:
        sealed::check_layout(v.data, v.size);
        return encode_token(v.data, v.size, out);
    case RevealLevel::Clear:
        return keys.email().show(v.data, v.size, out);
    case RevealLevel::Pseudonym:
        return keys.email().with_address(v.data, v.size, [&](std::string_view address) {
            return keys.pseudonyms().pseudonym(stamp.account, sealed::digest_of(v.data), sealed::kDigestSize,
                                               address, out);
        });
    case RevealLevel::Masked:
        break;
    }
    return keys.email().with_address(v.data, v.size, [out](std::string_view address) { return mask_address(address, out); });
}

// What the current role may see of a value, in the database encoding. A
// clear value is charged before it is shown (a quota fails closed) and
// counted once it was: a value the keyring cannot open is not counted.
std::string_view shown_text(struct varlena* value, char* buffer)
{
    require_preload();
    EmailBytes v = email_bytes(value);
    Stamp stamp = sealed::stamp_of(v.data);
    ensure_keyring();
    RevealDecision reveal = reveal_for(stamp);
    if (reveal.level == RevealLevel::Clear && !charge_clear_reveal(reveal.grant))
        reveal.level = RevealLevel::Masked;
    std::size_t len = guarded([&] { return render(reveal.level, stamp, v, buffer); });
    if (reveal.level == RevealLevel::Clear)
        count_clear_reveal(reveal.grant, stamp, own_canary_id_of(v.data, v.size));
    return from_utf8(buffer, len);
}

} // namespace

} // namespace listguard::pg

using namespace listguard::pg;

extern "C" Datum email_in(PG_FUNCTION_ARGS)
{
    const char* text = PG_GETARG_CSTRING(0);
    return email_from_text_bytes(text, std::strlen(text));
}

extern "C" Datum email_from_text(PG_FUNCTION_ARGS)
{
    text* input = PG_GETARG_TEXT_PP(0);
    return email_from_text_bytes(VARDATA_ANY(input), VARSIZE_ANY_EXHDR(input));
}

extern "C" Datum email_recv(PG_FUNCTION_ARGS)
{
    StringInfo buf = reinterpret_cast<StringInfo>(PG_GETARG_POINTER(0));
    int nbytes = 0;
    char* text = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);
    return email_from_text_bytes(text, static_cast<std::size_t>(nbytes));
}

extern "C" Datum email_out(PG_FUNCTION_ARGS)
{
    char buffer[kMaxRenderOctets];
    std::string_view shown = shown_text(PG_GETARG_VARLENA_PP(0), buffer);
    PG_RETURN_CSTRING(pnstrdup(shown.data(), shown.size()));
}

extern "C" Datum email_to_text(PG_FUNCTION_ARGS)
{
    char buffer[kMaxRenderOctets];
    std::string_view shown = shown_text(PG_GETARG_VARLENA_PP(0), buffer);
    PG_RETURN_TEXT_P(cstring_to_text_with_len(shown.data(), static_cast<int>(shown.size())));
}

extern "C" Datum email_send(PG_FUNCTION_ARGS)
{
    char buffer[kMaxRenderOctets];
    std::string_view shown = shown_text(PG_GETARG_VARLENA_PP(0), buffer);
    StringInfoData buf;
    pq_begintypsend(&buf);
    pq_sendtext(&buf, shown.data(), static_cast<int>(shown.size()));
    PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
