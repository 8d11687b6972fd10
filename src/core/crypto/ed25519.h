// Ed25519 public keys and signature checks (RFC 8032), through OpenSSL's
// EVP_PKEY: the keys applications sign their assertions with (RFC 8037's
// EdDSA for JWS). Only verification: the server never holds a private key.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace listguard {

constexpr std::size_t kEd25519KeySize = 32;
constexpr std::size_t kEd25519SignatureSize = 64;
using Ed25519Key = std::array<std::uint8_t, kEd25519KeySize>;

// The raw key of a PEM public key ("-----BEGIN PUBLIC KEY-----", a
// SubjectPublicKeyInfo). Throws InvalidParameter, saying why, for anything
// else: no PEM, a private key, another algorithm, more than one key.
Ed25519Key ed25519_key_from_pem(std::string_view pem);

// The key as PEM, in OpenSSL's canonical form (what is stored).
std::string ed25519_pem(const Ed25519Key& key);

// The key's JWK thumbprint (RFC 7638, with RFC 8037's members), base64url:
// the "kid" an application may name in an assertion's header.
std::string ed25519_thumbprint(const Ed25519Key& key);

class Ed25519Verifier {
public:
    explicit Ed25519Verifier(const Ed25519Key& key);
    ~Ed25519Verifier();
    Ed25519Verifier(const Ed25519Verifier&) = delete;
    Ed25519Verifier& operator=(const Ed25519Verifier&) = delete;

    // True only if `signature` (64 octets) is this key's signature of
    // `message`. Throws Internal only if OpenSSL fails to run.
    bool verify(std::string_view message, std::string_view signature) const;

    const Ed25519Key& key() const noexcept { return key_; }

private:
    Ed25519Key key_;
    EVP_PKEY* pkey_ = nullptr;
    EVP_MD_CTX* ctx_ = nullptr;
};

} // namespace listguard
