#include "core/audit/head.h"

namespace listguard {

namespace {

CanonicalEvent canonical_head(const AuditHead& head)
{
    CanonicalEvent fields;
    fields.add_text(head.restored ? "listguard restored audit head v1" : "listguard audit head v1");
    fields.add_int64(head.last_id);
    fields.add_text(std::string_view(reinterpret_cast<const char*>(head.link), kLinkSize));
    fields.add_int64(head.as_of);
    fields.add_text(head.source);
    if (head.restored) {
        fields.add_int64(head.restored_at);
        fields.add_int64(head.nested ? 1 : 0);
    }
    return fields;
}

} // namespace

void seal_head(KeyedDigest& audit_key, const AuditHead& head, std::uint8_t* seal_out)
{
    audit_key.compute(canonical_head(head).bytes(), seal_out, kLinkSize);
}

bool head_seal_valid(KeyedDigest& audit_key, const AuditHead& head, const std::uint8_t* seal)
{
    std::uint8_t expected[kLinkSize];
    seal_head(audit_key, head, expected);
    return links_equal(expected, seal);
}

} // namespace listguard
