// Assertions (core/access/assertion.h, core/crypto/base64url.h,
// core/crypto/ed25519.h), two ways:
//
// - The input as an assertion: base64url decoding is strict (what it
//   decoded encodes back to the input: one octet string, one text), the
//   compact serialization splits only into three non-empty parts whose
//   signing input is the first two as written, and the fixed key verifies
//   none of it unless it is the one token that key signed.
// - The input as edits (fuzz.h) of that token, and as a cut or an
//   extension of it: a changed token never verifies.
#include <openssl/evp.h>

#include <string>

#include "core/access/assertion.h"
#include "core/crypto/base64url.h"
#include "core/crypto/ed25519.h"
#include "fuzz.h"

using namespace listguard;

namespace {

struct Signed {
    Ed25519Verifier* verifier;
    std::string token;
};

// One key made from a fixed seed, and one token signed with it.
const Signed& fixed()
{
    static const Signed* made = [] {
        std::uint8_t seed[32];
        for (int i = 0; i < 32; i++)
            seed[i] = static_cast<std::uint8_t>(i * 7 + 1);
        EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed, sizeof seed);
        FUZZ_CHECK(key != nullptr);
        Ed25519Key pub{};
        std::size_t len = pub.size();
        FUZZ_CHECK(EVP_PKEY_get_raw_public_key(key, pub.data(), &len) == 1);
        std::string input = base64url_encode(std::string("{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}")) + "." +
                            base64url_encode(std::string("{\"sub\":\"acme:alice\",\"aud\":\"esp\",\"iat\":1700000000,"
                                                         "\"exp\":1700000060,\"jti\":\"j1\"}"));
        unsigned char signature[64];
        std::size_t siglen = sizeof signature;
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        FUZZ_CHECK(EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key) == 1);
        FUZZ_CHECK(EVP_DigestSign(ctx, signature, &siglen, reinterpret_cast<const unsigned char*>(input.data()),
                                  input.size()) == 1);
        EVP_MD_CTX_free(ctx);
        EVP_PKEY_free(key);
        return new Signed{new Ed25519Verifier(pub), input + "." + base64url_encode(signature, siglen)};
    }();
    return *made;
}

bool verifies(std::string_view token)
{
    std::optional<CompactJws> jws = decode_compact_jws(token);
    return jws && fixed().verifier->verify(jws->signing_input, jws->signature);
}

void as_text(std::string_view text)
{
    std::optional<std::string> decoded = base64url_decode(text);
    if (decoded)
        FUZZ_CHECK(base64url_encode(*decoded) == text);
    else
        FUZZ_CHECK(!text.empty()); // the empty text is the empty octet string

    std::optional<CompactJws> jws = decode_compact_jws(text);
    if (jws) {
        FUZZ_CHECK(text.size() <= kMaxAssertionOctets);
        FUZZ_CHECK(text.substr(0, jws->signing_input.size()) == jws->signing_input);
        std::string again = std::string(jws->signing_input) + "." + base64url_encode(jws->signature);
        FUZZ_CHECK(again == text);
        FUZZ_CHECK(base64url_encode(jws->header) + "." + base64url_encode(jws->payload) == jws->signing_input);
    }
    FUZZ_CHECK(verifies(text) == (text == fixed().token));
}

void as_edits(const std::uint8_t* data, std::size_t size)
{
    std::string edited = fixed().token;
    fuzz::apply_edits(data, size, reinterpret_cast<std::uint8_t*>(edited.data()), edited.size());
    if (size % 3 == 1)
        edited.pop_back();
    else if (size % 3 == 2)
        edited += edited[size % edited.size()];
    FUZZ_CHECK(verifies(edited) == (edited == fixed().token));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    as_text(fuzz::text_of(data, size));
    as_edits(data, size);
    return 0;
}
