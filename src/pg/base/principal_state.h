// The principal in force: the person (an application user, listguard.
// principals) an application acts for, as listguard.act_as() found it
// asserted. Held in this backend's memory only: no setting, no SQL object,
// nothing a session can write holds it, so nothing but act_as() (after it
// checked the assertion) and the ends below change it.
//
// A transaction's principal ends with the transaction (commit, rollback,
// PREPARE TRANSACTION); a session's (for session pooling) lasts until
// end_principal(), DISCARD ALL or the end of the session. Both are
// transactional, like SET LOCAL and SET: what a rolled-back subtransaction
// or transaction changed goes back. The transaction's principal, if any, is
// the one in force; else the session's.
//
// Parallel workers run their leader's decisions: each backend mirrors its
// principal in a shared slot, which its workers read.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

constexpr int kPrincipalNameSize = 129; // core's kMaxPrincipalName, and its NUL

struct Principal {
    int64 id = 0;                  // listguard.application_users.id
    Oid application = InvalidOid;  // the application role whose key signed the assertion
    char name[kPrincipalNameSize]; // as the assertion's sub (and the registry) say
    char client_addr[64];          // the assertion's ip claim, "" if it had none
};

// nullptr: no principal in force (always so outside a transaction's work).
const Principal* principal_in_force();

enum class PrincipalScope { Transaction, Session };

// Only listguard.act_as() calls this, once the assertion is checked.
void put_principal_in_force(const Principal& principal, PrincipalScope scope);
// listguard.end_principal(): ends both the transaction's and the session's.
void end_principal_in_force();

// From the transaction callbacks (after the transaction's audit counts are
// recorded, which name the principal) and from DISCARD ALL.
void principal_at_transaction_end(bool committed);
void principal_at_subtransaction_end(bool committed);
void principal_discard_all();

Size principal_shared_size();
void attach_principal_shared();

} // namespace listguard::pg
