#include "pg/audit/record.h"

#include "pg/base/guard.h"
#include "pg/base/keys.h"

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

const Oid kAuditColumnTypes[kAuditColumns] = {INT8OID,  TIMESTAMPTZOID, TEXTOID, TEXTOID,        TEXTOID,  INETOID,
                                              TEXTOID,  INT4OID,        INT8OID, INT8OID,        INT8OID,  TEXTOID,
                                              BYTEAARRAYOID, JSONBOID, JSONBOID, BYTEAOID, BYTEAOID};

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

// One field's canonical piece: raw octets, or null.
struct Piece {
    const char* data;
    size_t size;
    bool null;
    int64 number;
    bool is_number;
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
}

namespace {

void copy_text_datum(Datum value, bool isnull, char* out, size_t size)
{
    out[0] = '\0';
    if (!isnull)
        strlcpy(out, TextDatumGetCString(value), size);
}

} // namespace

void audit_event_from_row(const Datum* values, const bool* nulls, AuditEvent* e)
{
    memset(e, 0, sizeof *e);
    e->database = MyDatabaseId;
    const char* database = get_database_name(MyDatabaseId);
    strlcpy(e->database_name, database ? database : "", sizeof e->database_name);
    e->time = DatumGetTimestampTz(values[kLoggedAt]);
    copy_text_datum(values[kKind], nulls[kKind], e->kind, sizeof e->kind);
    copy_text_datum(values[kSessionUser], nulls[kSessionUser], e->session_user, sizeof e->session_user);
    copy_text_datum(values[kCurrentUser], nulls[kCurrentUser], e->current_user, sizeof e->current_user);
    if (!nulls[kClientAddr])
        strlcpy(e->client_addr, DatumGetCString(DirectFunctionCall1(inet_out, values[kClientAddr])),
                sizeof e->client_addr);
    copy_text_datum(values[kApplicationName], nulls[kApplicationName], e->application_name,
                    sizeof e->application_name);
    e->pid = DatumGetInt32(values[kBackendPid]);
    e->xid = nulls[kXid] ? 0 : static_cast<uint64>(DatumGetInt64(values[kXid]));
    e->has_account = !nulls[kAccount];
    e->account = e->has_account ? DatumGetInt64(values[kAccount]) : 0;
    e->has_list = !nulls[kList];
    e->list = e->has_list ? DatumGetInt64(values[kList]) : 0;
    copy_text_datum(values[kRelation], nulls[kRelation], e->relation, sizeof e->relation);
    if (!nulls[kEmailDigests]) {
        Datum* elems;
        bool* elem_nulls;
        int n;
        deconstruct_array(DatumGetArrayTypeP(values[kEmailDigests]), BYTEAOID, -1, false, TYPALIGN_INT, &elems,
                          &elem_nulls, &n);
        for (int i = 0; i < n && e->digest_count < kAuditMaxDigests; i++) {
            bytea* b = elem_nulls[i] ? nullptr : DatumGetByteaPP(elems[i]);
            if (b != nullptr && VARSIZE_ANY_EXHDR(b) == sealed::kDigestSize)
                memcpy(e->digests[e->digest_count++], VARDATA_ANY(b), sealed::kDigestSize);
        }
    }
    if (!nulls[kCounts]) {
        strlcpy(e->counts, DatumGetCString(DirectFunctionCall1(jsonb_out, values[kCounts])), sizeof e->counts);
        e->counts_length = strlen(e->counts);
    }
    strlcpy(e->detail, nulls[kDetail] ? "{}" : DatumGetCString(DirectFunctionCall1(jsonb_out, values[kDetail])),
            sizeof e->detail);
    e->detail_length = strlen(e->detail);
}

void audit_row_link(const Datum* values, const bool* nulls, uint8* link_out)
{
    // PostgreSQL side: every field as raw octets (numbers as numbers; inet
    // and jsonb through their output functions, which do not depend on any
    // setting; arrays of digests as their concatenated octets).
    Piece pieces[kAuditColumns];
    for (int i = 0; i < kLink; i++) {
        Piece& p = pieces[i];
        p = Piece{nullptr, 0, nulls[i], 0, false};
        if (nulls[i])
            continue;
        switch (i) {
        case kId:
        case kXid:
        case kAccount:
        case kList:
            p.is_number = true;
            p.number = DatumGetInt64(values[i]);
            break;
        case kLoggedAt:
            p.is_number = true;
            p.number = DatumGetTimestampTz(values[i]);
            break;
        case kBackendPid:
            p.is_number = true;
            p.number = DatumGetInt32(values[i]);
            break;
        case kClientAddr: {
            char* s = DatumGetCString(DirectFunctionCall1(inet_out, values[i]));
            p.data = s;
            p.size = strlen(s);
            break;
        }
        case kCounts:
        case kDetail: {
            char* s = DatumGetCString(DirectFunctionCall1(jsonb_out, values[i]));
            p.data = s;
            p.size = strlen(s);
            break;
        }
        case kEmailDigests: {
            ArrayType* array = DatumGetArrayTypeP(values[i]);
            Datum* elems;
            bool* elem_nulls;
            int n;
            deconstruct_array(array, BYTEAOID, -1, false, TYPALIGN_INT, &elems, &elem_nulls, &n);
            StringInfoData buf;
            initStringInfo(&buf);
            for (int j = 0; j < n; j++)
                if (!elem_nulls[j]) {
                    bytea* b = DatumGetByteaPP(elems[j]);
                    appendBinaryStringInfo(&buf, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
                }
            p.data = buf.data;
            p.size = buf.len;
            break;
        }
        default: { // text and bytea
            struct varlena* v = PG_DETOAST_DATUM_PACKED(values[i]);
            p.data = VARDATA_ANY(v);
            p.size = VARSIZE_ANY_EXHDR(v);
            break;
        }
        }
    }
    bytea* prev = DatumGetByteaPP(values[kPrevLink]);
    if (VARSIZE_ANY_EXHDR(prev) != kLinkSize)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("audit event has a malformed previous link")));
    uint8 previous[kLinkSize];
    memcpy(previous, VARDATA_ANY(prev), kLinkSize);

    ensure_keyring();
    guarded([&] {
        CanonicalEvent event;
        for (int i = 0; i < kLink; i++) {
            const Piece& p = pieces[i];
            if (p.null)
                event.add_null();
            else if (p.is_number)
                event.add_int64(p.number);
            else
                event.add_text(std::string_view(p.data, p.size));
        }
        chain_link(keyring().audit(), previous, event, link_out);
        return 0;
    });
}

} // namespace listguard::pg
