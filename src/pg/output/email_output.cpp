// The type's output: text, binary and the cast to text. Here each value
// is shown as the current role may see it: masked, pseudonymous, sealed or,
// charged to its grant's quota and counted for the audit trail, clear.
#include <cstring>
#include <string_view>

#include "pg/output/email_output.h"

#include "pg/access/reveal.h"
#include "pg/activity/counters.h"
#include "pg/audit/reveal_spool.h"
#include "pg/audit/statement_counts.h"
#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/canary/registry.h"
#include "pg/citus/transit.h"
#include "pg/keys/keyring.h"
#include "pg/quota/charge.h"
#include "pg/type/encoding.h"
#include "pg/type/fresh_nonce.h"
#include "pg/type/stored_value.h"

#include "core/email/address.h"
#include "core/email/mask.h"
#include "core/email/pseudonym.h"
#include "core/email/token.h"
#include "core/email/transit.h"
#include "core/keys/keyring.h"

extern "C" {
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(email_out);
PG_FUNCTION_INFO_V1(email_send);
PG_FUNCTION_INFO_V1(email_to_text);
PG_FUNCTION_INFO_V1(lg_transit_token);
}

namespace listguard::pg {

static_assert(kMaxRenderOctets >= kMaxMaskedOctets && kMaxRenderOctets >= kMaxAddressOctets &&
              kMaxRenderOctets >= kMaxPseudonymOctets);
// A transit token is the longest form a value leaves this node in.
constexpr std::size_t kMaxShownOctets = transit::kMaxTokenOctets;
static_assert(kMaxShownOctets >= kMaxRenderOctets);

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

// A value on its way to another node of a Citus cluster: its transit
// token, whatever the role may see (that node shows it).
std::string_view transit_text(EmailBytes v, Stamp stamp, char* buffer)
{
    const char* role = stamp.account == 0 && is_fresh(sealed::fresh_nonce_of(v.data)) ? current_role_name() : "";
    std::size_t len = guarded([&] { return keyring().transit().wrap(v.data, v.size, role, buffer); });
    return std::string_view(buffer, len); // base64: the same in every server encoding
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
    if (in_transit())
        return transit_text(v, stamp, buffer);
    RevealDecision reveal = reveal_for(stamp);
    // Charged to the principal's grant (if one is in force), to its
    // application's (if the role is another) and to the role's.
    if (reveal.level == RevealLevel::Clear &&
        !(charge_clear_reveal(reveal.principal_grant) && charge_clear_reveal(reveal.application_grant) &&
          charge_clear_reveal(reveal.grant)))
        reveal.level = RevealLevel::Masked;
    uint64 key = 0;
    std::size_t len = guarded([&] {
        std::size_t n = render(reveal.level, stamp, v, buffer);
        if (reveal.level == RevealLevel::Clear)
            key = reveal_summary_key(v, std::string_view(buffer, n));
        return n;
    });
    if (reveal.level == RevealLevel::Clear) {
        Canary canary{};
        bool own = own_canary_of(v.data, v.size, &canary);
        RevealedCanary revealed{canary.id, canary.account, canary.slot};
        count_clear_reveal(reveal.grant, stamp, own ? &revealed : nullptr, key, reveal.principal_grant.id);
    }
    note_reveal(reveal.level);
    return from_utf8(buffer, len);
}

} // namespace

} // namespace listguard::pg

using namespace listguard::pg;

extern "C" Datum email_out(PG_FUNCTION_ARGS)
{
    char buffer[kMaxShownOctets];
    std::string_view shown = shown_text(PG_GETARG_VARLENA_PP(0), buffer);
    PG_RETURN_CSTRING(pnstrdup(shown.data(), shown.size()));
}

// A cast is an expression, not a value leaving for another node: it shows
// what the role may see wherever it runs.
extern "C" Datum email_to_text(PG_FUNCTION_ARGS)
{
    char buffer[kMaxShownOctets];
    bool was = set_in_transit(false);
    std::string_view shown = shown_text(PG_GETARG_VARLENA_PP(0), buffer);
    set_in_transit(was);
    PG_RETURN_TEXT_P(cstring_to_text_with_len(shown.data(), static_cast<int>(shown.size())));
}

extern "C" Datum email_send(PG_FUNCTION_ARGS)
{
    char buffer[kMaxShownOctets];
    std::string_view shown = shown_text(PG_GETARG_VARLENA_PP(0), buffer);
    StringInfoData buf;
    pq_begintypsend(&buf);
    pq_sendtext(&buf, shown.data(), static_cast<int>(shown.size()));
    PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

// listguard._transit_token(email) -> text: the value's transit token, for
// the catalog a Citus coordinator sends to its workers (canary addresses;
// pg/replica/citus_catalog.h), whose queries run out of transit.
extern "C" Datum lg_transit_token(PG_FUNCTION_ARGS)
{
    require_preload();
    char buffer[kMaxShownOctets];
    EmailBytes v = email_bytes(PG_GETARG_VARLENA_PP(0));
    ensure_keyring();
    std::string_view token = transit_text(v, listguard::sealed::stamp_of(v.data), buffer);
    PG_RETURN_TEXT_P(cstring_to_text_with_len(token.data(), static_cast<int>(token.size())));
}
