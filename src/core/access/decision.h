// What a role's grants give it for one scope (account, list): whether it may
// read and write rows there, and how much of an address it sees.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/access/reveal_level.h"
#include "core/email/sealed_email.h"

namespace listguard {

// Times are microseconds on any fixed epoch (the adapter uses PostgreSQL's).
using Micros = std::int64_t;
constexpr Micros kNever = INT64_MAX;

struct Grant {
    bool has_quota() const noexcept { return quota_limit > 0; }

    std::int64_t id = 0;
    std::optional<std::int64_t> account; // empty: every account
    std::optional<std::int64_t> list;    // empty: every list of the account
    RevealLevel reveal = RevealLevel::Masked;
    bool can_write = false;
    std::int64_t quota_limit = 0;  // 0: no quota
    std::int64_t quota_window = 0; // seconds
    bool mask_on_exceed = false;   // on_exceed = 'mask' (else 'error')
    std::optional<Micros> valid_until;
    bool network_allowed = true; // the session's client address is in from_networks
    bool sends = false;          // a sender (the MTA): sees every canary in its scope
    // The grant reaches the role only through an application registered
    // with require_principal (the application itself, or roles it belongs
    // to): without a principal in force it lets the role read rows, masked,
    // and nothing more (decide()'s without_principal).
    bool needs_principal = false;
};

struct Access {
    bool can_read = false;
    bool can_write = false;
    bool sends = false; // a valid sender grant covers the scope: its canaries are seen
    RevealLevel reveal = RevealLevel::Masked;
    // The grant that authorises `reveal` (id 0 when nothing above masked is
    // granted). Among several, one without a quota is preferred.
    Grant grant;
    // The decision holds until this time (the next expiry among the grants
    // that shaped it).
    Micros valid_until = kNever;
};

bool covers(const Grant& grant, Stamp scope) noexcept;

// An expired grant, or one whose from_networks excludes the client, still
// lets the role read rows in its scope, masked, and nothing more; so does a
// grant that needs a principal when the session acts for nobody
// (without_principal).
Access decide(const Grant* grants, std::size_t count, Stamp scope, Micros now, bool without_principal = false);
// The accounts whose rows decide() may let a role read (or write): a range
// that holds every account of every grant that can give can_read (any
// grant: expired ones too, see above) or can_write (a grant with can_write,
// whatever its expiry or networks, so that the range holds whatever the
// decision says at any later time). A row outside it is one decide() refuses,
// so a scan may skip it (the row policies' index condition); a row inside
// it is still decided row by row. `every`: a grant covers every account.
// No grant: an empty range (first > last).
struct AccountRange {
    bool every = false;
    std::int64_t first = 1;
    std::int64_t last = 0;
};
AccountRange account_range(const Grant* grants, std::size_t count, bool for_write) noexcept;

inline Access decide(const std::vector<Grant>& grants, Stamp scope, Micros now, bool without_principal = false)
{
    return decide(grants.data(), grants.size(), scope, now, without_principal);
}

} // namespace listguard
