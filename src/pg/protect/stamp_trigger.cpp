// The BEFORE INSERT OR UPDATE OR DELETE row trigger that listguard.protect()
// installs: it stamps every listguard.email value of the row with the row's
// account and list, and refuses to move a value that already belongs to
// another scope unless the current role may see it in clear where it came
// from (otherwise masked access to one list and clear access to another
// would launder addresses from the first into the second). It also counts
// the row for the statement's audit event (audit => 'statement').
#include "pg/access/cache.h"
#include "pg/access/principals.h"
#include "pg/audit/reveal_spool.h"
#include "pg/audit/statement_counts.h"
#include "pg/canary/registry.h"
#include "pg/audit/events.h"
#include "pg/base/catalog.h"
#include "pg/base/guard.h"
#include "pg/keys/keyring.h"
#include "pg/base/preload.h"
#include "pg/protect/copy_from.h"
#include "pg/citus/citus.h"
#include "pg/protect/protection.h"
#include "pg/protect/row_scope.h"
#include "pg/quota/charge.h"
#include "pg/type/fresh_nonce.h"
#include "pg/type/stored_value.h"

extern "C" {
#include "access/htup_details.h"
#include "access/genam.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "lib/stringinfo.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"

PG_FUNCTION_INFO_V1(lg_stamp_trigger);
}

using namespace listguard;
using namespace listguard::pg;

namespace {

// Moving a value from the scope it belongs to into another reveals it there:
// the role must see it in clear at its source, and the move is charged to
// that grant's export quota like any other clear reveal (a used-up quota
// refuses the move, whatever on_exceed says: a move cannot be masked).
void require_clear_at_source(Relation rel, EmailBytes v, Stamp source, Stamp target)
{
    // With a principal in force, its grant (and its application's) is charged too.
    Grant principal_grant, application_grant;
    Access from = session_access(source, &principal_grant, &application_grant);
    bool quota_left = true;
    if (from.reveal == RevealLevel::Clear) {
        quota_left = charge_clear_reveal(principal_grant) && charge_clear_reveal(application_grant) &&
                     charge_clear_reveal(from.grant);
        if (quota_left) {
            ensure_keyring();
            uint64 key = guarded([&] {
                return keyring().email().with_address(
                    v.data, v.size, [&](std::string_view address) { return reveal_summary_key(v, address); });
            });
            Canary canary{};
            bool own = own_canary_of(v.data, v.size, &canary);
            RevealedCanary revealed{canary.id, canary.account, canary.slot};
            count_clear_reveal(from.grant, source, own ? &revealed : nullptr, key, principal_grant.id);
            return;
        }
    }
    EventScope scope = scope_of(target, RelationGetRelid(rel));
    scope.digests = sealed::digest_of(v.data);
    scope.digest_count = 1;
    record_event(EventKind::Denied,
                 psprintf("{\"reason\": \"laundering\", \"from_account\": %lld, \"from_list\": %lld}",
                          static_cast<long long>(source.account), static_cast<long long>(source.list)),
                 scope);
    if (source == Stamp{})
        ereport(ERROR,
                (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                 errmsg("permission denied to move an unstamped listguard.email value into account %lld list %lld",
                        static_cast<long long>(target.account), static_cast<long long>(target.list)),
                 errdetail("The value belongs to no account: it was stored before its table was protected, or in a "
                           "table that is not protected. Only a role with clear access to every account may move "
                           "it."),
                 errhint("Insert the address itself (typed, a parameter, or text cast by this role), or "
                         "have an administrator protect the table it is in.")));
    ereport(ERROR,
            (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
             errmsg("permission denied to move a listguard.email value from account %lld list %lld to account %lld "
                    "list %lld",
                    static_cast<long long>(source.account), static_cast<long long>(source.list),
                    static_cast<long long>(target.account), static_cast<long long>(target.list)),
             quota_left ? errdetail("Role \"%s\" may not see the address in clear where it comes from, so it may not "
                                    "copy it into another account or list.",
                                    GetUserNameFromId(GetUserId(), false))
                        : errdetail("Role \"%s\" has used up its export quota where the address comes from, so it may "
                                    "not copy it into another account or list.",
                                    GetUserNameFromId(GetUserId(), false)),
             errhint("Insert the address itself, or have a role with clear access to the source copy it.")));
}

// The insert policy's check of a row a protected COPY writes: the role (and
// the principal in force) may write rows of its scope. The refusal names
// the scope, never an address; the COPY's line is in the error's context.
void check_copied_row(Relation rel, Stamp target)
{
    if (session_access(target).can_write)
        return;
    record_event(EventKind::Denied, "{\"reason\": \"copy from outside the grant\"}",
                 scope_of(target, RelationGetRelid(rel)));
    const Principal* principal = principal_in_force();
    const char* role = GetUserNameFromId(GetUserId(), false);
    long long account = static_cast<long long>(target.account), list = static_cast<long long>(target.list);
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("new row violates row-level security policy \"listguard_insert\" for table \"%s\"",
                           RelationGetRelationName(rel)),
                    principal == nullptr
                        ? errdetail("Role \"%s\" may not write rows of account %lld list %lld.", role, account, list)
                        : errdetail("Role \"%s\" acting for principal \"%s\" may not write rows of account "
                                    "%lld list %lld.",
                                    role, principal->name, account, list),
                    errhint("The row's line is in the context below; the COPY wrote nothing.")));
}

// The value to write in place of v (stamped `source`, or fresh) in a row of
// scope `target`, into out: its size. A fresh address (typed, loaded, cast
// from text in this transaction) goes anywhere; any other value only where
// its role could see it in clear (an unstamped one: every account).
std::size_t stamped_value(Relation rel, EmailBytes v, Stamp source, Stamp target, bool fresh, std::uint8_t* out)
{
    if (source != target && !fresh)
        require_clear_at_source(rel, v, source, target);
    // Its role writing a canary's address again (SET email =
    // email::text, a DELETE and INSERT, there and back) writes the
    // canary: it cannot turn its canaries into ordinary rows.
    bool keep_mark =
        own_canary_address(v.data) && !guarded([&] { return keyring().email().is_canary(v.data, v.size); });
    // Written under the current key too: after a key rotation,
    // every write leaves the old key behind.
    return guarded([&] {
        std::size_t n = keyring().email().restamp(v.data, v.size, target, out);
        if (!keep_mark)
            return n;
        std::uint8_t unmarked[sealed::kMaxSize];
        memcpy(unmarked, out, n);
        return keyring().email().as_canary(unmarked, n, out);
    });
}

} // namespace

namespace listguard::pg {

void check_and_stamp_copied_row(Relation rel, const Protection& protection, Datum* values, bool* nulls)
{
    Stamp target = row_scope(rel, values, nulls, protection);
    check_copied_row(rel, target);
    ensure_keyring();
    const EmailColumns& cols = email_columns(rel);
    for (int c = 0; c < cols.count; c++) {
        int i = cols.attnums[c] - 1;
        if (nulls[i])
            continue;
        EmailBytes v = email_bytes(reinterpret_cast<struct varlena*>(PG_DETOAST_DATUM_PACKED(values[i])));
        Stamp stored = sealed::stamp_of(v.data);
        // Sealed with its row's stamp as COPY read it (pg/protect/copy_from.cpp),
        // or a token of this scope: kept, unless it is one of its role's
        // canaries, which stamped_value() marks as such.
        if (stored == target && ensured_keyring().email().under_current_key(v.data) && !own_canary_address(v.data))
            continue;
        std::uint8_t restamped[sealed::kMaxSize];
        std::size_t size = stamped_value(rel, v, stored, target, is_fresh(sealed::fresh_nonce_of(v.data)), restamped);
        values[i] = email_datum(restamped, size);
    }
    if (protection.audit == 's')
        count_row_change(RelationGetRelid(rel), 'i', target);
}

} // namespace listguard::pg

extern "C" Datum lg_stamp_trigger(PG_FUNCTION_ARGS)
{
    require_preload();
    TriggerData* data = trigger_call(fcinfo, "listguard.stamp_trigger()");
    Relation rel = data->tg_relation;
    // Only as the trigger protect() installs, on a protected table: its
    // columns and audit level come from listguard.protected_tables, never
    // from the trigger's arguments.
    Protection protection = protection_of(RelationGetRelid(rel));
    if (!TRIGGER_FIRED_BEFORE(data->tg_event) || !TRIGGER_FIRED_FOR_ROW(data->tg_event) ||
        !is_name_on_shard(data->tg_trigger->tgname, "listguard_stamp", RelationGetRelid(rel)) ||
        !protection.is_protected)
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("listguard.stamp_trigger() may only run as the trigger listguard.protect() installs"),
                        errdetail("It fired as trigger \"%s\" on table %s.", data->tg_trigger->tgname,
                                  RelationGetRelationName(rel))));

    TupleDesc desc = RelationGetDescr(rel);
    char op = row_op(data->tg_event);
    HeapTuple tuple = op == 'u' ? data->tg_newtuple : data->tg_trigtuple;
    Stamp target = row_scope(rel, tuple, protection);
    // A row of a COPY FROM under row security: the insert policy's check,
    // which COPY does not run (pg/protect/copy_from.h).
    if (op == 'i' && in_protected_copy(rel)) {
        check_copied_row(rel, target);
        count_checked_copy_row();
    }
    if (op != 'd') {
        ensure_keyring();
        int natts = desc->natts;
        Datum* values = nullptr;
        bool* nulls = nullptr;
        bool* replace = nullptr;
        const EmailColumns& cols = email_columns(rel);
        for (int c = 0; c < cols.count; c++) {
            int i = cols.attnums[c] - 1;
            bool isnull;
            Datum d = heap_getattr(tuple, i + 1, desc, &isnull);
            if (isnull)
                continue;
            EmailBytes v = email_bytes(reinterpret_cast<struct varlena*>(PG_DETOAST_DATUM_PACKED(d)));
            Stamp stored = sealed::stamp_of(v.data);
            bool current_key = ensured_keyring().email().under_current_key(v.data);
            if (stored == target && current_key)
                continue;
            bool fresh = is_fresh(sealed::fresh_nonce_of(v.data));
            // An unstamped value the update leaves as it was is one that
            // protect(..., stamp => 'later') has not reached yet: it belongs
            // to the row it is in, as stamp_existing() would say.
            Stamp source = stored;
            if (stored == Stamp{} && !fresh && op == 'u') {
                bool old_null;
                Datum old = heap_getattr(data->tg_trigtuple, i + 1, desc, &old_null);
                if (!old_null) {
                    EmailBytes was = email_bytes(reinterpret_cast<struct varlena*>(PG_DETOAST_DATUM_PACKED(old)));
                    if (was.size == v.size && memcmp(was.data, v.data, v.size) == 0)
                        source = row_scope(rel, data->tg_trigtuple, protection);
                }
            }
            std::uint8_t restamped[sealed::kMaxSize];
            std::size_t size = stamped_value(rel, v, source, target, fresh, restamped);
            if (values == nullptr) {
                values = static_cast<Datum*>(palloc0(sizeof(Datum) * natts));
                nulls = static_cast<bool*>(palloc0(sizeof(bool) * natts));
                replace = static_cast<bool*>(palloc0(sizeof(bool) * natts));
            }
            values[i] = email_datum(restamped, size);
            replace[i] = true;
        }
        if (values != nullptr)
            tuple = heap_modify_tuple(tuple, desc, values, nulls, replace);
    }

    if (protection.audit == 's')
        count_row_change(RelationGetRelid(rel), op, target);
    return PointerGetDatum(tuple);
}
