// Values between the nodes of a Citus cluster, and the proof that a session
// is one of its internal connections.
//
// A transit token carries a value's stored form (stamp, digest and sealed
// address, unchanged) from one node to another: "lgt1:" and the URL-safe
// base64 of
//
//   nonce (16) | SIV tag (16) | ciphertext of [flags][role length][role][stored form]
//
// under a key derived from the index key, which every node of a cluster
// shares. The nonce (a random prefix per process and a counter) goes into
// the associated data, so the same value never makes the same token twice:
// a token tells nothing of the value (not even equality), opens only under
// the cluster's keyring, and an altered one does not open. A value its role
// typed itself (fresh, core/email/input.h) names that role inside: it is
// fresh again on the receiving node for the same role only, and for any
// other role it is what a fresh value from another session always is, a
// value of no account. Any other value comes back exactly as it left, with
// its stamp, so a token gives whoever holds it nothing that the value
// itself would not.
//
// A proof says "this connection was opened by a listguard backend of this
// cluster for the Citus global process id gpid, to log in as role" (Citus
// names gpid in the application_name of its internal connections, which any
// client can set): "lgp2:" and the base64 of gpid (8) | issued (8) |
// HMAC (16) over those and the role's name, keyed by another key derived
// from the index key. Bound to the role, a proof captured from a connection
// (one a role made Citus open to a server of its own) logs in no other
// role; its short life is its holder's (pg/citus/transit.h). Several proofs
// (one per role a connection may log in as) travel comma-separated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/crypto/aes_siv.h"
#include "core/crypto/keyed_digest.h"
#include "core/crypto/secret.h"
#include "core/email/sealed_email.h"

namespace listguard {

namespace transit {
constexpr std::string_view kPrefix = "lgt1:";
constexpr std::size_t kNonceSize = 16;
constexpr std::size_t kMaxRole = 63;
constexpr std::size_t kMaxPlain = 2 + kMaxRole + sealed::kMaxSize;
constexpr std::size_t kMaxRaw = kNonceSize + AesSiv::kTagSize + kMaxPlain;
constexpr std::size_t kMaxTokenOctets = kPrefix.size() + (kMaxRaw * 4 + 2) / 3;
constexpr std::string_view kProofPrefix = "lgp2:";
constexpr std::size_t kMaxProofs = 4; // in one list
} // namespace transit

inline bool looks_like_transit(std::string_view text) noexcept
{
    return text.substr(0, transit::kPrefix.size()) == transit::kPrefix;
}

struct Unwrapped {
    std::size_t size = 0;        // of the stored form
    bool fresh_for_role = false; // typed by the role it was unwrapped for
};

class TransitSealer {
public:
    explicit TransitSealer(const Secret& index_key);
    TransitSealer(const TransitSealer&) = delete;
    TransitSealer& operator=(const TransitSealer&) = delete;

    // The token of a stored value into out (transit::kMaxTokenOctets);
    // fresh_role: the role that typed it, empty for any other value.
    std::size_t wrap(const std::uint8_t* value, std::size_t size, std::string_view fresh_role, char* out);

    // The stored form inside a token into out (sealed::kMaxSize), for a
    // session whose current role is role. Throws Error(InvalidText) for a
    // token that is malformed or did not come from this cluster's keyring.
    Unwrapped unwrap(std::string_view token, std::string_view role, std::uint8_t* out);

    // A proof for the global process id and the role a connection logs in
    // as, issued at `issued` (seconds).
    std::string proof(std::uint64_t gpid, std::string_view role, std::int64_t issued);
    // Whether proof was made by this cluster's keyring for gpid and role,
    // and issued no more than max_age seconds before now (nor in the
    // future, beyond a minute of clock skew).
    bool check_proof(std::string_view proof, std::uint64_t gpid, std::string_view role, std::int64_t now,
                     std::int64_t max_age);
    // Whether one of the comma-separated proofs (at most
    // transit::kMaxProofs) passes check_proof().
    bool check_proofs(std::string_view proofs, std::uint64_t gpid, std::string_view role, std::int64_t now,
                      std::int64_t max_age);

private:
    AesSiv siv_;
    KeyedDigest proofs_;
    std::uint8_t prefix_[8]{};
    std::uint64_t counter_ = 0;
};

} // namespace listguard
