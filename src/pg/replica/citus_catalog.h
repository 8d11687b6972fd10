// listguard's catalog on every node of a Citus cluster. The coordinator's
// grants, protections (of Citus tables) and canaries decide on every node:
// a worker checks row policies, stamps, casts and direct queries with them.
// The coordinator sends its catalog to every other node in the transaction
// that changed it (Citus's two-phase commit: committed everywhere or
// nowhere, and the change fails if a node cannot be reached); a node added
// later, or one restored from a backup, takes it through its link
// (pg/replica/standby_link.h) within seconds; until its link has compared
// generations with the coordinator since the server started, the node shows
// nothing above masks (pg/access/catalog_confirmation.h).
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// The catalog as JSON text (palloc'd), canary addresses as transit tokens,
// with its generation: the next one (a catalog being sent) or the current
// (put in *generation too, unless nullptr).
char* catalog_snapshot(bool next_generation, int64* generation);

// The generation of the catalog this node holds. In a transaction.
int64 held_catalog_generation();

// Replaces this node's catalog with a snapshot (as the extension's owner).
// Refuses one made under another keyring.
void apply_catalog(const char* snapshot);

// On the coordinator of a Citus cluster: sends the catalog to every other
// node, in this transaction. Nothing elsewhere.
void push_catalog();

// Before the transaction commits: sends the catalog if it changed since
// it was last sent in this transaction.
void push_catalog_at_commit();

// The transaction ended.
void catalog_at_transaction_end() noexcept;

} // namespace listguard::pg
