#include "pg/protect/row_scope.h"

#include "pg/base/catalog.h"

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
}

namespace listguard::pg {

namespace {

// The row's account or list id: a positive integer of any integer type.
enum class ScopePart { Account, List };

// The column's attribute number (SPI_fnumber()'s answer), remembered for the
// two last asked about: a COPY or a statement of many rows asks for the same
// two at every row. A remembered number is used only where the descriptor
// still names that column there.
int column_number(TupleDesc desc, const char* column)
{
    static int remembered[2] = {0, 0};
    static int next = 0;
    for (int attnum : remembered) {
        if (attnum <= 0 || attnum > desc->natts)
            continue;
        Form_pg_attribute att = TupleDescAttr(desc, attnum - 1);
        if (!att->attisdropped && strcmp(NameStr(att->attname), column) == 0)
            return attnum;
    }
    int attnum = SPI_fnumber(desc, column);
    remembered[next] = attnum;
    next = 1 - next;
    return attnum;
}

// get(attnum, &isnull) reads the column from the row however it is held.
template <typename Get>
int64 scope_id(const Get& get, TupleDesc desc, const char* column, ScopePart part, Relation rel)
{
    int attnum = column_number(desc, column);
    if (attnum <= 0)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                        errmsg("protected table \"%s\" has no column \"%s\"", RelationGetRelationName(rel), column),
                        errhint("Run listguard.protect() again with the current column names.")));
    bool isnull;
    Datum d = get(attnum, &isnull);
    int64 id = 0;
    if (!isnull) {
        switch (TupleDescAttr(desc, attnum - 1)->atttypid) {
        case INT2OID:
            id = DatumGetInt16(d);
            break;
        case INT4OID:
            id = DatumGetInt32(d);
            break;
        case INT8OID:
            id = DatumGetInt64(d);
            break;
        default:
            ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                            part == ScopePart::Account
                                ? errmsg("account column \"%s\" of protected table \"%s\" is not an integer column",
                                         column, RelationGetRelationName(rel))
                                : errmsg("list column \"%s\" of protected table \"%s\" is not an integer column",
                                         column, RelationGetRelationName(rel)),
                            errhint("Account and list columns must be smallint, integer or bigint.")));
        }
    }
    if (isnull || id <= 0)
        ereport(ERROR, (errcode(isnull ? ERRCODE_NOT_NULL_VIOLATION : ERRCODE_CHECK_VIOLATION),
                        part == ScopePart::Account
                            ? errmsg("account of a row of protected table \"%s\" must be a positive number",
                                     RelationGetRelationName(rel))
                            : errmsg("list of a row of protected table \"%s\" must be a positive number",
                                     RelationGetRelationName(rel)),
                        errdetail("Column \"%s\" is %s.", column, isnull ? "null" : "zero or negative")));
    return id;
}

template <typename Get>
Stamp scope_of_row(Relation rel, const Get& get, const Protection& protection)
{
    TupleDesc desc = RelationGetDescr(rel);
    const char* list_column = NameStr(protection.list_column);
    return Stamp{scope_id(get, desc, NameStr(protection.account_column), ScopePart::Account, rel),
                 list_column[0] ? scope_id(get, desc, list_column, ScopePart::List, rel) : 0};
}

} // namespace

Stamp row_scope(Relation rel, HeapTuple tuple, const Protection& protection)
{
    TupleDesc desc = RelationGetDescr(rel);
    return scope_of_row(
        rel, [&](int attnum, bool* isnull) { return heap_getattr(tuple, attnum, desc, isnull); }, protection);
}

Stamp row_scope(Relation rel, const Datum* values, const bool* nulls, const Protection& protection)
{
    return scope_of_row(
        rel,
        [&](int attnum, bool* isnull) {
            *isnull = nulls[attnum - 1];
            return values[attnum - 1];
        },
        protection);
}

namespace {

// The attribute numbers of a table's listguard.email columns (domains over
// the type included), remembered for the table and tuple descriptor last
// asked about: a COPY asks once per row.
EmailColumns remembered_columns;

} // namespace

const EmailColumns& email_columns(Relation rel)
{
    TupleDesc desc = RelationGetDescr(rel);
    EmailColumns& cols = remembered_columns;
    if (cols.relid == RelationGetRelid(rel) && cols.desc == desc)
        return cols;
    Oid email_type = listguard_objects().email_type;
    cols.count = 0;
    for (int i = 0; i < desc->natts; i++) {
        Form_pg_attribute att = TupleDescAttr(desc, i);
        if (!att->attisdropped && OidIsValid(email_type) && getBaseType(att->atttypid) == email_type)
            cols.attnums[cols.count++] = i + 1;
    }
    cols.relid = RelationGetRelid(rel);
    cols.desc = desc;
    return cols;
}

} // namespace listguard::pg
