#include <string>

#include <gtest/gtest.h>

#include "core/keys/keyring.h"
#include "core/email/input.h"
#include "core/email/placeholder.h"
#include "core/email/sealed_email.h"
#include "test_util.h"
#include "core/email/token.h"

using namespace listguard;
using listguard::test::error_detail;
using listguard::test::fixed_server_key;

TEST(EmailInput, AddressesAreSealedUnstamped)
{
    EmailSealer s(fixed_server_key());
    std::uint8_t v[sealed::kMaxSize];
    std::size_t n = seal_input(s, "Jane@example.com", 0, v);
    char out[kMaxAddressOctets];
    EXPECT_EQ(std::string(out, s.open(v, n, out)), "Jane@example.com");
    EXPECT_EQ(sealed::stamp_of(v), (Stamp{0, 0}));
}

TEST(EmailInput, TokensKeepTheirStamp)
{
    EmailSealer s(fixed_server_key());
    std::uint8_t v[sealed::kMaxSize];
    std::size_t n = s.seal(parse_address("jane@example.com"), {9, 3}, v);
    char token[kMaxTokenOctets];
    std::size_t token_len = encode_token(v, n, token);

    std::uint8_t back[sealed::kMaxSize];
    std::size_t m = seal_input(s, std::string_view(token, token_len), 0, back);
    EXPECT_EQ(std::string(v, v + n), std::string(back, back + m));
    EXPECT_EQ(sealed::stamp_of(back), (Stamp{9, 3}));
}

TEST(EmailInput, TokensOfAnOlderKeyComeBackUnderTheCurrentOne)
{
    KeyringSpec before = parse_keyring("test", "index " + std::string(64, 'a') + "\nseal " + std::string(64, 'b'));
    KeyringSpec after = parse_keyring("test", "index " + std::string(64, 'a') + "\nseal " + std::string(64, 'b') +
                                                  "\nseal " + std::string(64, 'c'));
    Keyring old_ring(before), new_ring(after);
    std::uint8_t v[sealed::kMaxSize];
    std::size_t n = old_ring.email().seal(parse_address("jane@example.com"), {9, 3}, v);
    char token[kMaxTokenOctets];
    std::size_t token_len = encode_token(v, n, token);
    std::uint8_t back[sealed::kMaxSize];
    std::size_t m = seal_input(new_ring.email(), std::string_view(token, token_len), 0, back);
    EXPECT_TRUE(new_ring.email().under_current_key(back));
    EXPECT_EQ(sealed::stamp_of(back), (Stamp{9, 3}));
    char out[kMaxAddressOctets];
    EXPECT_EQ(std::string(out, new_ring.email().open(back, m, out)), "jane@example.com");
}

TEST(EmailInput, MasksAreRefused)
{
    EmailSealer s(fixed_server_key());
    std::uint8_t v[sealed::kMaxSize];
    EXPECT_EQ(error_detail([&] { seal_input(s, "j***@example.com", 0, v); }),
              "It has the shape of a listguard mask (one character, then ***), not of an address.");
    EXPECT_NO_THROW(seal_input(s, "j**@example.com", 0, v));
    // Other spellings of the same mask: quoted, upper case.
    EXPECT_EQ(error_detail([&] { seal_input(s, "\"j***\"@example.com", 0, v); }),
              "It has the shape of a listguard mask (one character, then ***), not of an address.");
    EXPECT_EQ(error_detail([&] { seal_input(s, "J***@EXAMPLE.com", 0, v); }),
              "It has the shape of a listguard mask (one character, then ***), not of an address.");
}

TEST(EmailInput, PseudonymsAreRefusedInAnySpelling)
{
    EmailSealer s(fixed_server_key());
    std::uint8_t v[sealed::kMaxSize];
    const char* detail = "It has the shape of a listguard pseudonym (p. and 12 letters or digits), not of an address.";
    EXPECT_EQ(error_detail([&] { seal_input(s, "p.abcdefgh2345@example.com", 0, v); }), detail);
    EXPECT_EQ(error_detail([&] { seal_input(s, "\"p.abcdefgh2345\"@example.com", 0, v); }), detail);
    EXPECT_EQ(error_detail([&] { seal_input(s, "P.ABCDEFGH2345@example.com", 0, v); }), detail);
}

TEST(EmailInput, AddressesCarryTheirTransactionsNonce)
{
    // Fresh in the transaction that made it, no account anywhere: the nonce
    // is authenticated with the header, so it cannot be changed or forged.
    EmailSealer s(fixed_server_key());
    std::uint8_t v[sealed::kMaxSize];
    std::size_t n = seal_input(s, "jane@example.com", 0x1234567890abcdef, v);
    EXPECT_EQ(sealed::stamp_of(v), (Stamp{0, 0}));
    EXPECT_EQ(sealed::fresh_nonce_of(v), 0x1234567890abcdef);
    char out[kMaxAddressOctets];
    v[sealed::kListOffset + 7] ^= 1; // another nonce
    EXPECT_THROW(s.open(v, n, out), Error);
    // A stamped value has no nonce.
    std::size_t m = s.seal(parse_address("jane@example.com"), {9, 3}, v);
    (void)m;
    EXPECT_EQ(sealed::fresh_nonce_of(v), 0);
}

TEST(EmailInput, MasksAndPseudonymsBecomePlaceholdersForWriteBack)
{
    // Kept as typed, with their form; never a sealed value, never opened.
    EmailSealer s(fixed_server_key());
    std::uint8_t v[sealed::kMaxSize];
    std::size_t n = seal_input(s, "J***@Example.com", 0, v, ShownForms::Placeholder);
    ASSERT_TRUE(is_placeholder(v, n));
    EXPECT_EQ(placeholder_form(v), ShownForm::Mask);
    EXPECT_EQ(placeholder_text(v, n), "J***@Example.com");
    EXPECT_THROW(sealed::check_layout(v, n), Error);
    n = seal_input(s, "p.abcdefgh2345@example.com", 0, v, ShownForms::Placeholder);
    ASSERT_TRUE(is_placeholder(v, n));
    EXPECT_EQ(placeholder_form(v), ShownForm::Pseudonym);
    EXPECT_EQ(placeholder_text(v, n), "p.abcdefgh2345@example.com");
    // Addresses and malformed text are what they always were.
    n = seal_input(s, "jane@example.com", 0, v, ShownForms::Placeholder);
    EXPECT_FALSE(is_placeholder(v, n));
    EXPECT_NO_THROW(sealed::check_layout(v, n));
    EXPECT_THROW(seal_input(s, "j***@", 0, v, ShownForms::Placeholder), Error);
}

TEST(EmailInput, NoSealedValueLooksLikeAPlaceholder)
{
    EmailSealer s(fixed_server_key());
    std::uint8_t v[sealed::kMaxSize];
    std::size_t n = seal_input(s, "jane@example.com", 0, v);
    EXPECT_FALSE(is_placeholder(v, n));
    EXPECT_EQ(v[0], sealed::kVersion);
    EXPECT_NE(sealed::kVersion, placeholder::kVersion);
    // A refusal names the form, and says where it may stand when asked to.
    EXPECT_EQ(error_detail([&] { refuse_shown_form(ShownForm::Mask, true); }),
              "It has the shape of a listguard mask (one character, then ***), not of an address.");
}

// check_input() refuses exactly what seal_input() refuses, with the same
// message and detail, and accepts what it accepts (invalid_addresses()).
TEST(EmailInput, CheckAgreesWithSealing)
{
    EmailSealer s(fixed_server_key());
    std::uint8_t v[sealed::kMaxSize];
    std::size_t n = s.seal(parse_address("jane@example.com"), {9, 3}, v);
    char token[kMaxTokenOctets];
    std::string good_token(token, encode_token(v, n, token));
    std::string bad_token = good_token;
    bad_token[bad_token.size() - 3] = bad_token[bad_token.size() - 3] == 'A' ? 'B' : 'A';
    const std::string inputs[] = {"Jane@example.com", "j***@example.com", "j**@example.com", "p.4k2m9xq7@example.com",
                                  "no at sign", "a..b@example.com", "", "x@" + std::string(260, 'a') + ".com",
                                  std::string(240, 'a') + "@example.com", "jöhn@exämple.com", good_token, bad_token};
    for (const std::string& input : inputs) {
        auto outcome = [](auto fn) {
            try {
                fn();
                return std::string("ok");
            } catch (const Error& e) {
                return std::string(e.what()) + " | " + e.detail();
            }
        };
        std::string sealed = outcome([&] { seal_input(s, input, 0, v); });
        std::string checked = outcome([&] { check_input(s, input); });
        EXPECT_EQ(checked, sealed) << "input of " << input.size() << " octets";
    }
}

// The batched COPY's input: an address sealed with its row's stamp in one
// pass, the same value seal_input() and a restamp would make; tokens, masks
// and pseudonyms left to seal_input(), malformed addresses refused alike.
TEST(EmailInput, StampedInputSealsAddressesWithTheStamp)
{
    EmailSealer s(fixed_server_key());
    std::uint8_t v[sealed::kMaxSize];
    std::size_t n = seal_input_stamped(s, "Jane@example.com", {9, 3}, v);
    ASSERT_GT(n, 0u);
    EXPECT_EQ(sealed::stamp_of(v), (Stamp{9, 3}));
    char out[kMaxAddressOctets];
    EXPECT_EQ(std::string(out, s.open(v, n, out)), "Jane@example.com");

    std::uint8_t fresh[sealed::kMaxSize], restamped[sealed::kMaxSize];
    std::size_t f = seal_input(s, "Jane@example.com", 7, fresh);
    std::size_t r = s.restamp(fresh, f, {9, 3}, restamped);
    EXPECT_EQ(std::string(v, v + n), std::string(restamped, restamped + r));
}

TEST(EmailInput, StampedInputLeavesTokensMasksAndPseudonymsToTheInput)
{
    EmailSealer s(fixed_server_key());
    std::uint8_t v[sealed::kMaxSize];
    std::size_t n = s.seal(parse_address("jane@example.com"), {9, 3}, v);
    char token[kMaxTokenOctets];
    std::size_t token_len = encode_token(v, n, token);
    std::uint8_t out[sealed::kMaxSize];
    EXPECT_EQ(seal_input_stamped(s, std::string_view(token, token_len), {9, 3}, out), 0u);
    EXPECT_EQ(seal_input_stamped(s, "j***@example.com", {9, 3}, out), 0u);
    EXPECT_THROW(seal_input_stamped(s, "not an address", {9, 3}, out), Error);
}
