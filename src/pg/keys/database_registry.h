// Which databases still need a seal key: each database that has listguard
// registers at CREATE EXTENSION with a file pg_listguard/databases/<oid>,
// where retire_key() later lists the keys that database no longer holds. A
// key leaves the keyring only when every registered database that still
// exists has retired it.
#pragma once

#include "pg/base/postgres_c.h"

extern "C" {
#include "nodes/pg_list.h"
}

namespace listguard::pg {

// Registers this database (once; its retired keys are kept).
void register_database();

// A database made as a copy of another holds the same values: it gets the
// template's entry (none if the template has none).
void copy_key_registry(Oid from, Oid to);

// The key ids this database has retired (palloc'd strings).
List* keys_retired_here();

// Records that this database retired a key.
void retire_key_here(const char* key_id);

// The names of the registered databases, other than this one, that still
// exist and have not retired the key.
List* databases_needing_key(const char* key_id);

bool list_has_key(List* keys, const char* key_id);

} // namespace listguard::pg
