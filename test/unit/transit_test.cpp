#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "core/base/error.h"
#include "core/email/address.h"
#include "core/email/sealed_email.h"
#include "core/email/transit.h"
#include "test_util.h"

using namespace listguard;
using listguard::test::fixed_server_key;

namespace {

struct Value {
    std::uint8_t bytes[sealed::kMaxSize];
    std::size_t size = 0;
};

Value sealed_value(EmailSealer& s, const std::string& address, Stamp stamp)
{
    Value v;
    v.size = s.seal(parse_address(address), stamp, v.bytes);
    return v;
}

std::string wrap(TransitSealer& t, const Value& v, std::string_view role = {})
{
    char out[transit::kMaxTokenOctets];
    return std::string(out, t.wrap(v.bytes, v.size, role, out));
}

} // namespace

TEST(Transit, RoundTripKeepsTheStoredFormAndStamp)
{
    EmailSealer s(fixed_server_key());
    TransitSealer sender(fixed_server_key());
    TransitSealer receiver(fixed_server_key());
    Value v = sealed_value(s, "jane.doe@example.com", {7, 70});
    std::string token = wrap(sender, v);
    EXPECT_TRUE(looks_like_transit(token));
    EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 5),
              std::string::npos);
    std::uint8_t out[sealed::kMaxSize];
    Unwrapped u = receiver.unwrap(token, "anyone", out);
    ASSERT_EQ(u.size, v.size);
    EXPECT_EQ(std::memcmp(out, v.bytes, v.size), 0);
    EXPECT_FALSE(u.fresh_for_role);
    EXPECT_EQ(sealed::stamp_of(out), (Stamp{7, 70}));
    // The token never holds the address, the digest or the stored bytes.
    EXPECT_EQ(token.find("jane"), std::string::npos);
}

TEST(Transit, TokensOfOneValueDiffer)
{
    EmailSealer s(fixed_server_key());
    TransitSealer t(fixed_server_key());
    Value v = sealed_value(s, "a@example.com", {1, 1});
    std::string first = wrap(t, v);
    std::string second = wrap(t, v);
    EXPECT_NE(first, second);
    TransitSealer other_process(fixed_server_key());
    EXPECT_NE(wrap(other_process, v), first);
}

TEST(Transit, FreshOnlyForTheRoleThatTypedIt)
{
    EmailSealer s(fixed_server_key());
    TransitSealer t(fixed_server_key());
    Value v = sealed_value(s, "typed@example.com", {0, 12345});
    std::string token = wrap(t, v, "alice");
    std::uint8_t out[sealed::kMaxSize];
    EXPECT_TRUE(t.unwrap(token, "alice", out).fresh_for_role);
    EXPECT_FALSE(t.unwrap(token, "bob", out).fresh_for_role);
    EXPECT_FALSE(t.unwrap(token, "alic", out).fresh_for_role);
    EXPECT_FALSE(t.unwrap(token, "", out).fresh_for_role);
}

TEST(Transit, AnotherKeyringOrAnAlteredTokenDoesNotOpen)
{
    EmailSealer s(fixed_server_key());
    TransitSealer t(fixed_server_key());
    TransitSealer other(fixed_server_key(9));
    Value v = sealed_value(s, "a@example.com", {1, 2});
    std::string token = wrap(t, v);
    std::uint8_t out[sealed::kMaxSize];
    EXPECT_THROW(other.unwrap(token, "r", out), Error);
    for (std::size_t i = transit::kPrefix.size(); i < token.size(); i += 7) {
        std::string altered = token;
        altered[i] = altered[i] == 'A' ? 'B' : 'A';
        EXPECT_THROW(t.unwrap(altered, "r", out), Error) << i;
    }
    EXPECT_THROW(t.unwrap(token.substr(0, token.size() - 4), "r", out), Error);
    EXPECT_THROW(t.unwrap("lgt1:", "r", out), Error);
    EXPECT_THROW(t.unwrap("lgt1:!!!!", "r", out), Error);
    EXPECT_THROW(t.unwrap("lg1:AAAA", "r", out), Error);
    try {
        t.unwrap(token + "AA", "r", out);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidText);
    }
}

TEST(Transit, LongestValueFits)
{
    EmailSealer s(fixed_server_key());
    TransitSealer t(fixed_server_key());
    std::string local(64, 'x');
    std::string domain = std::string(60, 'd') + "." + std::string(60, 'e') + "." + std::string(60, 'f') + ".com";
    Value v = sealed_value(s, local + "@" + domain, {0, 1});
    std::string role(transit::kMaxRole, 'r');
    std::string token = wrap(t, v, role);
    EXPECT_LE(token.size(), transit::kMaxTokenOctets);
    std::uint8_t out[sealed::kMaxSize];
    Unwrapped u = t.unwrap(token, role, out);
    EXPECT_TRUE(u.fresh_for_role);
    EXPECT_EQ(u.size, v.size);
}

TEST(TransitProof, ChecksGpidRoleKeyAndAge)
{
    TransitSealer t(fixed_server_key());
    TransitSealer same_cluster(fixed_server_key());
    TransitSealer other(fixed_server_key(3));
    std::string proof = t.proof(10000012345ULL, "app", 1000);
    EXPECT_TRUE(same_cluster.check_proof(proof, 10000012345ULL, "app", 1000, 3600));
    EXPECT_TRUE(same_cluster.check_proof(proof, 10000012345ULL, "app", 4600, 3600));
    EXPECT_FALSE(same_cluster.check_proof(proof, 10000012345ULL, "app", 4601, 3600));
    EXPECT_FALSE(same_cluster.check_proof(proof, 10000012346ULL, "app", 1000, 3600));
    EXPECT_FALSE(same_cluster.check_proof(proof, 10000012345ULL, "app", 900, 3600)); // issued in the future
    EXPECT_FALSE(other.check_proof(proof, 10000012345ULL, "app", 1000, 3600));
    // Bound to the role: captured, it logs in no other.
    EXPECT_FALSE(same_cluster.check_proof(proof, 10000012345ULL, "listguard_owner", 1000, 3600));
    EXPECT_FALSE(same_cluster.check_proof(proof, 10000012345ULL, "ap", 1000, 3600));
    EXPECT_FALSE(same_cluster.check_proof(proof, 10000012345ULL, "", 1000, 3600));
    std::string altered = proof;
    altered[8] = altered[8] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(t.check_proof(altered, 10000012345ULL, "app", 1000, 3600));
    EXPECT_FALSE(t.check_proof("", 0, "", 0, 3600));
    EXPECT_FALSE(t.check_proof("lgp2:", 0, "", 0, 3600));
}

TEST(TransitProof, ListsOneProofPerRole)
{
    TransitSealer t(fixed_server_key());
    std::string list = t.proof(7, "adm", 1000) + "," + t.proof(7, "listguard_owner", 1000);
    EXPECT_TRUE(t.check_proofs(list, 7, "adm", 1000, 3600));
    EXPECT_TRUE(t.check_proofs(list, 7, "listguard_owner", 1000, 3600));
    EXPECT_FALSE(t.check_proofs(list, 7, "app", 1000, 3600));
    EXPECT_FALSE(t.check_proofs(t.proof(7, "app", 1000), 7, "adm", 1000, 3600));
    EXPECT_FALSE(t.check_proofs("", 7, "", 1000, 3600));
    EXPECT_FALSE(t.check_proofs(",,,,," + t.proof(7, "app", 1000), 7, "app", 1000, 3600)); // at most four looked at
}
