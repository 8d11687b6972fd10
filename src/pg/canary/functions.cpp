// SQL functions of canaries: the row policies that hide them, the local-part styles
// plant_canaries() copies, address digests for tracing, and their events.
#include "pg/access/cache.h"
#include "pg/access/principals.h"
#include "pg/access/reveal.h"
#include "pg/audit/events.h"
#include "pg/audit/record.h"
#include "pg/base/array_elements.h"
#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/base/spi.h"
#include "pg/canary/registry.h"
#include "pg/canary/summaries.h"
#include "pg/keys/keyring.h"
#include "pg/type/stored_value.h"

#include "core/canary/local_part.h"
#include "core/canary/loose_address.h"
#include "core/canary/reveal_summary.h"
#include "core/email/address.h"
#include "core/base/error.h"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/date.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(lg_can_read_row);
PG_FUNCTION_INFO_V1(lg_can_write_row);
PG_FUNCTION_INFO_V1(lg_local_part_style);
PG_FUNCTION_INFO_V1(lg_local_part_in_style);
PG_FUNCTION_INFO_V1(lg_local_part_template);
PG_FUNCTION_INFO_V1(lg_local_part_from_template);
PG_FUNCTION_INFO_V1(lg_names_for_local_part);
PG_FUNCTION_INFO_V1(lg_value_digest);
PG_FUNCTION_INFO_V1(lg_as_canary);
PG_FUNCTION_INFO_V1(lg_canary_in_record);
PG_FUNCTION_INFO_V1(lg_canary_reveal_count);
PG_FUNCTION_INFO_V1(lg_revealed_by);
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
    text* style = guarded([&]() -> text* {
        std::string made = keyring().email().with_address(v.data, v.size, [](std::string_view address) {
            std::size_t at = address.rfind('@');
            return local_part_style(address.substr(0, at == std::string_view::npos ? 0 : at));
        });
        return made.empty() ? nullptr : postgres_text(made);
    });
    if (style == nullptr)
        PG_RETURN_NULL();
    PG_RETURN_TEXT_P(style);
}

// listguard._local_part_in_style(style) -> text: a new local part in that
// style, from a strong random source.
extern "C" Datum lg_local_part_in_style(PG_FUNCTION_ARGS)
{
    require_preload();
    char* style = text_to_cstring(PG_GETARG_TEXT_PP(0));
    PG_RETURN_TEXT_P(guarded([&] {
        std::string made = local_part_in_style(style, [](std::uint32_t bound) {
            std::uint32_t r;
            if (!pg_strong_random(&r, sizeof r))
                throw Error(ErrorKind::Internal, "could not generate random bytes");
            return r % bound;
        });
        if (made.empty())
            postgres_call([&] {
                ereport(ERROR,
                        (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("invalid local part style \"%s\"", style)));
            });
        return postgres_text(made);
    }));
}

namespace {

// Plain copies of a text[] argument (no C++ object lives across the
// PostgreSQL calls that read it).
struct TextArray {
    char** items;
    int* sizes;
    int count;
};

TextArray text_array_arg(ArrayType* array)
{
    ArrayElements elements = array_elements(PointerGetDatum(array), TEXTOID);
    TextArray out;
    out.count = elements.count;
    out.items = static_cast<char**>(palloc(sizeof(char*) * Max(out.count, 1)));
    out.sizes = static_cast<int*>(palloc(sizeof(int) * Max(out.count, 1)));
    for (int i = 0; i < out.count; i++) {
        text* t = elements.nulls[i] ? nullptr : DatumGetTextPP(elements.values[i]);
        out.items[i] = t == nullptr ? pstrdup("") : VARDATA_ANY(t);
        out.sizes[i] = t == nullptr ? 0 : static_cast<int>(VARSIZE_ANY_EXHDR(t));
    }
    return out;
}

std::vector<std::string> strings_of(const TextArray& a)
{
    std::vector<std::string> out;
    for (int i = 0; i < a.count; i++)
        out.emplace_back(a.items[i], static_cast<std::size_t>(a.sizes[i]));
    return out;
}

std::string_view local_part_of(std::string_view address)
{
    std::size_t at = address.rfind('@');
    return address.substr(0, at == std::string_view::npos ? 0 : at);
}

} // namespace

// listguard._local_part_template(email, names text[]) -> text: how the
// value's local part is made from the row's names (core/canary/local_part.h),
// never the address; null for a local part with no template. For
// plant_canaries() only (elevated).
extern "C" Datum lg_local_part_template(PG_FUNCTION_ARGS)
{
    require_preload();
    EmailBytes v = email_bytes(PG_GETARG_VARLENA_PP(0));
    TextArray names = text_array_arg(PG_GETARG_ARRAYTYPE_P(1));
    ensure_keyring();
    char out[256];
    guarded([&] {
        std::string made = keyring().email().with_address(v.data, v.size, [&](std::string_view address) {
            return local_part_template(local_part_of(address), strings_of(names));
        });
        strlcpy(out, made.c_str(), sizeof out);
    });
    if (out[0] == '\0')
        PG_RETURN_NULL();
    PG_RETURN_TEXT_P(cstring_to_text(out));
}

// listguard._local_part_from_template(template text, names text[]) -> text:
// a local part made in the template from a row's names, or null.
extern "C" Datum lg_local_part_from_template(PG_FUNCTION_ARGS)
{
    require_preload();
    char* tmpl = text_to_cstring(PG_GETARG_TEXT_PP(0));
    TextArray names = text_array_arg(PG_GETARG_ARRAYTYPE_P(1));
    char out[256];
    guarded([&] {
        std::string made = local_part_from_template(tmpl, strings_of(names), [](std::uint32_t bound) {
            std::uint32_t r;
            if (!pg_strong_random(&r, sizeof r))
                throw Error(ErrorKind::Internal, "could not generate random bytes");
            return r % bound;
        });
        strlcpy(out, made.c_str(), sizeof out);
    });
    if (out[0] == '\0')
        PG_RETURN_NULL();
    PG_RETURN_TEXT_P(cstring_to_text(out));
}

// listguard._names_for_local_part(email, template text, names text[], known
// text[]) -> text[]: the names a row would have if the value's local part (a
// canary mailbox's) was made from them in the template (known: the list's
// names, for initials), or null if it was not.
extern "C" Datum lg_names_for_local_part(PG_FUNCTION_ARGS)
{
    require_preload();
    EmailBytes v = email_bytes(PG_GETARG_VARLENA_PP(0));
    char* tmpl = text_to_cstring(PG_GETARG_TEXT_PP(1));
    TextArray names = text_array_arg(PG_GETARG_ARRAYTYPE_P(2));
    TextArray known = text_array_arg(PG_GETARG_ARRAYTYPE_P(3));
    ensure_keyring();
    constexpr int kRoom = 256;
    char(*out)[kRoom] = static_cast<char(*)[kRoom]>(palloc0(kRoom * Max(names.count, 1)));
    bool fits = guarded([&] {
        std::vector<std::string> fitted = keyring().email().with_address(v.data, v.size, [&](std::string_view address) {
            return names_for_local_part(local_part_of(address), tmpl, strings_of(names), strings_of(known),
                                        [](std::uint32_t bound) {
                                            std::uint32_t r;
                                            if (!pg_strong_random(&r, sizeof r))
                                                throw Error(ErrorKind::Internal, "could not generate random bytes");
                                            return r % bound;
                                        });
        });
        if (fitted.size() != static_cast<std::size_t>(names.count))
            return false;
        for (int i = 0; i < names.count; i++)
            strlcpy(out[i], fitted[i].c_str(), kRoom);
        return true;
    });
    if (!fits)
        PG_RETURN_NULL();
    Datum* items = static_cast<Datum*>(palloc(sizeof(Datum) * Max(names.count, 1)));
    for (int i = 0; i < names.count; i++)
        items[i] = CStringGetTextDatum(out[i]);
    PG_RETURN_ARRAYTYPE_P(construct_array(items, names.count, TEXTOID, -1, false, TYPALIGN_INT));
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
// listguard 0.2's function, which its scripts still create (an update from
// 0.1 or 0.2 runs them with this library): 1 if a record notes the canary
// by its id (as 0.2's records do), else 0.
extern "C" Datum lg_canary_reveal_count(PG_FUNCTION_ARGS)
{
    require_preload();
    char* record = text_to_cstring(PG_GETARG_TEXT_PP(0));
    int64 id = PG_GETARG_INT64(1);
    ensure_keyring();
    int64 count = guarded([&]() -> int64 {
        try {
            return keyring().canary_reveals().notes(record, id, -1, false) ? 1 : 0;
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::InvalidText)
                throw;
            return 0;
        }
    });
    PG_RETURN_INT64(count);
}

// listguard._canary_in_record(record text, canary_id bigint, slot integer,
// own_account boolean) -> boolean: whether a clear_reveal event's sealed
// record notes that canary (by its slot when the event is in the canary's
// own account, else by id); false for anything that is no such record.
extern "C" Datum lg_canary_in_record(PG_FUNCTION_ARGS)
{
    require_preload();
    char* record = text_to_cstring(PG_GETARG_TEXT_PP(0));
    int64 id = PG_GETARG_INT64(1);
    int64 slot = PG_ARGISNULL(2) ? -1 : PG_GETARG_INT32(2);
    bool own_account = PG_GETARG_BOOL(3);
    ensure_keyring();
    bool noted = guarded([&]() -> bool {
        try {
            return keyring().canary_reveals().notes(record, id, slot, own_account);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::InvalidText)
                throw;
            return false;
        }
    });
    PG_RETURN_BOOL(noted);
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
    std::string_view line(VARDATA_ANY(input), VARSIZE_ANY_EXHDR(input));
    std::string_view found = guarded([&] { return address_in_line(line); });
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
    PG_RETURN_TEXT_P(guarded([&] {
        std::string domain = keyring().email().with_address(v.data, v.size, [](std::string_view address) {
            std::string canonical(parse_address(address).canonical());
            return canonical.substr(canonical.rfind('@') + 1);
        });
        return postgres_text(domain);
    }));
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

// listguard._revealed_by(loose_digest bytea, roles regrole[], since date)
// -> (role regrole, first_day date, last_day date): which of the roles read
// the address with that loose digest in clear, from day `since` on, and on
// which days first and last, as the reveal summaries say (a false positive
// now and then, about one in a thousand a day).
extern "C" Datum lg_revealed_by(PG_FUNCTION_ARGS)
{
    require_preload();
    InitMaterializedSRF(fcinfo, 0);
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    bytea* digest = PG_GETARG_BYTEA_PP(0);
    if (VARSIZE_ANY_EXHDR(digest) != sealed::kDigestSize)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("not a listguard address digest")));
    uint64 key = summary_key(reinterpret_cast<const uint8*>(VARDATA_ANY(digest)));
    ArrayElements role_items = array_elements(PG_GETARG_DATUM(1), REGROLEOID);
    int role_count = role_items.count;
    Oid* roles = static_cast<Oid*>(palloc(sizeof(Oid) * Max(role_count, 1)));
    for (int i = 0; i < role_count; i++)
        roles[i] = role_items.nulls[i] ? InvalidOid : DatumGetObjectId(role_items.values[i]);
    DateADT since = PG_GETARG_DATEADT(2);
    connect_spi();
    RoleSummaries* summaries = load_role_summaries(roles, role_count, since);
    for (int i = 0; i < role_count; i++) {
        const RoleSummaries& s = summaries[i];
        DateADT first = DATEVAL_NOEND, last = DATEVAL_NOBEGIN;
        for (int f = 0; f < s.filter_count; f++) {
            if (summary_contains(s.filters[f].bits, s.filters[f].octets, key)) {
                first = Min(first, s.filters[f].day);
                last = Max(last, s.filters[f].day);
            }
        }
        for (int p = 0; p < s.pending_count; p++) {
            if (s.pending[p] == key) {
                first = Min(first, s.pending_day[p]);
                last = Max(last, s.pending_day[p]);
            }
        }
        if (first == DATEVAL_NOEND)
            continue;
        Datum values[3] = {ObjectIdGetDatum(roles[i]), DateADTGetDatum(first), DateADTGetDatum(last)};
        bool nulls[3] = {false, false, false};
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    SPI_finish();
    return static_cast<Datum>(0);
}
