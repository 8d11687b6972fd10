// Re-sealing stored values under the current seal key, a batch of blocks of
// one table at a time (listguard.reseal_existing() drives it).
#include <openssl/crypto.h>

#include "pg/audit/events.h"
#include "pg/base/block_update.h"
#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/base/session_settings.h"
#include "pg/keys/keyring.h"
#include "pg/protect/protection.h"
#include "pg/protect/row_scope.h"
#include "pg/rotation/key_events.h"
#include "pg/type/stored_value.h"

#include "core/keys/keyring.h"

extern "C" {
#include "access/table.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(lg_resealed);
PG_FUNCTION_INFO_V1(lg_reseal_batch);
}

using namespace listguard;
using namespace listguard::pg;

// listguard._resealed(email) -> email: the same value under the current key.
// Public: it changes nothing a role could not copy anyway (stamp, digest
// and address stay), and table owners run it when their tables are resealed.
extern "C" Datum lg_resealed(PG_FUNCTION_ARGS)
{
    require_preload();
    struct varlena* raw = PG_GETARG_VARLENA_PP(0);
    EmailBytes v = email_bytes(raw);
    if (ensured_keyring().email().under_current_key(v.data))
        PG_RETURN_POINTER(raw);
    std::uint8_t out[sealed::kMaxSize];
    std::size_t size = guarded([&] { return keyring().email().reseal(v.data, v.size, out); });
    Datum result = email_datum(out, size);
    OPENSSL_cleanse(out, sizeof out);
    return result;
}

// listguard._reseal_batch(tbl, from_block, to_block) -> bigint: re-seals
// under the current key the values not under it in blocks [from, to) of one
// table. A protected table is rewritten as the extension owner (its code is
// vetted); any other table as its owner, in a security-restricted
// operation, so that none of its code runs with an administrator's rights.
// The table's ordinary triggers do not fire: nothing changes but the key.
extern "C" Datum lg_reseal_batch(PG_FUNCTION_ARGS)
{
    require_preload();
    Oid relid = PG_GETARG_OID(0);
    int64 from = PG_GETARG_INT64(1);
    int64 to = PG_GETARG_INT64(2);
    if (get_rel_relkind(relid) != RELKIND_RELATION)
        PG_RETURN_INT64(0);

    Relation rel = table_open(relid, AccessShareLock);
    const EmailColumns& cols = email_columns(rel);
    TupleDesc desc = RelationGetDescr(rel);
    Oid owner = rel->rd_rel->relowner;
    StringInfoData sets, stale;
    initStringInfo(&sets);
    initStringInfo(&stale);
    for (int c = 0; c < cols.count; c++) {
        const char* column = quote_identifier(NameStr(TupleDescAttr(desc, cols.attnums[c] - 1)->attname));
        appendStringInfo(&sets, "%s%s = listguard._resealed(%s)", c > 0 ? ", " : "", column, column);
        appendStringInfo(&stale, "%sNOT listguard._under_current_key(%s)", c > 0 ? " OR " : "", column);
    }
    char* table =
        quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)), RelationGetRelationName(rel));
    table_close(rel, AccessShareLock);
    if (cols.count == 0)
        PG_RETURN_INT64(0);

    // A table that is not protected runs its code as its owner.
    Oid as_user = protection_of(relid).is_protected ? InvalidOid : owner;
    int64 resealed = update_blocks(table, sets.data, from, to, stale.data, as_user, "re-seal");
    if (resealed > 0) {
        EventScope scope = table_scope(relid);
        scope.counts_json = psprintf("{\"resealed\": %lld}", static_cast<long long>(resealed));
        record_event(EventKind::Key,
                     psprintf("{\"action\": \"reseal\", \"key\": %s, \"blocks\": [%lld, %lld]}",
                              json_string(current_key_id()), static_cast<long long>(from), static_cast<long long>(to)),
                     scope);
    }
    PG_RETURN_INT64(resealed);
}
