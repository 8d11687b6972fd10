// Everything keyed by the keyring, derived once per backend and kept for its
// life: keyed OpenSSL contexts are expensive to make and cheap to reuse.
//
// The index key makes what must stay stable for as long as data exists:
// equality digests (unique indexes, lookups), pseudonyms and the audit
// chain. Seal keys only encrypt, so they can rotate.
#pragma once

#include <string>

#include "core/canary/reveal_record.h"
#include "core/crypto/hkdf.h"
#include "core/crypto/keyed_digest.h"
#include "core/keys/keyring_file.h"
#include "core/crypto/secret.h"
#include "core/email/pseudonym.h"
#include "core/email/sealed_email.h"
#include "core/email/transit.h"

namespace listguard {

// Names an index key without revealing it: 16 hex digits. A cluster
// records the id of the index key its data was made with, and refuses a
// keyring with another one rather than answering lookups wrongly.
std::string index_key_id(const Secret& index_key);

class Keyring {
public:
    explicit Keyring(const KeyringSpec& spec)
        : email_(spec.index, spec.seals, spec.current), pseudonyms_(spec.index),
          audit_(derive_key(spec.index, "listguard audit v1", 32)), canary_reveals_(spec.index),
          transit_(spec.index), index_id_(index_key_id(spec.index))
    {
    }
    EmailSealer& email() noexcept { return email_; }
    Pseudonymizer& pseudonyms() noexcept { return pseudonyms_; }
    KeyedDigest& audit() noexcept { return audit_; }
    const RevealRecordSealer& canary_reveals() const noexcept { return canary_reveals_; }
    // Values and proofs between the nodes of a Citus cluster (core/email/transit.h).
    TransitSealer& transit() noexcept { return transit_; }
    const std::string& index_id() const noexcept { return index_id_; }

private:
    EmailSealer email_;
    Pseudonymizer pseudonyms_;
    KeyedDigest audit_;
    RevealRecordSealer canary_reveals_;
    TransitSealer transit_;
    std::string index_id_;
};

} // namespace listguard
