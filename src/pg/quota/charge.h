// Charging clear reveals to the grant that authorised them. Every clear
// value that leaves the type (text output, binary send, the cast to text, in
// any backend or parallel worker) is charged; pseudonyms, masks and sealed
// tokens are not. Charges are never given back by ROLLBACK: the values have
// left the server.
#pragma once

#include "pg/base/postgres_c.h"

#include "core/access/decision.h"

namespace listguard::pg {

// Charges one clear reveal under `grant`. Returns false when the quota is
// used up and the grant says to mask; reports an error (SQLSTATE LG001) when
// it says to fail. Either way the event is recorded.
bool charge_clear_reveal(const Grant& grant);

// The transaction ended (either way): unused reservations go back.
void quota_at_transaction_end();

} // namespace listguard::pg
