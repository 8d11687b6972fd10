// The type's output: text, binary and the cast to text. Here each value
// is shown as the current role may see it: masked, pseudonymous, sealed or,
// charged to its grant's quota and counted for the audit trail, clear.
#include <cstring>
#include <string_view>

#include "pg/output/email_output.h"

#include "pg/access/reveal.h"
#include "pg/audit/statement_counts.h"
#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/canary/registry.h"
#include "pg/keys/keyring.h"
#include "pg/quota/charge.h"
#include "pg/type/encoding.h"
#include "pg/type/stored_value.h"

#include "core/email/address.h"
#include "core/email/mask.h"
#include "core/email/pseudonym.h"
#include "core/email/token.h"
#include "core/keys/keyring.h"

extern "C" {
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(email_out);
PG_FUNCTION_INFO_V1(email_send);
PG_FUNCTION_INFO_V1(email_to_text);
}

namespace listguard::pg {

static_assert(kMaxRenderOctets >= kMaxMaskedOctets && kMaxRenderOctets >= kMaxAddressOctets &&
              kMaxRenderOctets >= kMaxPseudonymOctets);

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
            return keys.pseudonyms().pseudonym(stamp.account, sealed::digest_of(v.data), sealed::kDigestSize, address,
                                               out);
        });
    case RevealLevel::Masked:
        break;
    }
    return keys.email().with_address(v.data, v.size,
                                     [out](std::string_view address) { return mask_address(address, out); });
}

namespace {

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
    // Charged to the principal's grant (if one is in force), to its
    // application's (if the role is another) and to the role's.
    if (reveal.level == RevealLevel::Clear &&
        !(charge_clear_reveal(reveal.principal_grant) && charge_clear_reveal(reveal.application_grant) &&
          charge_clear_reveal(reveal.grant)))
        reveal.level = RevealLevel::Masked;
    std::size_t len = guarded([&] { return render(reveal.level, stamp, v, buffer); });
    if (reveal.level == RevealLevel::Clear)
        count_clear_reveal(reveal.grant, stamp, own_canary_id_of(v.data, v.size), reveal.principal_grant.id);
    return from_utf8(buffer, len);
}

} // namespace

} // namespace listguard::pg

using namespace listguard::pg;

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
