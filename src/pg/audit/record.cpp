#include "pg/audit/record.h"

#include "pg/base/array_elements.h"
#include "pg/base/clipped_text.h"
#include "pg/base/guard.h"
#include "pg/keys/keyring.h"

#include "core/email/sealed_email.h"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "commands/dbcommands.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/inet.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
}

namespace listguard::pg {

const Oid kAuditColumnTypes[kAuditColumns] = {
    INT8OID, TIMESTAMPTZOID, TEXTOID,       TEXTOID,  TEXTOID,  INETOID,  TEXTOID,  INT4OID, INT8OID, INT8OID,
    INT8OID, TEXTOID,        BYTEAARRAYOID, JSONBOID, JSONBOID, BYTEAOID, BYTEAOID, TEXTOID, INT2OID};

Datum bytea_datum(const uint8* data, size_t size)
{
    bytea* b = static_cast<bytea*>(palloc(VARHDRSZ + size));
    SET_VARSIZE(b, VARHDRSZ + size);
    memcpy(VARDATA(b), data, size);
    return PointerGetDatum(b);
}

namespace {

Datum text_or_null(const char* s, bool* isnull)
{
    *isnull = s == nullptr || s[0] == '\0';
    return *isnull ? 0 : CStringGetTextDatum(s);
}

// One field's canonical piece, gathered from PostgreSQL data before the
// core encodes it.
struct Piece {
    enum Kind : uint8 { Null, Number, Text, Array } kind;
    const char* data;
    size_t size;
    int64 number; // Number: the value; Array: the element count
};

} // namespace

void audit_row_from_event(const AuditEvent& e, int64 id, const uint8* prev_link, Datum* values, bool* nulls)
{
    for (int i = 0; i < kAuditColumns; i++)
        nulls[i] = false;
    values[kId] = Int64GetDatum(id);
    values[kLoggedAt] = TimestampTzGetDatum(e.time);
    values[kKind] = CStringGetTextDatum(e.kind);
    values[kSessionUser] = CStringGetTextDatum(e.session_user);
    values[kCurrentUser] = CStringGetTextDatum(e.current_user);
    nulls[kClientAddr] = e.client_addr[0] == '\0';
    values[kClientAddr] = nulls[kClientAddr] ? 0 : DirectFunctionCall1(inet_in, CStringGetDatum(e.client_addr));
    values[kApplicationName] = text_or_null(e.application_name, &nulls[kApplicationName]);
    values[kBackendPid] = Int32GetDatum(e.pid);
    nulls[kXid] = e.xid == 0;
    values[kXid] = Int64GetDatum(static_cast<int64>(e.xid));
    nulls[kAccount] = !e.has_account;
    values[kAccount] = Int64GetDatum(e.account);
    nulls[kList] = !e.has_list;
    values[kList] = Int64GetDatum(e.list);
    values[kRelation] = text_or_null(e.relation, &nulls[kRelation]);
    nulls[kEmailDigests] = e.digest_count == 0;
    if (e.digest_count > 0) {
        Datum digests[kAuditMaxDigests];
        for (int i = 0; i < e.digest_count; i++)
            digests[i] = bytea_datum(e.digests[i], sealed::kDigestSize);
        values[kEmailDigests] =
            PointerGetDatum(construct_array(digests, e.digest_count, BYTEAOID, -1, false, TYPALIGN_INT));
    }
    nulls[kCounts] = e.counts_length == 0;
    values[kCounts] = nulls[kCounts] ? 0 : DirectFunctionCall1(jsonb_in, CStringGetDatum(e.counts));
    values[kDetail] = DirectFunctionCall1(jsonb_in, CStringGetDatum(e.detail));
    values[kPrevLink] = bytea_datum(prev_link, kLinkSize);
    nulls[kLink] = true;
    values[kLink] = 0;
    values[kOrigin] = text_or_null(e.origin, &nulls[kOrigin]);
    values[kFormat] = Int16GetDatum(static_cast<int16>(kCurrentChainEncoding));
}

namespace {

void copy_text_datum(Datum value, bool isnull, char* out, size_t size)
{
    out[0] = '\0';
    if (!isnull)
        copy_clipped(out, size, TextDatumGetCString(value));
}

// jsonb prints with spaces its input may not have had: a document that no
// longer fits is replaced by one that says so, never cut (a cut document is
// not JSON, and a dump holding it would not restore).
void copy_json_datum(Datum value, char* out, size_t size)
{
    const char* json = DatumGetCString(DirectFunctionCall1(jsonb_out, value));
    size_t length = strlen(json);
    if (length < size)
        memcpy(out, json, length + 1);
    else
        snprintf(out, size, "{\"truncated\": true, \"length\": %zu}", length);
}

} // namespace

void audit_event_from_row(const Datum* values, const bool* nulls, AuditEvent* e)
{
    memset(e, 0, sizeof *e);
    e->database = MyDatabaseId;
    const char* database = get_database_name(MyDatabaseId);
    copy_clipped(e->database_name, sizeof e->database_name, database);
    e->time = DatumGetTimestampTz(values[kLoggedAt]);
    copy_text_datum(values[kKind], nulls[kKind], e->kind, sizeof e->kind);
    copy_text_datum(values[kSessionUser], nulls[kSessionUser], e->session_user, sizeof e->session_user);
    copy_text_datum(values[kCurrentUser], nulls[kCurrentUser], e->current_user, sizeof e->current_user);
    if (!nulls[kClientAddr])
        strlcpy(e->client_addr, DatumGetCString(DirectFunctionCall1(inet_out, values[kClientAddr])),
                sizeof e->client_addr);
    copy_text_datum(values[kApplicationName], nulls[kApplicationName], e->application_name, sizeof e->application_name);
    e->pid = DatumGetInt32(values[kBackendPid]);
    e->xid = nulls[kXid] ? 0 : static_cast<uint64>(DatumGetInt64(values[kXid]));
    e->has_account = !nulls[kAccount];
    e->account = e->has_account ? DatumGetInt64(values[kAccount]) : 0;
    e->has_list = !nulls[kList];
    e->list = e->has_list ? DatumGetInt64(values[kList]) : 0;
    copy_text_datum(values[kRelation], nulls[kRelation], e->relation, sizeof e->relation);
    if (!nulls[kEmailDigests]) {
        ArrayElements digests = array_elements(values[kEmailDigests], BYTEAOID);
        for (int i = 0; i < digests.count && e->digest_count < kAuditMaxDigests; i++) {
            bytea* b = digests.nulls[i] ? nullptr : DatumGetByteaPP(digests.values[i]);
            if (b != nullptr && VARSIZE_ANY_EXHDR(b) == sealed::kDigestSize)
                memcpy(e->digests[e->digest_count++], VARDATA_ANY(b), sealed::kDigestSize);
        }
    }
    if (!nulls[kCounts]) {
        copy_json_datum(values[kCounts], e->counts, sizeof e->counts);
        e->counts_length = strlen(e->counts);
    }
    copy_text_datum(values[kOrigin], nulls[kOrigin], e->origin, sizeof e->origin);
    if (nulls[kDetail])
        strlcpy(e->detail, "{}", sizeof e->detail);
    else
        copy_json_datum(values[kDetail], e->detail, sizeof e->detail);
    e->detail_length = strlen(e->detail);
}

namespace {

// The encoding an event was linked with: its format column (version 1 for
// events of listguard 0.1, which has none).
ChainEncoding encoding_of(const Datum* values, const bool* nulls)
{
    if (nulls[kFormat] || DatumGetInt16(values[kFormat]) == 1)
        return ChainEncoding::V1;
    if (DatumGetInt16(values[kFormat]) != 2)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                        errmsg("audit event has unknown format %d", DatumGetInt16(values[kFormat])),
                        errhint("A newer listguard wrote it; update the extension.")));
    return ChainEncoding::V2;
}

Piece text_piece(const char* data, size_t size)
{
    return Piece{Piece::Text, data, size, 0};
}

} // namespace

void audit_row_link(const Datum* values, const bool* nulls, uint8* link_out, StringInfo canonical,
                    ChainEncoding* encoding_out)
{
    ChainEncoding encoding = encoding_of(values, nulls);
    if (encoding_out != nullptr)
        *encoding_out = encoding;
    // Version 1 covers the columns of listguard 0.1 (up to prev_link);
    // version 2 every column but the link.
    int columns = encoding == ChainEncoding::V1 ? kLink : kAuditColumns;
    int capacity = columns + 16;
    int n = 0;
    Piece* pieces = static_cast<Piece*>(palloc(sizeof(Piece) * capacity));
    auto add = [&](Piece p) {
        if (n == capacity) {
            capacity *= 2;
            pieces = static_cast<Piece*>(repalloc(pieces, sizeof(Piece) * capacity));
        }
        pieces[n++] = p;
    };
    // Numbers as numbers; inet and jsonb through their output functions,
    // which depend on no setting; text and bytea as their octets.
    for (int i = 0; i < columns; i++) {
        if (i == kLink)
            continue;
        if (nulls[i]) {
            add(Piece{Piece::Null, nullptr, 0, 0});
            continue;
        }
        switch (i) {
        case kId:
        case kXid:
        case kAccount:
        case kList:
            add(Piece{Piece::Number, nullptr, 0, DatumGetInt64(values[i])});
            break;
        case kLoggedAt:
            add(Piece{Piece::Number, nullptr, 0, DatumGetTimestampTz(values[i])});
            break;
        case kBackendPid:
            add(Piece{Piece::Number, nullptr, 0, DatumGetInt32(values[i])});
            break;
        case kFormat:
            add(Piece{Piece::Number, nullptr, 0, DatumGetInt16(values[i])});
            break;
        case kClientAddr:
        case kCounts:
        case kDetail: {
            char* text = DatumGetCString(DirectFunctionCall1(i == kClientAddr ? inet_out : jsonb_out, values[i]));
            add(text_piece(text, strlen(text)));
            break;
        }
        case kEmailDigests: {
            ArrayElements digests = array_elements(values[i], BYTEAOID);
            if (encoding == ChainEncoding::V1) { // the elements' octets, concatenated
                StringInfoData buf;
                initStringInfo(&buf);
                for (int j = 0; j < digests.count; j++)
                    if (!digests.nulls[j]) {
                        bytea* b = DatumGetByteaPP(digests.values[j]);
                        appendBinaryStringInfo(&buf, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
                    }
                add(text_piece(buf.data, buf.len));
                break;
            }
            add(Piece{Piece::Array, nullptr, 0, digests.count});
            for (int j = 0; j < digests.count; j++) {
                if (digests.nulls[j]) {
                    add(Piece{Piece::Null, nullptr, 0, 0});
                } else {
                    bytea* b = DatumGetByteaPP(digests.values[j]);
                    add(text_piece(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b)));
                }
            }
            break;
        }
        default: { // text and bytea
            struct varlena* v = PG_DETOAST_DATUM_PACKED(values[i]);
            add(text_piece(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v)));
            break;
        }
        }
    }
    bytea* prev = DatumGetByteaPP(values[kPrevLink]);
    if (VARSIZE_ANY_EXHDR(prev) != kLinkSize)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("audit event has a malformed previous link")));
    uint8 previous[kLinkSize];
    memcpy(previous, VARDATA_ANY(prev), kLinkSize);

    // Room for the canonical bytes, made before the C++ part (which may
    // not allocate PostgreSQL memory): each piece's encoding has a fixed
    // overhead in each version.
    if (canonical != nullptr) {
        size_t size = encoding == ChainEncoding::V1 ? 0 : 1;
        for (int i = 0; i < n; i++) {
            const Piece& p = pieces[i];
            if (encoding == ChainEncoding::V1)
                size += p.kind == Piece::Null ? 4 : p.kind == Piece::Number ? 12 : 4 + p.size;
            else
                size += p.kind == Piece::Null     ? 1
                        : p.kind == Piece::Number ? 9
                        : p.kind == Piece::Array  ? 5
                                                  : 5 + p.size;
        }
        enlargeStringInfo(canonical, static_cast<int>(size));
    }
    ensure_keyring();
    guarded([&] {
        CanonicalEvent event(encoding);
        for (int i = 0; i < n; i++) {
            const Piece& p = pieces[i];
            switch (p.kind) {
            case Piece::Null:
                event.add_null();
                break;
            case Piece::Number:
                event.add_int64(p.number);
                break;
            case Piece::Text:
                event.add_text(std::string_view(p.data, p.size));
                break;
            case Piece::Array:
                event.begin_array(static_cast<uint32_t>(p.number));
                break;
            }
        }
        chain_link(keyring().audit(), previous, event, link_out);
        if (canonical != nullptr) {
            const std::string& bytes = event.bytes();
            if (bytes.size() > static_cast<size_t>(canonical->maxlen - canonical->len - 1))
                throw Error(ErrorKind::Internal, "audit event encoding is longer than foreseen");
            memcpy(canonical->data + canonical->len, bytes.data(), bytes.size());
            canonical->len += static_cast<int>(bytes.size());
            canonical->data[canonical->len] = '\0';
        }
    });
}

} // namespace listguard::pg
