// Access requests: what the admin gate needs to know of them.
#pragma once

namespace listguard::pg {

// Whether the grant_access() call just run made a pending request (the
// two-person rule) rather than a grant; reading it clears it.
bool take_pending_grant() noexcept;

} // namespace listguard::pg
