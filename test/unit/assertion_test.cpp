#include <gtest/gtest.h>

#include "core/access/assertion.h"
#include "core/crypto/base64url.h"

using namespace listguard;

namespace {

constexpr AssertionMicros kSecond = 1000000;
constexpr AssertionMicros kNow = INT64_C(1700000000) * kSecond;

JsonText str(const std::string& value)
{
    return JsonText{true, true, value};
}

NumericDate date(double seconds)
{
    return NumericDate{true, true, seconds};
}

AssertionClaims good_claims()
{
    AssertionClaims c;
    c.sub = str("acme:alice");
    c.aud_present = true;
    c.aud_well_typed = true;
    c.aud = {"esp"};
    c.iat = date(1700000000 - 10);
    c.exp = date(1700000000 + 50);
    c.jti = str("0f1e2d3c");
    return c;
}

ClaimRules rules()
{
    ClaimRules r;
    r.audience = "esp";
    r.now = kNow;
    r.floor = kNow - 3600 * kSecond;
    r.leeway = 2 * kSecond;
    return r;
}

AssertionProblem problem(const AssertionClaims& c, ClaimRules r = rules())
{
    return check_assertion_claims(c, r).problem;
}

} // namespace

TEST(Assertion, SplitsACompactJws)
{
    std::string token = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.aGVsbG8";
    auto jws = decode_compact_jws(token);
    ASSERT_TRUE(jws.has_value());
    EXPECT_EQ(jws->header, "{\"alg\":\"EdDSA\"}");
    EXPECT_EQ(jws->payload, "Example of Ed25519 signing");
    EXPECT_EQ(jws->signature, "hello");
    EXPECT_EQ(jws->signing_input, "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc");
}

TEST(Assertion, RefusesWhatIsNoCompactJws)
{
    EXPECT_FALSE(decode_compact_jws("").has_value());
    EXPECT_FALSE(decode_compact_jws("abc").has_value());
    EXPECT_FALSE(decode_compact_jws("a.b").has_value());
    EXPECT_FALSE(decode_compact_jws("eyJhbGciOiJub25lIn0.e30.").has_value()); // unsigned ("alg": "none")
    EXPECT_FALSE(decode_compact_jws(".e30.aGVsbG8").has_value());
    EXPECT_FALSE(decode_compact_jws("e30.e30.aGVsbG8.e30").has_value()); // JWE has five parts, JSON has none
    EXPECT_FALSE(decode_compact_jws("e30=.e30.aGVsbG8").has_value());    // padding
    EXPECT_FALSE(decode_compact_jws("e30.e30.aGVsbG8 ").has_value());
    EXPECT_FALSE(decode_compact_jws("e30.e30." + std::string(kMaxAssertionOctets, 'A')).has_value());
}

TEST(Assertion, HeaderMustSayEdDSA)
{
    AssertionHeader h;
    EXPECT_EQ(check_assertion_header(h).problem, AssertionProblem::Algorithm);
    h.alg = str("none");
    EXPECT_EQ(check_assertion_header(h).problem, AssertionProblem::Algorithm);
    h.alg = str("HS256");
    EXPECT_EQ(check_assertion_header(h).problem, AssertionProblem::Algorithm);
    h.alg = str("eddsa");
    EXPECT_EQ(check_assertion_header(h).problem, AssertionProblem::Algorithm);
    h.alg = JsonText{true, false, ""};
    EXPECT_EQ(check_assertion_header(h).problem, AssertionProblem::Algorithm);
    h.alg = str("EdDSA");
    EXPECT_TRUE(check_assertion_header(h).ok());
    h.typ = str("JWT");
    h.kid = str("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    EXPECT_TRUE(check_assertion_header(h).ok());
}

TEST(Assertion, HeaderMembersThatChangeTheReadingAreRefused)
{
    AssertionHeader h;
    h.alg = str("EdDSA");
    h.crit = true;
    EXPECT_EQ(check_assertion_header(h).problem, AssertionProblem::Unsupported);
    h.crit = false;
    h.b64 = true;
    EXPECT_EQ(check_assertion_header(h).problem, AssertionProblem::Unsupported);
    h.b64 = false;
    h.typ = str("at+jwt");
    EXPECT_EQ(check_assertion_header(h).problem, AssertionProblem::Unsupported);
    h.typ = JsonText{};
    h.kid = JsonText{true, false, ""};
    EXPECT_EQ(check_assertion_header(h).problem, AssertionProblem::Unsupported);
}

TEST(Assertion, GoodClaimsPass)
{
    EXPECT_EQ(problem(good_claims()), AssertionProblem::None);
    AssertionClaims c = good_claims();
    c.aud = {"other", "esp"}; // an array that holds the audience
    EXPECT_EQ(problem(c), AssertionProblem::None);
    c.ip = str("203.0.113.7");
    EXPECT_EQ(problem(c), AssertionProblem::None);
}

TEST(Assertion, EveryClaimIsRequired)
{
    for (const char* name : {"sub", "aud", "iat", "exp", "jti"}) {
        AssertionClaims c = good_claims();
        std::string n = name;
        if (n == "sub")
            c.sub = JsonText{};
        else if (n == "aud")
            c.aud_present = false;
        else if (n == "iat")
            c.iat = NumericDate{};
        else if (n == "exp")
            c.exp = NumericDate{};
        else
            c.jti = JsonText{};
        AssertionCheck check = check_assertion_claims(c, rules());
        EXPECT_EQ(check.problem, AssertionProblem::MissingClaim) << name;
        EXPECT_EQ(std::string(check.member), n);
    }
}

TEST(Assertion, ClaimsOfTheWrongType)
{
    AssertionClaims c = good_claims();
    c.sub = JsonText{true, false, ""};
    EXPECT_EQ(problem(c), AssertionProblem::ClaimType);
    c = good_claims();
    c.sub = str(" acme:alice");
    EXPECT_EQ(problem(c), AssertionProblem::ClaimType);
    c.sub = str("acme:\nalice");
    EXPECT_EQ(problem(c), AssertionProblem::ClaimType);
    c = good_claims();
    c.aud_well_typed = false;
    EXPECT_EQ(problem(c), AssertionProblem::ClaimType);
    c = good_claims();
    c.iat = NumericDate{true, false, 0}; // "iat": "1700000000"
    EXPECT_EQ(problem(c), AssertionProblem::ClaimType);
    c = good_claims();
    c.exp = date(1e300);
    EXPECT_EQ(problem(c), AssertionProblem::ClaimType);
    c = good_claims();
    c.exp = date(-5);
    EXPECT_EQ(problem(c), AssertionProblem::ClaimType);
    c = good_claims();
    c.nbf = NumericDate{true, false, 0};
    EXPECT_EQ(problem(c), AssertionProblem::ClaimType);
    c = good_claims();
    c.jti = str("");
    EXPECT_EQ(problem(c), AssertionProblem::ClaimType);
    c.jti = str(std::string(kMaxJti + 1, 'j'));
    EXPECT_EQ(problem(c), AssertionProblem::ClaimType);
    c = good_claims();
    c.ip = JsonText{true, false, ""};
    EXPECT_EQ(problem(c), AssertionProblem::ClaimType);
}

TEST(Assertion, Audience)
{
    AssertionClaims c = good_claims();
    c.aud = {"esp2"};
    EXPECT_EQ(problem(c), AssertionProblem::Audience);
    c.aud = {};
    EXPECT_EQ(problem(c), AssertionProblem::Audience);
    c.aud = {"ESP"};
    EXPECT_EQ(problem(c), AssertionProblem::Audience);
}

TEST(Assertion, LifetimeOfAtMostFiveMinutes)
{
    AssertionClaims c = good_claims();
    c.iat = date(1700000000 - 10);
    c.exp = date(1700000000 - 10 + 300);
    EXPECT_EQ(problem(c), AssertionProblem::None);
    c.exp = date(1700000000 - 10 + 300.5);
    EXPECT_EQ(problem(c), AssertionProblem::Lifetime);
    c.exp = date(1700000000 - 10);
    EXPECT_EQ(problem(c), AssertionProblem::Lifetime);
    c.exp = date(1700000000 - 20);
    EXPECT_EQ(problem(c), AssertionProblem::Lifetime);
}

TEST(Assertion, ExpiredEarlyAndBeforeStart)
{
    AssertionClaims c = good_claims();
    c.iat = date(1700000000 - 100);
    c.exp = date(1700000000);
    EXPECT_EQ(problem(c), AssertionProblem::Expired); // exp is not after now
    c.exp = date(1700000000.000001);
    EXPECT_EQ(problem(c), AssertionProblem::None);

    c = good_claims();
    c.iat = date(1700000000 + 2);
    c.exp = date(1700000000 + 60);
    EXPECT_EQ(problem(c), AssertionProblem::None); // within the leeway
    c.iat = date(1700000000 + 3);
    EXPECT_EQ(problem(c), AssertionProblem::Early);
    c = good_claims();
    c.nbf = date(1700000000 + 30);
    AssertionCheck check = check_assertion_claims(c, rules());
    EXPECT_EQ(check.problem, AssertionProblem::Early);
    EXPECT_EQ(std::string(check.member), "nbf");

    ClaimRules r = rules();
    r.floor = kNow - 5 * kSecond; // the server started 5 s ago
    c = good_claims();            // issued 10 s ago
    EXPECT_EQ(problem(c, r), AssertionProblem::BeforeStart);
    c.iat = date(1700000000 - 5);
    EXPECT_EQ(problem(c, r), AssertionProblem::None);
}

TEST(Assertion, PrincipalNames)
{
    EXPECT_TRUE(valid_principal_name("acme:alice"));
    EXPECT_TRUE(valid_principal_name("esp-support/bob"));
    EXPECT_TRUE(valid_principal_name("Zoë"));
    EXPECT_FALSE(valid_principal_name(""));
    EXPECT_FALSE(valid_principal_name(" acme:alice"));
    EXPECT_FALSE(valid_principal_name("acme:alice "));
    EXPECT_FALSE(valid_principal_name("acme:\talice"));
    EXPECT_FALSE(valid_principal_name(std::string("acme:\0alice", 11)));
    EXPECT_FALSE(valid_principal_name("alice@acme.example")); // an identifier, never an address
    EXPECT_FALSE(valid_principal_name(std::string(kMaxPrincipalName + 1, 'a')));
    EXPECT_TRUE(valid_principal_name(std::string(kMaxPrincipalName, 'a')));
}

TEST(Assertion, ReplayKeysArePerApplication)
{
    ReplayKey a = assertion_replay_key(16384, "jti-1");
    EXPECT_EQ(a, assertion_replay_key(16384, "jti-1"));
    EXPECT_NE(a, assertion_replay_key(16385, "jti-1"));
    EXPECT_NE(a, assertion_replay_key(16384, "jti-2"));
    EXPECT_NE(assertion_replay_key(1, std::string("\0", 1)), assertion_replay_key(256, ""));
}
