#include <cstring>

#include <gtest/gtest.h>

#include "core/audit/head.h"
#include "core/crypto/hkdf.h"
#include "test_util.h"

using namespace listguard;
using listguard::test::fixed_server_key;

namespace {

AuditHead sample()
{
    AuditHead h;
    h.last_id = 4711;
    for (std::size_t i = 0; i < kLinkSize; i++)
        h.link[i] = static_cast<std::uint8_t>(i * 7);
    h.as_of = 851000000000000;
    h.source = "cluster 7312 database 16384";
    return h;
}

} // namespace

TEST(AuditHead, SealIsValidForItsHeadOnly)
{
    KeyedDigest key(derive_key(fixed_server_key(), "listguard audit v1", 32));
    AuditHead h = sample();
    std::uint8_t seal[kLinkSize];
    seal_head(key, h, seal);
    EXPECT_TRUE(head_seal_valid(key, h, seal));

    AuditHead shorter = h;
    shorter.last_id--;
    EXPECT_FALSE(head_seal_valid(key, shorter, seal)) << "a head moved back to cover a cut tail";
    AuditHead older = h;
    older.as_of -= 1;
    EXPECT_FALSE(head_seal_valid(key, older, seal)) << "a head made to look older or newer";
    AuditHead other_link = h;
    other_link.link[31] ^= 1;
    EXPECT_FALSE(head_seal_valid(key, other_link, seal));
    AuditHead other_source = h;
    other_source.source += "x";
    EXPECT_FALSE(head_seal_valid(key, other_source, seal));
}

TEST(AuditHead, AnotherKeyCannotMakeOrCheckASeal)
{
    KeyedDigest key(derive_key(fixed_server_key(), "listguard audit v1", 32));
    KeyedDigest other(derive_key(fixed_server_key(9), "listguard audit v1", 32));
    AuditHead h = sample();
    std::uint8_t seal[kLinkSize];
    seal_head(other, h, seal);
    EXPECT_FALSE(head_seal_valid(key, h, seal));
}

TEST(AuditHead, SealDiffersFromAnyChainLink)
{
    // A head's seal is domain-separated from the links of the chain, so no
    // event's link can be passed off as a head's seal.
    KeyedDigest key(derive_key(fixed_server_key(), "listguard audit v1", 32));
    AuditHead h = sample();
    std::uint8_t seal[kLinkSize];
    seal_head(key, h, seal);
    CanonicalEvent e;
    e.add_int64(h.last_id);
    std::uint8_t link[kLinkSize];
    chain_link(key, h.link, e, link);
    EXPECT_FALSE(links_equal(seal, link));
}

TEST(AuditHead, RestoredSealIsNotAnOwnSeal)
{
    // A restoring server seals a head again as restored (when, and whether
    // it came nested in a restored history): such a seal cannot pass for a
    // chain's own head, nor for another restore's, nor the other way round.
    KeyedDigest key(derive_key(fixed_server_key(), "listguard audit v1", 32));
    AuditHead own = sample();
    std::uint8_t own_seal[kLinkSize];
    seal_head(key, own, own_seal);

    AuditHead restored = own;
    restored.restored = true;
    restored.restored_at = 852000000000000;
    std::uint8_t restored_seal[kLinkSize];
    seal_head(key, restored, restored_seal);
    EXPECT_TRUE(head_seal_valid(key, restored, restored_seal));
    EXPECT_FALSE(head_seal_valid(key, own, restored_seal)) << "a restored head passed off as a dump's own";
    EXPECT_FALSE(head_seal_valid(key, restored, own_seal)) << "an own seal kept by a restore that did not check it";

    AuditHead later = restored;
    later.restored_at += 1;
    EXPECT_FALSE(head_seal_valid(key, later, restored_seal)) << "a seal carried over from another restore";
    AuditHead nested = restored;
    nested.nested = true;
    EXPECT_FALSE(head_seal_valid(key, nested, restored_seal));
    std::uint8_t nested_seal[kLinkSize];
    seal_head(key, nested, nested_seal);
    EXPECT_FALSE(head_seal_valid(key, restored, nested_seal)) << "a nested head passed off as the dump's own";
}
