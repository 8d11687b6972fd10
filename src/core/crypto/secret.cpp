#include "core/crypto/secret.h"

#include <openssl/crypto.h>

namespace listguard {

Secret& Secret::operator=(Secret&& other) noexcept
{
    if (this != &other) {
        wipe();
        bytes_ = std::move(other.bytes_);
        other.bytes_.clear();
    }
    return *this;
}

bool Secret::operator==(const Secret& other) const noexcept
{
    return bytes_.size() == other.bytes_.size() &&
           CRYPTO_memcmp(bytes_.data(), other.bytes_.data(), bytes_.size()) == 0;
}

void Secret::wipe() noexcept
{
    if (!bytes_.empty())
        OPENSSL_cleanse(bytes_.data(), bytes_.size());
}

} // namespace listguard
