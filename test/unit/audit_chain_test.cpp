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

TEST(AuditChain, Version1KeepsItsBytes)
{
    // Events linked by listguard 0.1 must verify as they were written.
    CanonicalEvent e(ChainEncoding::V1);
    e.add_int64(1);
    e.add_text("ab");
    e.add_null();
    std::string expected("\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x02"
                         "ab\xff\xff\xff\xff",
                         22);
    EXPECT_EQ(e.bytes(), expected);
}

TEST(AuditChain, Version2ArraysAreUnambiguous)
{
    // One 16-octet digest, two 8-octet halves, and the same with a null
    // element: three different encodings (in version 1 all the same).
    std::string whole(16, 'x');
    CanonicalEvent one, two, with_null;
    one.begin_array(1);
    one.add_text(whole);
    two.begin_array(2);
    two.add_text(whole.substr(0, 8));
    two.add_text(whole.substr(8));
    with_null.begin_array(3);
    with_null.add_text(whole.substr(0, 8));
    with_null.add_null();
    with_null.add_text(whole.substr(8));
    EXPECT_NE(one.bytes(), two.bytes());
    EXPECT_NE(two.bytes(), with_null.bytes());
    EXPECT_NE(one.bytes(), with_null.bytes());
}

TEST(AuditChain, Version2TypesAreUnambiguous)
{
    // An integer and the 8 octets of its text are different fields.
    CanonicalEvent number, text;
    number.add_int64(0x4142434445464748);
    text.add_text("ABCDEFGH");
    EXPECT_NE(number.bytes(), text.bytes());
    // The version octet comes first: a version 2 event never reads as a
    // version 1 one.
    CanonicalEvent v1(ChainEncoding::V1), v2(ChainEncoding::V2);
    v1.add_text("x");
    v2.add_text("x");
    EXPECT_NE(v1.bytes(), v2.bytes());
    EXPECT_EQ(v2.bytes()[0], 2);
}

TEST(AuditChain, LinksCompareInConstantTime)
{
    std::uint8_t a[kLinkSize] = {}, b[kLinkSize] = {};
    EXPECT_TRUE(links_equal(a, b));
    b[kLinkSize - 1] = 1;
    EXPECT_FALSE(links_equal(a, b));
}
