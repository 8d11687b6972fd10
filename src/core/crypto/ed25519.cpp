#include "core/crypto/ed25519.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/base/error.h"
#include "core/crypto/base64url.h"

namespace listguard {

namespace {

[[noreturn]] void invalid_key(const char* detail)
{
    ERR_clear_error();
    throw Error(ErrorKind::InvalidParameter, "invalid public key", detail,
                "Give an Ed25519 public key in PEM form, as \"openssl pkey -pubout\" writes it.");
}

} // namespace

Ed25519Key ed25519_key_from_pem(std::string_view pem)
{
    constexpr std::string_view kBegin = "-----BEGIN PUBLIC KEY-----";
    std::size_t begin = pem.find(kBegin);
    if (begin == std::string_view::npos)
        invalid_key("It is not a PEM public key (no \"-----BEGIN PUBLIC KEY-----\" line).");
    if (pem.find(kBegin, begin + kBegin.size()) != std::string_view::npos)
        invalid_key("It holds more than one key.");
    if (pem.find("PRIVATE KEY") != std::string_view::npos)
        invalid_key("It holds a private key, which must never leave the application.");
    if (pem.size() > 4096)
        invalid_key("It is far longer than an Ed25519 public key.");
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    if (bio == nullptr)
        throw Error(ErrorKind::Internal, "could not read the public key");
    EVP_PKEY* pkey = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (pkey == nullptr)
        invalid_key("OpenSSL could not read it as a public key.");
    Ed25519Key key{};
    std::size_t len = key.size();
    bool ok = EVP_PKEY_get_base_id(pkey) == EVP_PKEY_ED25519 &&
              EVP_PKEY_get_raw_public_key(pkey, key.data(), &len) == 1 && len == key.size();
    EVP_PKEY_free(pkey);
    if (!ok)
        invalid_key("It is not an Ed25519 key (assertions are signed with EdDSA over Ed25519, RFC 8037).");
    return key;
}

std::string ed25519_pem(const Ed25519Key& key)
{
    EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size());
    BIO* bio = BIO_new(BIO_s_mem());
    bool ok = pkey != nullptr && bio != nullptr && PEM_write_bio_PUBKEY(bio, pkey) == 1;
    std::string out;
    if (ok) {
        char* data = nullptr;
        long n = BIO_get_mem_data(bio, &data);
        out.assign(data, static_cast<std::size_t>(n));
    }
    BIO_free(bio);
    EVP_PKEY_free(pkey);
    if (!ok) {
        ERR_clear_error();
        throw Error(ErrorKind::Internal, "could not write the public key");
    }
    return out;
}

std::string ed25519_thumbprint(const Ed25519Key& key)
{
    // RFC 7638: the required members in lexicographic order, no whitespace.
    std::string jwk =
        "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + base64url_encode(key.data(), key.size()) + "\"}";
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(jwk.data(), jwk.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
        ERR_clear_error();
        throw Error(ErrorKind::Internal, "could not hash the public key");
    }
    return base64url_encode(digest, len);
}

Ed25519Verifier::Ed25519Verifier(const Ed25519Key& key) : key_(key)
{
    pkey_ = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size());
    ctx_ = EVP_MD_CTX_new();
    if (pkey_ == nullptr || ctx_ == nullptr) {
        EVP_PKEY_free(pkey_);
        EVP_MD_CTX_free(ctx_);
        ERR_clear_error();
        throw Error(ErrorKind::Internal, "could not load an Ed25519 key");
    }
}

Ed25519Verifier::~Ed25519Verifier()
{
    EVP_MD_CTX_free(ctx_);
    EVP_PKEY_free(pkey_);
}

bool Ed25519Verifier::verify(std::string_view message, std::string_view signature) const
{
    if (signature.size() != kEd25519SignatureSize)
        return false;
    // Ed25519 is a one-shot signature: the context is set up for each check.
    if (EVP_MD_CTX_reset(ctx_) != 1 || EVP_DigestVerifyInit(ctx_, nullptr, nullptr, nullptr, pkey_) != 1) {
        ERR_clear_error();
        throw Error(ErrorKind::Internal, "could not check an Ed25519 signature");
    }
    int rc = EVP_DigestVerify(ctx_, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                              reinterpret_cast<const unsigned char*>(message.data()), message.size());
    ERR_clear_error(); // a bad signature leaves an error on OpenSSL's queue
    return rc == 1;
}

} // namespace listguard
