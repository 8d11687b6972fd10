// Assertions: who an application acts for, as a compact JWT (RFC 7519) that
// the application signs with its Ed25519 key (EdDSA, RFC 8037) and the
// database checks before it lets the application act for that person (a
// principal). What is plain logic lives here: the compact serialization,
// the rules on the header and on the claims. Parsing the JSON of the header
// and claims is the adapter's (PostgreSQL's jsonb input), which hands the
// members over as the structs below; the signature is checked with
// core/crypto/ed25519.h.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace listguard {

using AssertionMicros = std::int64_t; // microseconds since the Unix epoch

// Longer than any assertion an application needs (header, five short
// claims, signature: about 300 octets); longer text is refused unread.
constexpr std::size_t kMaxAssertionOctets = 4096;
// exp may be at most this long after iat.
constexpr AssertionMicros kMaxAssertionLifetime = 300 * INT64_C(1000000);
// A principal's name, and a jti: at most this many octets.
constexpr std::size_t kMaxPrincipalName = 128;
constexpr std::size_t kMaxJti = 256;

// The three parts of a compact JWS, decoded (base64url, strict), and the
// signing input (the first two parts as they were written).
struct CompactJws {
    std::string_view signing_input;
    std::string header;
    std::string payload;
    std::string signature;
};

// Null unless the text is exactly three non-empty base64url parts joined by
// dots, at most kMaxAssertionOctets long.
std::optional<CompactJws> decode_compact_jws(std::string_view token);

enum class AssertionProblem : std::uint8_t {
    None,
    Malformed,   // not a compact JWS, or its header or claims are not a JSON object
    Algorithm,   // alg is not "EdDSA"
    Unsupported, // a header member that changes how it is read (crit, b64), or typ other than JWT
    MissingClaim,
    ClaimType,   // a claim of the wrong JSON type or out of range
    Lifetime,    // exp not after iat, or more than kMaxAssertionLifetime after it
    Expired,     // exp has passed
    Early,       // iat or nbf is still to come
    BeforeStart, // issued before the server's replay memory began (a restart, a promotion)
    Audience,    // aud does not name this database
};

struct AssertionCheck {
    AssertionProblem problem = AssertionProblem::None;
    const char* member = ""; // the header member or claim concerned
    bool ok() const noexcept { return problem == AssertionProblem::None; }
};

// A JSON member as the adapter found it.
struct JsonText {
    bool present = false;
    bool is_string = false; // else some other JSON type
    std::string value;
};
struct NumericDate {
    bool present = false;
    bool is_number = false;
    double seconds = 0; // since the Unix epoch (RFC 7519's NumericDate may have a fraction)
};

struct AssertionHeader {
    JsonText alg;
    JsonText typ;
    JsonText kid;
    bool crit = false; // present at all
    bool b64 = false;  // present at all (RFC 7797 would change the signing input)
};

AssertionCheck check_assertion_header(const AssertionHeader& header);

struct AssertionClaims {
    JsonText sub;
    // aud: a string, or an array of strings (RFC 7519 section 4.1.3).
    bool aud_present = false;
    bool aud_well_typed = false;
    std::vector<std::string> aud;
    NumericDate iat;
    NumericDate exp;
    NumericDate nbf;
    JsonText jti;
    JsonText ip; // optional: the person's own address, as the application saw it
};

struct ClaimRules {
    std::string_view audience; // aud must hold exactly this
    AssertionMicros now = 0;
    AssertionMicros floor = 0;  // iat must be at least this
    AssertionMicros leeway = 0; // how far iat and nbf may lie ahead of now (clock skew)
};

// Checks sub, aud, iat, exp, nbf, jti (and ip's type), in that order.
AssertionCheck check_assertion_claims(const AssertionClaims& claims, const ClaimRules& rules);

// A NumericDate in microseconds, if it is a number in a sane range.
std::optional<AssertionMicros> numeric_date_micros(const NumericDate& date);

// A principal's name: 1 to kMaxPrincipalName octets, no control
// character, no space at either end, and no "@": an identifier, never an
// address (every audit event names the principal in force, and listguard
// keeps addresses out of its audit trail and its messages).
bool valid_principal_name(std::string_view name) noexcept;

// The key a jti is remembered by, per issuing application (its role's id):
// the first 16 octets of SHA-256 over both.
using ReplayKey = std::array<std::uint8_t, 16>;
ReplayKey assertion_replay_key(std::uint32_t application, std::string_view jti);

} // namespace listguard
