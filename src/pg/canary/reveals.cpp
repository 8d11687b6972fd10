#include "pg/canary/reveals.h"

#include "pg/access/roles.h"
#include "pg/audit/events.h"
#include "pg/canary/registry.h"

#include "core/email/sealed_email.h"

extern "C" {
#include "miscadmin.h"
#include "utils/builtins.h"
}

namespace listguard::pg {

namespace {

struct CanaryReveal {
    Canary canary;
    Oid role;
    NameData role_name;
    bool own; // its own role (or a member that receives its grants), not a sender
    int64 grant_id;
    uint8 digest[sealed::kDigestSize];
    int64 count;
};

constexpr int kReveals = 16;
CanaryReveal reveals[kReveals];
int reveal_count = 0;

} // namespace

void note_clear_reveal(const uint8* value, int64 grant_id)
{
    Canary canary;
    if (!sealed::is_canary(value) || !find_canary(sealed::digest_of(value), &canary))
        return;
    Stamp stamp = sealed::stamp_of(value);
    if (stamp.account != canary.account || stamp.list != canary.list)
        return; // the same address in another list is no canary there
    Oid role = GetUserId();
    for (int i = 0; i < reveal_count; i++) {
        CanaryReveal& r = reveals[i];
        if (r.canary.id == canary.id && r.role == role && r.grant_id == grant_id) {
            r.count++;
            return;
        }
    }
    if (reveal_count == kReveals)
        report_canary_reveals();
    CanaryReveal& r = reveals[reveal_count++];
    r.canary = canary;
    r.role = role;
    r.grant_id = grant_id;
    // Names and memberships are read now: the report may come after an
    // abort, when the catalogs cannot be read.
    const char* name = GetUserNameFromId(role, true);
    namestrcpy(&r.role_name, name ? name : "?");
    r.own = role == canary.role || role_receives_grants_of(role, canary.role);
    memcpy(r.digest, sealed::digest_of(value), sizeof r.digest);
    r.count = 1;
}

void report_canary_reveals()
{
    // Taken out first: recording may fail, and must not record twice.
    int n = reveal_count;
    reveal_count = 0;
    for (int i = 0; i < n; i++) {
        const CanaryReveal& r = reveals[i];
        char* detail = psprintf("{\"action\": \"reveal\", \"canary\": %lld, \"role\": %s, \"grant\": %lld, "
                                "\"own\": %s}",
                                static_cast<long long>(r.canary.id), json_string(NameStr(r.role_name)),
                                static_cast<long long>(r.grant_id), r.own ? "true" : "false");
        EventScope scope;
        scope.account = r.canary.account;
        scope.list = r.canary.list;
        scope.digests = r.digest;
        scope.digest_count = 1;
        scope.counts_json = psprintf("{\"clear\": %lld}", static_cast<long long>(r.count));
        record_event(EventKind::Canary, detail, scope);
    }
}

} // namespace listguard::pg
