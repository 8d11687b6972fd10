#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "core/audit/chain.h"
#include "core/crypto/hkdf.h"
#include "test_util.h"

using namespace listguard;
using listguard::test::fixed_server_key;

namespace {

CanonicalEvent event(std::int64_t seq, const char* kind, const char* detail)
{
    CanonicalEvent e;
    e.add_int64(seq);
    e.add_text(kind);
    if (detail)
        e.add_text(detail);
    else
        e.add_null();
    return e;
}

} // namespace

TEST(AuditChain, CanonicalBytesSeparateFieldsUnambiguously)
{
    CanonicalEvent a, b;
    a.add_text("ab");
    a.add_text("c");
    b.add_text("a");
    b.add_text("bc");
    EXPECT_NE(a.bytes(), b.bytes());
    CanonicalEvent n, empty;
    n.add_null();
    empty.add_text("");
    EXPECT_NE(n.bytes(), empty.bytes());
}

TEST(AuditChain, LinksDependOnEverythingBefore)
{
    KeyedDigest key(derive_key(fixed_server_key(), "listguard audit v1", 32));
    std::uint8_t zero[kLinkSize] = {};
    std::uint8_t l1[kLinkSize], l2[kLinkSize], l2b[kLinkSize], l1x[kLinkSize];
    chain_link(key, zero, event(1, "grant", "{}"), l1);
    chain_link(key, l1, event(2, "revoke", "{}"), l2);
    // Same second event after a different first one: another link.
    chain_link(key, zero, event(1, "grant", "{\"x\":1}"), l1x);
    chain_link(key, l1x, event(2, "revoke", "{}"), l2b);
    EXPECT_NE(0, std::memcmp(l2, l2b, kLinkSize));
    // Deterministic.
    std::uint8_t again[kLinkSize];
    chain_link(key, l1, event(2, "revoke", "{}"), again);
    EXPECT_EQ(0, std::memcmp(l2, again, kLinkSize));
}

TEST(AuditChain, KeyedByTheServerKey)
{
    KeyedDigest key(derive_key(fixed_server_key(), "listguard audit v1", 32));
    KeyedDigest other(derive_key(fixed_server_key(42), "listguard audit v1", 32));
    std::uint8_t zero[kLinkSize] = {};
    std::uint8_t a[kLinkSize], b[kLinkSize];
    chain_link(key, zero, event(1, "grant", nullptr), a);
    chain_link(other, zero, event(1, "grant", nullptr), b);
    EXPECT_NE(0, std::memcmp(a, b, kLinkSize));
}
