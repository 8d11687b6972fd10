// Whether a Citus worker knows that listguard's catalog it holds is the
// coordinator's. The coordinator sends every change to the nodes it can
// reach in the change's own transaction; a node that was not reachable
// (down, disabled while an admin revoked a grant, restored from a backup)
// holds an older catalog when it starts, whose grants may have been
// revoked since. Until its link (pg/replica/standby_link.h) has compared
// the catalog's generation with the coordinator's since the server
// started, the worker shows nothing above masks: a stale grant never
// reveals an address.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// The link, or the coordinator sending its catalog: the coordinator's
// catalog is that of `generation` (listguard.catalog_generation), which
// this node holds in database once the transaction that took it commits.
void confirm_citus_catalog(Oid database, int64 generation) noexcept;

enum class CatalogConfirmation {
    Unconfirmed,     // showing masks
    Confirmed,       // before this call
    ConfirmedJustNow // while this call waited: decisions made before it were made from the older catalog
};

// In a backend of a Citus worker: whether the catalog of this database was
// confirmed since the server started, and the generation confirmed is the
// one its committed catalog holds (read with a fresh snapshot, not the
// statement's: the catalog the link took after the statement began counts).
// Starts the link if none runs, and waits for it up to a few seconds, once
// per transaction (a server that just started has not asked yet); a
// warning says when it gave up.
CatalogConfirmation citus_catalog_confirmation();

Size catalog_confirmation_shared_size();
void attach_catalog_confirmation_shared();

} // namespace listguard::pg
