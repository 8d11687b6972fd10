// Everything keyed by the server key, derived once per backend and kept for
// its life: keyed OpenSSL contexts are expensive to make and cheap to reuse.
#pragma once

#include "core/crypto/hkdf.h"
#include "core/crypto/keyed_digest.h"
#include "core/crypto/secret.h"
#include "core/email/pseudonym.h"
#include "core/email/sealed_email.h"

namespace listguard {

class Keyring {
public:
    explicit Keyring(const Secret& server_key)
        : email_(server_key), pseudonyms_(server_key), audit_(derive_key(server_key, "listguard audit v1", 32))
    {
    }
    EmailSealer& email() noexcept { return email_; }
    Pseudonymizer& pseudonyms() noexcept { return pseudonyms_; }
    KeyedDigest& audit() noexcept { return audit_; }

private:
    EmailSealer email_;
    Pseudonymizer pseudonyms_;
    KeyedDigest audit_;
};

} // namespace listguard
