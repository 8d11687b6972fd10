#include "pg/audit/archived_head.h"

#include "pg/base/catalog.h"
#include "pg/base/guard.h"
#include "pg/keys/keyring.h"

extern "C" {
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
}

namespace listguard::pg {

bool archived_head_seal_valid(const ArchivedHead& head, const uint8* seal)
{
    ensure_keyring();
    return guarded([&] {
        SegmentHeader h;
        h.source = head.source;
        h.first_id = head.first_id;
        h.last_id = head.last_id;
        memcpy(h.entry_link, head.entry_link, kLinkSize);
        memcpy(h.exit_link, head.exit_link, kLinkSize);
        h.events = head.events;
        h.archived_at = head.archived_at;
        return segment_seal_valid(keyring().audit(), h, seal);
    });
}

ArchivedHead read_archived_head(bool fresh)
{
    ArchivedHead head;
    if (!OidIsValid(listguard_objects().audit_archives))
        return head;
    if (SPI_execute("SELECT segment, source, first_id, last_id, entry_link, exit_link, events, archived_at, seal "
                    "FROM listguard.audit_archives ORDER BY last_id DESC LIMIT 1",
                    !fresh, 1) != SPI_OK_SELECT)
        elog(ERROR, "could not read listguard.audit_archives");
    if (SPI_processed == 0)
        return head;
    HeapTuple row = SPI_tuptable->vals[0];
    TupleDesc desc = SPI_tuptable->tupdesc;
    bool isnull;
    head.present = true;
    strlcpy(head.segment, TextDatumGetCString(SPI_getbinval(row, desc, 1, &isnull)), sizeof head.segment);
    strlcpy(head.source, TextDatumGetCString(SPI_getbinval(row, desc, 2, &isnull)), sizeof head.source);
    head.first_id = DatumGetInt64(SPI_getbinval(row, desc, 3, &isnull));
    head.last_id = DatumGetInt64(SPI_getbinval(row, desc, 4, &isnull));
    bytea* entry = DatumGetByteaPP(SPI_getbinval(row, desc, 5, &isnull));
    bytea* exit = DatumGetByteaPP(SPI_getbinval(row, desc, 6, &isnull));
    head.events = DatumGetInt64(SPI_getbinval(row, desc, 7, &isnull));
    head.archived_at = DatumGetTimestampTz(SPI_getbinval(row, desc, 8, &isnull));
    bytea* seal = DatumGetByteaPP(SPI_getbinval(row, desc, 9, &isnull));
    if (VARSIZE_ANY_EXHDR(entry) != kLinkSize || VARSIZE_ANY_EXHDR(exit) != kLinkSize ||
        VARSIZE_ANY_EXHDR(seal) != kLinkSize)
        return head;
    memcpy(head.entry_link, VARDATA_ANY(entry), kLinkSize);
    memcpy(head.exit_link, VARDATA_ANY(exit), kLinkSize);
    head.sealed = archived_head_seal_valid(head, reinterpret_cast<const uint8*>(VARDATA_ANY(seal)));
    return head;
}

} // namespace listguard::pg
