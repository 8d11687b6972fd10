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

// The link, or the coordinator sending its catalog: this node now holds the
// coordinator's catalog (or a newer one) in database.
void confirm_citus_catalog(Oid database) noexcept;

// In a backend of a Citus worker: whether the catalog of this database was
// confirmed since the server started. Starts the link if none runs, and
// waits for it up to a few seconds, once per transaction (a server that
// just started has not asked yet); a warning says when it gave up.
bool citus_catalog_confirmed();

Size catalog_confirmation_shared_size();
void attach_catalog_confirmation_shared();

} // namespace listguard::pg
