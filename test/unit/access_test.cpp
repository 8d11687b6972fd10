#include <gtest/gtest.h>

#include "core/access/decision.h"

using namespace listguard;

namespace {

Grant grant(std::int64_t id, std::optional<std::int64_t> account, std::optional<std::int64_t> list, RevealLevel reveal,
            bool can_write = false)
{
    Grant g;
    g.id = id;
    g.account = account;
    g.list = list;
    g.reveal = reveal;
    g.can_write = can_write;
    return g;
}

} // namespace

TEST(Access, NoGrantNoAccess)
{
    Access a = decide({}, {1, 1}, 0);
    EXPECT_FALSE(a.can_read);
    EXPECT_FALSE(a.can_write);
    EXPECT_EQ(a.reveal, RevealLevel::Masked);
}

TEST(Access, ScopesAccountsAndLists)
{
    std::vector<Grant> grants = {grant(1, 10, 11, RevealLevel::Clear)};
    EXPECT_TRUE(decide(grants, {10, 11}, 0).can_read);
    EXPECT_FALSE(decide(grants, {10, 12}, 0).can_read);
    EXPECT_FALSE(decide(grants, {9, 11}, 0).can_read);

    grants = {grant(2, 10, std::nullopt, RevealLevel::Pseudonym)};
    EXPECT_TRUE(decide(grants, {10, 11}, 0).can_read);
    EXPECT_TRUE(decide(grants, {10, 0}, 0).can_read) << "account-wide grants reach values with no list";
    EXPECT_FALSE(decide(grants, {11, 1}, 0).can_read);

    grants = {grant(3, std::nullopt, std::nullopt, RevealLevel::Masked)};
    EXPECT_TRUE(decide(grants, {99, 5}, 0).can_read);
    EXPECT_TRUE(decide(grants, {0, 0}, 0).can_read);
}

TEST(Access, ListGrantsDoNotReachValuesWithoutAList)
{
    std::vector<Grant> grants = {grant(1, 10, 11, RevealLevel::Clear)};
    EXPECT_FALSE(decide(grants, {10, 0}, 0).can_read);
}

TEST(Access, MostRevealingGrantApplies)
{
    std::vector<Grant> grants = {grant(1, std::nullopt, std::nullopt, RevealLevel::Masked),
                                 grant(2, 10, std::nullopt, RevealLevel::Sealed),
                                 grant(3, 10, 11, RevealLevel::Pseudonym), grant(4, 10, 12, RevealLevel::Clear)};
    EXPECT_EQ(decide(grants, {10, 11}, 0).reveal, RevealLevel::Sealed);
    EXPECT_EQ(decide(grants, {10, 11}, 0).grant.id, 2);
    EXPECT_EQ(decide(grants, {10, 12}, 0).reveal, RevealLevel::Clear);
    EXPECT_EQ(decide(grants, {10, 12}, 0).grant.id, 4);
    EXPECT_EQ(decide(grants, {20, 1}, 0).reveal, RevealLevel::Masked);
    EXPECT_EQ(decide(grants, {20, 1}, 0).grant.id, 0);
    EXPECT_TRUE(RevealLevel::Clear > RevealLevel::Sealed && RevealLevel::Sealed > RevealLevel::Pseudonym &&
                RevealLevel::Pseudonym > RevealLevel::Masked);
}

TEST(Access, WriteComesFromAnyActiveGrant)
{
    std::vector<Grant> grants = {grant(1, 10, std::nullopt, RevealLevel::Masked, true),
                                 grant(2, 10, 11, RevealLevel::Clear, false)};
    Access a = decide(grants, {10, 11}, 0);
    EXPECT_TRUE(a.can_write);
    EXPECT_EQ(a.reveal, RevealLevel::Clear);
}

TEST(Access, ExpiredGrantGivesMaskedReadOnly)
{
    Grant g = grant(1, 10, std::nullopt, RevealLevel::Clear, true);
    g.valid_until = 1000;
    Access before = decide({g}, {10, 1}, 999);
    EXPECT_EQ(before.reveal, RevealLevel::Clear);
    EXPECT_TRUE(before.can_write);
    EXPECT_EQ(before.valid_until, 1000);

    Access after = decide({g}, {10, 1}, 1000);
    EXPECT_TRUE(after.can_read);
    EXPECT_FALSE(after.can_write);
    EXPECT_EQ(after.reveal, RevealLevel::Masked);
    EXPECT_EQ(after.valid_until, kNever);
}

TEST(Access, OutsideTheNetworksGivesMaskedReadOnly)
{
    Grant g = grant(1, std::nullopt, std::nullopt, RevealLevel::Clear, true);
    g.network_allowed = false;
    Access a = decide({g}, {10, 1}, 0);
    EXPECT_TRUE(a.can_read);
    EXPECT_FALSE(a.can_write);
    EXPECT_EQ(a.reveal, RevealLevel::Masked);
}

TEST(Access, PrefersAGrantWithoutQuotaAmongEquals)
{
    Grant limited = grant(1, 10, std::nullopt, RevealLevel::Clear);
    limited.quota_limit = 100;
    limited.quota_window = 86400;
    Grant unlimited = grant(2, std::nullopt, std::nullopt, RevealLevel::Clear);
    EXPECT_EQ(decide({limited, unlimited}, {10, 1}, 0).grant.id, 2);
    EXPECT_EQ(decide({unlimited, limited}, {10, 1}, 0).grant.id, 2);
}

TEST(Access, DecisionHoldsUntilTheNextExpiry)
{
    Grant a = grant(1, 10, std::nullopt, RevealLevel::Pseudonym);
    a.valid_until = 500;
    Grant b = grant(2, 10, std::nullopt, RevealLevel::Clear);
    b.valid_until = 300;
    EXPECT_EQ(decide({a, b}, {10, 1}, 100).valid_until, 300);
    EXPECT_EQ(decide({a, b}, {10, 1}, 100).reveal, RevealLevel::Clear);
    EXPECT_EQ(decide({a, b}, {10, 1}, 300).reveal, RevealLevel::Pseudonym);
    EXPECT_EQ(decide({a, b}, {10, 1}, 300).valid_until, 500);
}

TEST(Access, SendingComesFromAnActiveCoveringGrant)
{
    Grant mta = grant(1, 10, std::nullopt, RevealLevel::Clear);
    mta.sends = true;
    std::vector<Grant> grants = {grant(2, 10, 11, RevealLevel::Clear), mta};
    EXPECT_TRUE(decide(grants, {10, 11}, 0).sends);
    EXPECT_FALSE(decide(grants, {11, 11}, 0).sends) << "another account";
    EXPECT_FALSE(decide({grant(2, 10, 11, RevealLevel::Clear)}, {10, 11}, 0).sends);

    grants[1].valid_until = 100;
    EXPECT_TRUE(decide(grants, {10, 11}, 50).sends);
    EXPECT_FALSE(decide(grants, {10, 11}, 100).sends) << "an expired sender grant sends nothing";
    grants[1].valid_until.reset();
    grants[1].network_allowed = false;
    EXPECT_FALSE(decide(grants, {10, 11}, 0).sends) << "nor one used from outside its networks";
}

// The range a row policy's index condition scans holds every account
// decide() may let through, for reading (any grant, expired or not) and
// writing (grants with can_write, whatever their expiry).
TEST(Access, AccountRangeHoldsEveryAccountDecideAllows)
{
    std::vector<Grant> grants(3);
    grants[0].account = 40;
    grants[0].list = 2;
    grants[1].account = 7;
    grants[1].valid_until = 5; // expired at 10: still read, masked
    grants[2].account = 12;
    grants[2].can_write = true;
    grants[2].valid_until = 5; // expired: no write now, but kept in the range
    AccountRange read = account_range(grants.data(), grants.size(), false);
    EXPECT_FALSE(read.every);
    EXPECT_EQ(read.first, 7);
    EXPECT_EQ(read.last, 40);
    AccountRange write = account_range(grants.data(), grants.size(), true);
    EXPECT_EQ(write.first, 12);
    EXPECT_EQ(write.last, 12);
    for (std::int64_t account = 0; account < 50; account++)
        for (std::int64_t list = 0; list < 4; list++) {
            Access a = decide(grants, {account, list}, 10);
            if (a.can_read) {
                EXPECT_TRUE(account >= read.first && account <= read.last) << account;
            }
            Access earlier = decide(grants, {account, list}, 1);
            if (earlier.can_write) {
                EXPECT_TRUE(account >= write.first && account <= write.last) << account;
            }
        }

    AccountRange none = account_range(nullptr, 0, false);
    EXPECT_GT(none.first, none.last) << "no grant: no account";
    EXPECT_FALSE(none.every);
    grants[1].account.reset();
    AccountRange every = account_range(grants.data(), grants.size(), false);
    EXPECT_TRUE(every.every);
    EXPECT_EQ(every.first, INT64_MIN);
    EXPECT_EQ(every.last, INT64_MAX);
    EXPECT_FALSE(account_range(grants.data(), grants.size(), true).every) << "the every-account grant cannot write";
}

TEST(Access, GrantsThatNeedAPrincipalOnlyReadWithoutOne)
{
    // One grant reaches the role through a require_principal application
    // (clear, writing, sending), another is the role's own (pseudonyms).
    Grant app = grant(1, 10, std::nullopt, RevealLevel::Clear, true);
    app.sends = true;
    app.needs_principal = true;
    std::vector<Grant> grants = {app, grant(2, 10, 11, RevealLevel::Pseudonym)};

    Access with = decide(grants, {10, 12}, 0);
    EXPECT_TRUE(with.can_write);
    EXPECT_TRUE(with.sends);
    EXPECT_EQ(with.reveal, RevealLevel::Clear);

    Access nobody = decide(grants, {10, 12}, 0, true);
    EXPECT_TRUE(nobody.can_read) << "its rows, masked";
    EXPECT_FALSE(nobody.can_write);
    EXPECT_FALSE(nobody.sends);
    EXPECT_EQ(nobody.reveal, RevealLevel::Masked);
    EXPECT_EQ(nobody.grant.id, 0);

    Access own = decide(grants, {10, 11}, 0, true);
    EXPECT_EQ(own.reveal, RevealLevel::Pseudonym) << "the role's own grant still applies";
    EXPECT_EQ(own.grant.id, 2);
    EXPECT_FALSE(own.can_write);
}
