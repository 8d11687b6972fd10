#include "core/access/decision.h"

#include <algorithm>

namespace listguard {

bool covers(const Grant& grant, Stamp scope) noexcept
{
    return (!grant.account || *grant.account == scope.account) && (!grant.list || *grant.list == scope.list);
}

Access decide(const Grant* grants, std::size_t count, Stamp scope, Micros now, bool without_principal)
{
    Access access;
    const Grant* chosen = nullptr;
    for (std::size_t i = 0; i < count; i++) {
        const Grant& grant = grants[i];
        if (!covers(grant, scope))
            continue;
        access.can_read = true;
        if (without_principal && grant.needs_principal)
            continue;
        bool expired = grant.valid_until && *grant.valid_until <= now;
        if (grant.valid_until && !expired)
            access.valid_until = std::min(access.valid_until, *grant.valid_until);
        if (expired || !grant.network_allowed)
            continue;
        access.can_write = access.can_write || grant.can_write;
        access.sends = access.sends || grant.sends;
        if (grant.reveal == RevealLevel::Masked)
            continue;
        bool better = chosen == nullptr || grant.reveal > chosen->reveal ||
                      (grant.reveal == chosen->reveal && chosen->has_quota() && !grant.has_quota());
        if (better)
            chosen = &grant;
    }
    if (chosen != nullptr) {
        access.reveal = chosen->reveal;
        access.grant = *chosen;
    }
    return access;
}

AccountRange account_range(const Grant* grants, std::size_t count, bool for_write) noexcept
{
    AccountRange range;
    bool any = false;
    for (std::size_t i = 0; i < count; i++) {
        const Grant& grant = grants[i];
        if (for_write && !grant.can_write)
            continue;
        if (!grant.account) {
            range.every = true;
            range.first = INT64_MIN;
            range.last = INT64_MAX;
            return range;
        }
        if (!any || *grant.account < range.first)
            range.first = *grant.account;
        if (!any || *grant.account > range.last)
            range.last = *grant.account;
        any = true;
    }
    return range;
}

} // namespace listguard
