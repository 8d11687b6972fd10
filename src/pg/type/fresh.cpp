#include "pg/type/fresh.h"

extern "C" {
#include "port.h"
}

namespace listguard::pg {

namespace {

int64 nonce = 0; // 0: none yet in this transaction

} // namespace

int64 fresh_nonce()
{
    while (nonce == 0)
        if (!pg_strong_random(&nonce, sizeof nonce))
            ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("could not generate random bytes")));
    return nonce;
}

bool is_fresh(int64 value_nonce)
{
    return value_nonce != 0 && value_nonce == nonce;
}

void forget_fresh_nonce() noexcept
{
    nonce = 0;
}

} // namespace listguard::pg
