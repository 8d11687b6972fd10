#include "core/crypto/hkdf.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "core/base/error.h"

namespace listguard {

Secret hkdf_sha256(const Secret& input_key, std::string_view salt, std::string_view info, std::size_t length)
{
    EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
    EVP_KDF_CTX* ctx = kdf ? EVP_KDF_CTX_new(kdf) : nullptr;
    EVP_KDF_free(kdf);
    if (ctx == nullptr)
        throw Error(ErrorKind::Internal, "could not create an HKDF context");

    OSSL_PARAM params[5];
    OSSL_PARAM* p = params;
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>("SHA256"), 0);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(input_key.data()),
                                             input_key.size());
    if (!salt.empty())
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()), salt.size());
    if (!info.empty())
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()), info.size());
    *p = OSSL_PARAM_construct_end();
    Secret out(length);
    int ok = EVP_KDF_derive(ctx, out.data(), out.size(), params);
    EVP_KDF_CTX_free(ctx);
    if (ok != 1)
        throw Error(ErrorKind::Internal, "HKDF key derivation failed");
    return out;
}

Secret derive_key(const Secret& server_key, std::string_view purpose, std::size_t length)
{
    return hkdf_sha256(server_key, "listguard hkdf salt v1", purpose, length);
}

} // namespace listguard
