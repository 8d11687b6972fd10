#include "pg/protect/ddl_guard.h"

#include <cstring>

#include "pg/access/gated_functions.h"
#include "pg/access/roles.h"
#include "pg/audit/events.h"
#include "pg/base/catalog.h"
#include "pg/base/elevated_call.h"
#include "pg/citus/citus.h"
#include "pg/citus/transit.h"
#include "pg/protect/protection.h"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/index.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_policy.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "parser/parse_type.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
}

namespace listguard::pg {

namespace {

// The table an index belongs to; any other relation is itself.
Oid table_of(Oid relid)
{
    char kind = get_rel_relkind(relid);
    if (kind == RELKIND_INDEX || kind == RELKIND_PARTITIONED_INDEX)
        return IndexGetRelation(relid, true);
    return relid;
}

Oid relid_of(const RangeVar* rv)
{
    return rv ? table_of(RangeVarGetRelid(const_cast<RangeVar*>(rv), NoLock, true)) : InvalidOid;
}

Oid relid_of_names(List* names)
{
    return relid_of(makeRangeVarFromNameList(names));
}

[[noreturn]] void refuse(Oid relid, const char* action)
{
    record_event(EventKind::Denied, psprintf("{\"reason\": \"protected table\", \"action\": %s}", json_string(action)),
                 table_scope(relid));
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("permission denied for protected table \"%s\"", get_rel_name(relid)),
                    errdetail("Only superusers and members of listguard_admin may change what runs around a "
                              "protected table: its triggers, rules, policies, constraints, defaults, indexes, "
                              "columns, inheritance and partitions."),
                    errhint("Ask a listguard administrator to make the change; it is recorded in the audit "
                            "trail.")));
    pg_unreachable();
}

// Rows of a child are read through its parents under the parents' policies
// only: a protected table under an unprotected parent would be open.
[[noreturn]] void refuse_unprotected_parent(Oid child, Oid parent)
{
    record_event(EventKind::Denied,
                 "{\"reason\": \"protected table\", \"action\": \"place under an unprotected parent\"}",
                 table_scope(child));
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("cannot place protected table \"%s\" under unprotected table \"%s\"", get_rel_name(child),
                           get_rel_name(parent)),
                    errdetail("Rows of a table are read through its parents under the parents' policies only."),
                    errhint("Protect the parent instead: protecting a table protects every table below it.")));
    pg_unreachable();
}

// listguard_owner through a proven Citus connection (the role Citus
// creates, copies, moves and drops shards as) may not take protection off
// a protected table or shard: Citus sends no such DDL as it, and listguard
// propagates its own changes as the extension's owner. Its proof could have
// been captured (test/attacks 51, 52), so this holds whatever it proves.
[[noreturn]] void refuse_owner_session(Oid relid, const char* action)
{
    record_event(
        EventKind::Denied,
        psprintf("{\"reason\": \"protected table\", \"action\": %s, \"citus_internal\": true}", json_string(action)),
        table_scope(relid));
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("permission denied for protected table \"%s\"", get_rel_name(relid)),
                    errdetail("Citus's connections as listguard_owner create, copy, move and drop shards; they may "
                              "not rename a protected table or its columns, inherit from it, set a default on its "
                              "address column, or disable, alter or drop its triggers, policies or row security."),
                    errhint("Connect as a listguard administrator to make the change on the distributed table.")));
    pg_unreachable();
}

void owner_may_not(const TableStatement& s, Oid relid, const char* action)
{
    if (s.citus_owner && OidIsValid(relid) && protection_of(relid).is_protected)
        refuse_owner_session(relid, action);
}

bool has_named(Oid catalog, Oid index, Oid table, const char* name)
{
    NameData key;
    namestrcpy(&key, name);
    Relation rel = table_open(catalog, AccessShareLock);
    ScanKeyData keys[2];
    AttrNumber relattr = catalog == PolicyRelationId ? Anum_pg_policy_polrelid : Anum_pg_trigger_tgrelid;
    AttrNumber nameattr = catalog == PolicyRelationId ? Anum_pg_policy_polname : Anum_pg_trigger_tgname;
    ScanKeyInit(&keys[0], relattr, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(table));
    ScanKeyInit(&keys[1], nameattr, BTEqualStrategyNumber, F_NAMEEQ, NameGetDatum(&key));
    SysScanDesc scan = systable_beginscan(rel, index, true, nullptr, 2, keys);
    bool found = HeapTupleIsValid(systable_getnext(scan));
    systable_endscan(scan);
    table_close(rel, AccessShareLock);
    return found;
}

// Whether name, on shard relid, is a trigger or policy of its table as
// Citus names it on a shard (policies keep their name, triggers get
// _<shard id>): a shard being created gets its table's.
bool copies_table_object(Oid catalog, Oid index, Oid relid, const char* name)
{
    Oid table = citus_table_of_shard(relid);
    if (!OidIsValid(table) || name == nullptr)
        return false;
    if (has_named(catalog, index, table, name))
        return true;
    const char* suffix = name_on_shard("", relid);
    std::size_t n = strlen(name);
    std::size_t k = strlen(suffix);
    if (n <= k || n - k >= NAMEDATALEN || strcmp(name + n - k, suffix) != 0)
        return false;
    char base[NAMEDATALEN];
    strlcpy(base, name, n - k + 1);
    return has_named(catalog, index, table, base);
}

void touch(TableStatement& s, Oid relid, const char* action)
{
    if (!OidIsValid(relid) || !protection_of(relid).is_protected)
        return;
    if (!s.admin)
        refuse(relid, action);
    if (!list_member_oid(s.touched, relid)) {
        s.touched = lappend_oid(s.touched, relid);
        s.actions = lappend(s.actions, const_cast<char*>(action));
    }
}

void touch_foreign_keys(TableStatement& s, List* constraints)
{
    ListCell* lc;
    foreach (lc, constraints) {
        auto* c = static_cast<Node*>(lfirst(lc));
        if (IsA(c, Constraint) && castNode(Constraint, c)->contype == CONSTR_FOREIGN)
            touch(s, relid_of(castNode(Constraint, c)->pktable), "reference");
    }
}

// An email column may not become another type, on any table: it would
// replace every address with what the converting role may see of it.
void refuse_email_type_change(Oid relid, AlterTableCmd* cmd)
{
    Oid email_type = listguard_objects().email_type;
    AttrNumber att = get_attnum(relid, cmd->name);
    if (att == InvalidAttrNumber || !OidIsValid(email_type) || getBaseType(get_atttype(relid, att)) != email_type)
        return;
    Oid target = LookupTypeNameOid(nullptr, castNode(ColumnDef, cmd->def)->typeName, true);
    if (OidIsValid(target) && getBaseType(target) == email_type)
        return;
    record_event(EventKind::Denied, "{\"reason\": \"email column to another type\", \"action\": \"alter column type\"}",
                 table_scope(relid));
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("cannot change the type of listguard.email column \"%s\"", cmd->name),
                    errdetail("Converting would replace every address with what the converting role may see of "
                              "it: masks, for most roles."),
                    errhint("To export addresses on purpose, grant a role clear access and have it copy "
                            "email::text into a new table; backups should use pg_dump, which keeps sealed "
                            "values.")));
}

void check_alter_table(TableStatement& s, AlterTableStmt* stmt)
{
    Oid relid = RangeVarGetRelid(stmt->relation, NoLock, true);
    if (!OidIsValid(relid))
        return;
    Oid table = table_of(relid);
    bool is_index = table != relid;
    touch(s, table, is_index ? "alter an index of" : "alter");
    ListCell* lc;
    foreach (lc, stmt->cmds) {
        auto* cmd = static_cast<AlterTableCmd*>(lfirst(lc));
        switch (cmd->subtype) {
        case AT_DisableTrig:
        case AT_DisableTrigAll:
        case AT_DisableTrigUser:
        case AT_EnableAlwaysTrig:
        case AT_EnableReplicaTrig:
        case AT_DisableRule:
        case AT_EnableAlwaysRule:
        case AT_EnableReplicaRule:
            owner_may_not(s, table, "change when the triggers or rules of");
            break;
        case AT_DisableRowSecurity:
        case AT_NoForceRowSecurity:
            owner_may_not(s, table, "take row security off");
            break;
        case AT_ChangeOwner:
            if (cmd->newowner == nullptr || cmd->newowner->roletype != ROLESPEC_CSTRING ||
                strcmp(cmd->newowner->rolename, "listguard_owner") != 0)
                owner_may_not(s, table, "give away");
            break;
        case AT_AlterColumnType:
            if (!is_index)
                refuse_email_type_change(relid, cmd);
            break;
        case AT_ColumnDefault:
            // A planted address every insert without one would get (attack
            // 58); Citus puts defaults in a shard's CREATE TABLE.
            if (!is_index && cmd->def != nullptr && cmd->name != nullptr) {
                AttrNumber column = get_attnum(table, cmd->name);
                Oid email = listguard_objects().email_type;
                if (column != InvalidAttrNumber && OidIsValid(email) &&
                    getBaseType(get_atttype(table, column)) == email)
                    owner_may_not(s, table, "set a default address in");
            }
            break;
        case AT_AddInherit: {
            Oid parent = relid_of(castNode(RangeVar, cmd->def));
            touch(s, parent, "inherit from");
            if (protection_of(table).is_protected && !protection_of(parent).is_protected)
                refuse_unprotected_parent(table, parent);
            if (protection_of(parent).is_protected) {
                s.adopt = lappend_oid(s.adopt, table);
                s.adopt_parents = lappend_oid(s.adopt_parents, parent);
            }
            break;
        }
        case AT_DropInherit:
            touch(s, relid_of(castNode(RangeVar, cmd->def)), "stop inheriting from");
            if (protection_of(table).is_protected)
                s.detached = lappend_oid(s.detached, table);
            break;
        case AT_AttachPartition: {
            Oid part = relid_of(castNode(PartitionCmd, cmd->def)->name);
            // ALTER INDEX ... ATTACH PARTITION (pg_restore's, after a
            // partition's own index): the index of a table already attached.
            if (is_index) {
                touch(s, table_of(part), "attach an index of");
                break;
            }
            touch(s, part, "attach");
            if (protection_of(table).is_protected) {
                s.adopt = lappend_oid(s.adopt, part);
                s.adopt_parents = lappend_oid(s.adopt_parents, table);
            } else if (protection_of(part).is_protected)
                refuse_unprotected_parent(part, table);
            break;
        }
        case AT_DetachPartition:
        case AT_DetachPartitionFinalize: {
            Oid part = relid_of(castNode(PartitionCmd, cmd->def)->name);
            touch(s, part, "detach");
            if (protection_of(part).is_protected)
                s.detached = lappend_oid(s.detached, part);
            break;
        }
        case AT_AddConstraint:
        case AT_AddConstraintRecurse:
            touch_foreign_keys(s, list_make1(cmd->def));
            break;
        case AT_AddColumn:
        case AT_AddColumnRecurse:
            if (cmd->def && IsA(cmd->def, ColumnDef))
                touch_foreign_keys(s, castNode(ColumnDef, cmd->def)->constraints);
            break;
        default:
            break;
        }
    }
}

void check_create_table(TableStatement& s, CreateStmt* stmt)
{
    ListCell* lc;
    foreach (lc, stmt->inhRelations) {
        Oid parent = relid_of(castNode(RangeVar, lfirst(lc)));
        // Citus makes shards of partitions with PARTITION OF, never INHERITS.
        if (stmt->partbound == nullptr)
            owner_may_not(s, parent, "inherit from");
        touch(s, parent, stmt->partbound ? "create a partition of" : "inherit from");
        if (protection_of(parent).is_protected) {
            s.created_child = stmt->relation;
            s.created_parent = parent;
        }
    }
    touch_foreign_keys(s, stmt->constraints);
    foreach (lc, stmt->tableElts) {
        auto* elt = static_cast<Node*>(lfirst(lc));
        if (IsA(elt, ColumnDef))
            touch_foreign_keys(s, castNode(ColumnDef, elt)->constraints);
        else
            touch_foreign_keys(s, list_make1(elt));
    }
}

const char* rename_action(ObjectType type)
{
    switch (type) {
    case OBJECT_TABLE:
        return "rename";
    case OBJECT_COLUMN:
        return "rename a column of";
    case OBJECT_TRIGGER:
        return "rename a trigger of";
    case OBJECT_POLICY:
        return "rename a policy of";
    case OBJECT_RULE:
        return "rename a rule of";
    case OBJECT_INDEX:
        return "rename an index of";
    case OBJECT_TABCONSTRAINT:
        return "rename a constraint of";
    default:
        return nullptr;
    }
}

void check_drop(TableStatement& s, DropStmt* stmt)
{
    const char* action = nullptr;
    bool names_a_table = false; // else the last name is the object's, the rest its table
    switch (stmt->removeType) {
    case OBJECT_TABLE:
        action = "drop";
        names_a_table = true;
        break;
    case OBJECT_INDEX:
        action = "drop an index of";
        names_a_table = true;
        break;
    case OBJECT_TRIGGER:
        action = "drop a trigger of";
        break;
    case OBJECT_POLICY:
        action = "drop a policy of";
        break;
    case OBJECT_RULE:
        action = "drop a rule of";
        break;
    default:
        return;
    }
    ListCell* lc;
    foreach (lc, stmt->objects) {
        List* names = static_cast<List*>(lfirst(lc));
        Oid relid =
            names_a_table ? relid_of_names(names) : relid_of_names(list_copy_head(names, list_length(names) - 1));
        if (!names_a_table)
            owner_may_not(s, relid, action);
        touch(s, relid, action);
    }
}

// Protected tables with a column of this domain (or of a domain over it).
void check_alter_domain(TableStatement& s, AlterDomainStmt* stmt)
{
    Oid domain = typenameTypeId(nullptr, makeTypeNameFromNameList(stmt->typeName));
    Relation depend = table_open(DependRelationId, AccessShareLock);
    ScanKeyData keys[2];
    ScanKeyInit(&keys[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(TypeRelationId));
    ScanKeyInit(&keys[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(domain));
    SysScanDesc scan = systable_beginscan(depend, DependReferenceIndexId, true, nullptr, 2, keys);
    HeapTuple tuple;
    List* tables = nullptr;
    while (HeapTupleIsValid(tuple = systable_getnext(scan))) {
        auto* dep = reinterpret_cast<Form_pg_depend>(GETSTRUCT(tuple));
        if (dep->classid == RelationRelationId && dep->objsubid > 0)
            tables = lappend_oid(tables, dep->objid);
    }
    systable_endscan(scan);
    table_close(depend, AccessShareLock);
    ListCell* lc;
    foreach (lc, tables)
        touch(s, lfirst_oid(lc), "change a domain used by");
}

void collect(TableStatement& s, Node* stmt)
{
    switch (nodeTag(stmt)) {
    case T_AlterTableStmt:
        check_alter_table(s, castNode(AlterTableStmt, stmt));
        break;
    case T_CreateStmt:
        check_create_table(s, castNode(CreateStmt, stmt));
        break;
    case T_CreateTrigStmt: {
        auto* trig = castNode(CreateTrigStmt, stmt);
        Oid relid = relid_of(trig->relation);
        if (!copies_table_object(TriggerRelationId, TriggerRelidNameIndexId, relid, trig->trigname))
            owner_may_not(s, relid, "create a trigger on");
        owner_may_not(s, relid_of(trig->constrrel), "create a trigger on");
        touch(s, relid_of(trig->relation), "create a trigger on");
        touch(s, relid_of(trig->constrrel), "create a trigger on");
        break;
    }
    case T_RuleStmt:
        owner_may_not(s, relid_of(castNode(RuleStmt, stmt)->relation), "create a rule on");
        touch(s, relid_of(castNode(RuleStmt, stmt)->relation), "create a rule on");
        break;
    case T_CreatePolicyStmt: {
        auto* policy = castNode(CreatePolicyStmt, stmt);
        Oid relid = relid_of(policy->table);
        if (!copies_table_object(PolicyRelationId, PolicyPolrelidPolnameIndexId, relid, policy->policy_name))
            owner_may_not(s, relid, "create a policy on");
        touch(s, relid, "create a policy on");
        break;
    }
    case T_AlterPolicyStmt:
        owner_may_not(s, relid_of(castNode(AlterPolicyStmt, stmt)->table), "alter a policy of");
        touch(s, relid_of(castNode(AlterPolicyStmt, stmt)->table), "alter a policy of");
        break;
    case T_IndexStmt:
        touch(s, relid_of(castNode(IndexStmt, stmt)->relation), "create an index on");
        break;
    case T_CreateStatsStmt: {
        ListCell* lc;
        foreach (lc, castNode(CreateStatsStmt, stmt)->relations)
            if (IsA(lfirst(lc), RangeVar))
                touch(s, relid_of(castNode(RangeVar, lfirst(lc))), "create statistics on");
        break;
    }
    case T_RenameStmt: {
        auto* rename = castNode(RenameStmt, stmt);
        if (rename->renameType == OBJECT_SCHEMA) {
            // Code that names schema.function would find a new schema of
            // that name: renaming a protected table's schema is for admins.
            Oid schema = get_namespace_oid(rename->subname, true);
            ListCell* lc;
            foreach (lc, protected_tables_in(schema))
                touch(s, lfirst_oid(lc), "rename the schema of");
            break;
        }
        const char* action = rename_action(rename->renameType);
        // A shard renamed away leaves its name to a table of the session's
        // making (attack 56); Citus renames no shard as listguard_owner.
        if (action != nullptr && (rename->renameType == OBJECT_TRIGGER || rename->renameType == OBJECT_POLICY ||
                                  rename->renameType == OBJECT_RULE || rename->renameType == OBJECT_TABLE ||
                                  rename->renameType == OBJECT_COLUMN))
            owner_may_not(s, relid_of(rename->relation), action);
        if (action != nullptr)
            touch(s, relid_of(rename->relation), action);
        break;
    }
    case T_DropStmt:
        check_drop(s, castNode(DropStmt, stmt));
        break;
    case T_AlterObjectSchemaStmt: {
        auto* move = castNode(AlterObjectSchemaStmt, stmt);
        if (move->objectType == OBJECT_TABLE)
            touch(s, relid_of(move->relation), "move");
        break;
    }
    case T_TruncateStmt: {
        ListCell* lc;
        foreach (lc, castNode(TruncateStmt, stmt)->relations)
            touch(s, relid_of(castNode(RangeVar, lfirst(lc))), "truncate");
        break;
    }
    case T_AlterDomainStmt:
        check_alter_domain(s, castNode(AlterDomainStmt, stmt));
        break;
    default:
        break;
    }
}

// Citus creates, copies and moves shards as their table's owner,
// listguard_owner, which logs in only as Citus's internal connection
// (pg/citus/transit.h): its DDL on shards is Citus's own.
bool is_citus_owner_session()
{
    Oid owner = get_role_oid("listguard_owner", true);
    return OidIsValid(owner) && GetSessionUserId() == owner && GetUserId() == owner && session_is_citus_internal();
}

// Runs listguard.<function>(relid[, relid]) elevated.
void call_elevated(const char* function, Oid first, Oid second = InvalidOid)
{
    char* sql = psprintf(OidIsValid(second) ? "SELECT listguard.%s($1, $2)" : "SELECT listguard.%s($1)", function);
    Oid types[2] = {REGCLASSOID, REGCLASSOID};
    Datum values[2] = {ObjectIdGetDatum(first), ObjectIdGetDatum(second)};
    elevated([&] {
        if (SPI_execute_with_args(sql, OidIsValid(second) ? 2 : 1, types, values, nullptr, false, 0) != SPI_OK_SELECT)
            elog(ERROR, "listguard.%s failed", function);
    });
}

} // namespace

TableStatement check_table_statement(Node* stmt)
{
    TableStatement s;
    if (!IsTransactionState() || !OidIsValid(listguard_objects().schema))
        return s;
    s.citus_owner = is_citus_owner_session();
    s.admin = is_admin(GetUserId()) || s.citus_owner;
    collect(s, stmt);
    return s;
}

void after_table_statement(Node* stmt, const TableStatement& s)
{
    if (running_elevated() || !OidIsValid(listguard_objects().schema))
        return;
    ListCell* lc;
    ListCell* p;
    forboth (lc, s.adopt, p, s.adopt_parents)
        call_elevated("_protect_child", lfirst_oid(lc), lfirst_oid(p));
    if (s.created_child != nullptr) {
        Oid child = RangeVarGetRelid(s.created_child, NoLock, true);
        if (OidIsValid(child))
            call_elevated("_protect_child", child, s.created_parent);
    }
    foreach (lc, s.detached)
        call_elevated("_protect_detached", lfirst_oid(lc));
    ListCell* t;
    ListCell* a;
    forboth (t, s.touched, a, s.actions) {
        Oid relid = lfirst_oid(t);
        if (!OidIsValid(get_rel_namespace(relid)))
            continue; // dropped: the sql_drop event trigger recorded it
        // DDL Citus sends to a shard was recorded on the node it came from
        // too; here it is recorded as what reached this node through an
        // internal connection (whose proof a role may have captured).
        record_event(
            EventKind::ProtectionChanged,
            psprintf(session_is_citus_internal() ? "{\"action\": %s, \"citus_internal\": true}" : "{\"action\": %s}",
                     json_string(static_cast<char*>(lfirst(a)))),
            table_scope(relid));
        call_elevated("_check_protected", relid);
    }
}

} // namespace listguard::pg
