// SQL functions of canaries: the row policies that hide them, the local-part styles
// plant_canaries() copies, address digests for tracing, and their events.
#include "pg/access/cache.h"
#include "pg/access/principals.h"
#include "pg/access/reveal.h"
#include "pg/audit/events.h"
#include "pg/audit/record.h"
#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/canary/registry.h"
#include "pg/keys/keyring.h"
#include "pg/type/stored_value.h"

#include "core/canary/local_part.h"
#include "core/canary/loose_address.h"
#include "core/email/address.h"
#include "core/base/error.h"

extern "C" {
#include "utils/builtins.h"
#include "utils/jsonb.h"

PG_FUNCTION_INFO_V1(lg_can_read_row);
PG_FUNCTION_INFO_V1(lg_can_write_row);
PG_FUNCTION_INFO_V1(lg_local_part_style);
PG_FUNCTION_INFO_V1(lg_local_part_in_style);
PG_FUNCTION_INFO_V1(lg_value_digest);
PG_FUNCTION_INFO_V1(lg_as_canary);
PG_FUNCTION_INFO_V1(lg_canary_reveal_count);
PG_FUNCTION_INFO_V1(lg_loose_digest);
PG_FUNCTION_INFO_V1(lg_loose_digest_of);
PG_FUNCTION_INFO_V1(lg_address_domain);
PG_FUNCTION_INFO_V1(lg_address_in_line);
PG_FUNCTION_INFO_V1(lg_record_canary_event);
}

using namespace listguard;
using namespace listguard::pg;

// listguard.can_read(account, list, address) and can_write(account, list,
// address): the row policies of a table that holds canaries. As the
// two-argument forms, and a row whose address is, in its list, a canary of
// another role is seen by that role (and its members) and senders only. A
// row without an address is decided by its scope alone.
namespace {

Datum row_access(FunctionCallInfo fcinfo, bool write)
{
    require_preload();
    if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
        PG_RETURN_BOOL(false);
    Stamp scope{PG_GETARG_INT64(0), PG_GETARG_INT64(1)};
    Oid role = GetUserId();
    // A backup reads every row, canaries too (a restore must hold them),
    // whatever grants it also has.
    if (!write && reads_as_backup(role))
        PG_RETURN_BOOL(true);
    Access access = session_access(scope);
    if (!(write ? access.can_write : access.can_read))
        PG_RETURN_BOOL(false);
    // In a database without canaries the address is not even read.
    PG_RETURN_BOOL(PG_ARGISNULL(2) || !any_canaries() || row_visible(PG_GETARG_VARLENA_PP(2)));
}

} // namespace

extern "C" Datum lg_can_read_row(PG_FUNCTION_ARGS)
{
    return row_access(fcinfo, false);
}
extern "C" Datum lg_can_write_row(PG_FUNCTION_ARGS)
{
    return row_access(fcinfo, true);
}

// listguard._local_part_style(email) -> text: the shape of the value's
// local part (core/canary/local_part.h), never the address. For
// plant_canaries() only (elevated).
extern "C" Datum lg_local_part_style(PG_FUNCTION_ARGS)
{
    require_preload();
    EmailBytes v = email_bytes(PG_GETARG_VARLENA_PP(0));
    ensure_keyring();
    std::string style = guarded([&] {
        return keyring().email().with_address(v.data, v.size, [](std::string_view address) {
            std::size_t at = address.rfind('@');
            return local_part_style(address.substr(0, at == std::string_view::npos ? 0 : at));
        });
    });
    if (style.empty())
        PG_RETURN_NULL();
    PG_RETURN_TEXT_P(cstring_to_text_with_len(style.data(), static_cast<int>(style.size())));
}

// listguard._local_part_in_style(style) -> text: a new local part in that
// style, from a strong random source.
extern "C" Datum lg_local_part_in_style(PG_FUNCTION_ARGS)
{
    require_preload();
    char* style = text_to_cstring(PG_GETARG_TEXT_PP(0));
    std::string made = guarded([&] {
        return local_part_in_style(style, [](std::uint32_t bound) {
            std::uint32_t r;
            if (!pg_strong_random(&r, sizeof r))
                throw Error(ErrorKind::Internal, "could not generate random bytes");
            return r % bound;
        });
    });
    if (made.empty())
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("invalid local part style \"%s\"", style)));
    PG_RETURN_TEXT_P(cstring_to_text_with_len(made.data(), static_cast<int>(made.size())));
}

// listguard._as_canary(email) -> email: the value marked as a canary. For
// plant_canaries() only (elevated).
extern "C" Datum lg_as_canary(PG_FUNCTION_ARGS)
{
    require_preload();
    EmailBytes v = email_bytes(PG_GETARG_VARLENA_PP(0));
    ensure_keyring();
    std::uint8_t marked[sealed::kMaxSize];
    std::size_t size = guarded([&] { return keyring().email().as_canary(v.data, v.size, marked); });
    return email_datum(marked, size);
}

// listguard._canary_reveal_count(record text, canary_id bigint) -> bigint:
// reveals of that canary a clear_reveal event's sealed record holds (0 for
// anything that is no such record).
extern "C" Datum lg_canary_reveal_count(PG_FUNCTION_ARGS)
{
    require_preload();
    char* record = text_to_cstring(PG_GETARG_TEXT_PP(0));
    int64 id = PG_GETARG_INT64(1);
    ensure_keyring();
    int64 count = guarded([&]() -> int64 {
        try {
            return keyring().canary_reveals().open(record).count_of(id);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::InvalidText)
                throw;
            return 0;
        }
    });
    PG_RETURN_INT64(count);
}

// listguard._value_digest(email) -> bytea: the keyed digest equality uses.
extern "C" Datum lg_value_digest(PG_FUNCTION_ARGS)
{
    require_preload();
    EmailBytes v = email_bytes(PG_GETARG_VARLENA_PP(0));
    PG_RETURN_DATUM(bytea_datum(sealed::digest_of(v.data), sealed::kDigestSize));
}

// listguard._loose_digest(text) -> bytea: the keyed digest of the loose form
// (core/canary/loose_address.h) of the address in a line of a leaked file
// (a CSV row, "Name <address>", ...; any case, any spelling the type
// accepts, +tags, Gmail dots), or null if the line holds no address.
extern "C" Datum lg_loose_digest(PG_FUNCTION_ARGS)
{
    require_preload();
    text* input = PG_GETARG_TEXT_PP(0);
    std::string_view address(VARDATA_ANY(input), VARSIZE_ANY_EXHDR(input));
    ensure_keyring();
    uint8 digest[sealed::kDigestSize];
    bool ok = guarded([&] {
        std::string_view found = address_in_line(address);
        if (found.empty())
            return false;
        std::string loose;
        try {
            loose = loose_form(parse_address(found).canonical());
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::InvalidText)
                throw;
            return false;
        }
        keyring().email().digest(loose, digest);
        return true;
    });
    if (!ok)
        PG_RETURN_NULL();
    PG_RETURN_DATUM(bytea_datum(digest, sizeof digest));
}

// listguard._address_in_line(text) -> text: the address-like field of a
// line of a leaked file (core/canary/loose_address.h), or null.
extern "C" Datum lg_address_in_line(PG_FUNCTION_ARGS)
{
    require_preload();
    text* input = PG_GETARG_TEXT_PP(0);
    std::string_view found = address_in_line(std::string_view(VARDATA_ANY(input), VARSIZE_ANY_EXHDR(input)));
    if (found.empty())
        PG_RETURN_NULL();
    PG_RETURN_TEXT_P(cstring_to_text_with_len(found.data(), static_cast<int>(found.size())));
}

// listguard._loose_digest_of(email) -> bytea: the same for a stored value.
extern "C" Datum lg_loose_digest_of(PG_FUNCTION_ARGS)
{
    require_preload();
    EmailBytes v = email_bytes(PG_GETARG_VARLENA_PP(0));
    ensure_keyring();
    uint8 digest[sealed::kDigestSize];
    guarded([&] {
        keyring().email().with_address(v.data, v.size, [&](std::string_view address) {
            keyring().email().digest(loose_form(parse_address(address).canonical()), digest);
            return 0;
        });
        return 0;
    });
    PG_RETURN_DATUM(bytea_datum(digest, sizeof digest));
}

// listguard._address_domain(email) -> text: the domain of a stored value's
// address, lower case (for trace_leak(): the domains canaries were made at).
extern "C" Datum lg_address_domain(PG_FUNCTION_ARGS)
{
    require_preload();
    EmailBytes v = email_bytes(PG_GETARG_VARLENA_PP(0));
    ensure_keyring();
    std::string domain = guarded([&] {
        return keyring().email().with_address(v.data, v.size, [](std::string_view address) {
            std::string canonical(parse_address(address).canonical());
            return canonical.substr(canonical.rfind('@') + 1);
        });
    });
    PG_RETURN_TEXT_P(cstring_to_text_with_len(domain.data(), static_cast<int>(domain.size())));
}

// listguard._record_canary_event(action, canary_id, account, list, detail,
// address): a "canary" event; the address only as its digest.
extern "C" Datum lg_record_canary_event(PG_FUNCTION_ARGS)
{
    require_preload();
    EventScope scope;
    if (!PG_ARGISNULL(5)) {
        EmailBytes v = email_bytes(PG_GETARG_VARLENA_PP(5));
        scope.digests = sealed::digest_of(v.data);
        scope.digest_count = 1;
    }
    record_action_event(fcinfo, EventKind::Canary, "canary", scope);
    PG_RETURN_VOID();
}
