// SQL functions of principals: listguard.act_as() (an application acts for
// a principal, on an assertion it signed), end_principal(),
// current_principal(), and the helper add_application() uses to read a key.
#include <optional>
#include <string_view>

#include "pg/access/assertion_store.h"
#include "pg/access/principals.h"
#include "pg/audit/statement_counts.h"
#include "pg/audit/events.h"
#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/base/principal_state.h"
#include "pg/base/settings.h"

#include "core/access/assertion.h"
#include "core/crypto/base64url.h"
#include "core/crypto/ed25519.h"

extern "C" {
#include "access/htup_details.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "commands/dbcommands.h"
#include "common/jsonapi.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(lg_act_as);
PG_FUNCTION_INFO_V1(lg_end_principal);
PG_FUNCTION_INFO_V1(lg_current_principal);
PG_FUNCTION_INFO_V1(lg_application_key);
PG_FUNCTION_INFO_V1(lg_remembered_assertions);
}

using namespace listguard;
using namespace listguard::pg;

namespace {

int64 unix_now()
{
    return GetCurrentTimestamp() + static_cast<int64>(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;
}

// ---------------------------------------------------------------------------
// The members of a JSON object, read with PostgreSQL's JSON parser: for each
// top-level member, its type and (strings, numbers) its text; for arrays,
// their string elements. A member named twice makes the object malformed:
// parsers that keep the first and those that keep the last must not read
// two different assertions from one.

enum class Kind : uint8 { String, Number, Array, Other };

struct Member {
    char* name;
    Kind kind;
    char* text;       // String, Number
    int strings;      // Array: string elements
    bool all_strings; // Array: every element a string
    char** elements;
};

constexpr int kMaxMembers = 64;

struct Members {
    bool object = false; // the top level is an object
    bool duplicate = false;
    bool too_many = false;
    int depth = 0;
    int count = 0;
    Member* current = nullptr; // the member whose value is being read
    Member members[kMaxMembers];

    const Member* find(const char* name) const
    {
        for (int i = 0; i < count; i++)
            if (strcmp(members[i].name, name) == 0)
                return &members[i];
        return nullptr;
    }
};

void on_object_start(void* state)
{
    auto* m = static_cast<Members*>(state);
    if (m->depth == 0)
        m->object = true;
    else if (m->depth == 1 && m->current != nullptr)
        m->current->kind = Kind::Other;
    else if (m->depth == 2 && m->current != nullptr)
        m->current->all_strings = false;
    m->depth++;
}

void on_end(void* state)
{
    static_cast<Members*>(state)->depth--;
}

void on_array_start(void* state)
{
    auto* m = static_cast<Members*>(state);
    if (m->depth == 1 && m->current != nullptr) {
        m->current->kind = Kind::Array;
        m->current->all_strings = true;
    } else if (m->depth == 2 && m->current != nullptr) {
        m->current->all_strings = false;
    }
    m->depth++;
}

void on_field(void* state, char* name, bool)
{
    auto* m = static_cast<Members*>(state);
    if (m->depth != 1)
        return;
    if (m->find(name) != nullptr)
        m->duplicate = true;
    if (m->count == kMaxMembers) {
        m->too_many = true;
        m->current = nullptr;
        return;
    }
    Member& member = m->members[m->count++];
    member = Member{name, Kind::Other, nullptr, 0, false, nullptr};
    m->current = &member;
}

void on_scalar(void* state, char* token, JsonTokenType type)
{
    auto* m = static_cast<Members*>(state);
    if (m->depth == 1 && m->current != nullptr) {
        m->current->kind = type == JSON_TOKEN_STRING   ? Kind::String
                           : type == JSON_TOKEN_NUMBER ? Kind::Number
                                                       : Kind::Other;
        m->current->text = token;
    } else if (m->depth == 2 && m->current != nullptr && m->current->kind == Kind::Array) {
        if (type != JSON_TOKEN_STRING) {
            m->current->all_strings = false;
            return;
        }
        Member& a = *m->current;
        a.elements = static_cast<char**>(
            a.elements == nullptr ? palloc(sizeof(char*) * 8)
                                  : (a.strings % 8 == 0 ? repalloc(a.elements, sizeof(char*) * (a.strings + 8))
                                                        : static_cast<void*>(a.elements)));
        a.elements[a.strings++] = token;
    }
}

// False if `json` is not one JSON object (in the database's encoding, no
// NUL), each member named once.
bool read_object(char* json, size_t len, Members* out)
{
    if (memchr(json, '\0', len) != nullptr || !pg_verifymbstr(json, static_cast<int>(len), true))
        return false;
    JsonSemAction sem;
    memset(&sem, 0, sizeof sem);
    sem.semstate = out;
    sem.object_start = on_object_start;
    sem.object_end = on_end;
    sem.array_start = on_array_start;
    sem.array_end = on_end;
    sem.object_field_start = on_field;
    sem.scalar = on_scalar;
    MemoryContext context = CurrentMemoryContext;
    JsonParseErrorType rc = JSON_INVALID_TOKEN;
    // The parser reports its errors as codes; anything it raises all the
    // same (an escape the encoding cannot hold) is a malformed assertion,
    // not an error that would quote the text.
    PG_TRY();
    {
        JsonLexContext* lex = makeJsonLexContextCstringLen(json, static_cast<int>(len), GetDatabaseEncoding(), true);
        rc = pg_parse_json(lex, &sem);
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(context);
        FlushErrorState();
        rc = JSON_INVALID_TOKEN;
    }
    PG_END_TRY();
    return rc == JSON_SUCCESS && out->object && !out->duplicate && !out->too_many;
}

JsonText json_text(const Members& m, const char* name)
{
    JsonText t;
    const Member* member = m.find(name);
    if (member == nullptr)
        return t;
    t.present = true;
    t.is_string = member->kind == Kind::String;
    if (t.is_string)
        t.value = member->text;
    return t;
}

NumericDate numeric_date(const Members& m, const char* name)
{
    NumericDate d;
    const Member* member = m.find(name);
    if (member == nullptr)
        return d;
    d.present = true;
    d.is_number = member->kind == Kind::Number;
    if (d.is_number)
        d.seconds = strtod(member->text, nullptr); // overflow gives inf, which the core refuses
    return d;
}

// ---------------------------------------------------------------------------
// Refusals: recorded as denied, then reported with their own SQLSTATE.

const char* application_name_of(Oid role)
{
    const char* name = OidIsValid(role) ? GetUserNameFromId(role, true) : nullptr;
    return name ? name : "?";
}

struct Refusal {
    int sqlstate;
    const char* reason; // for the audit trail
    char* message;
    char* detail;
    char* hint;
};

[[noreturn]] void refuse(Oid application, const Refusal& r, const char* asserted = nullptr)
{
    char* event = psprintf("{\"reason\": %s, \"action\": \"act_as\", \"application\": %s%s%s}", json_string(r.reason),
                           json_string(application_name_of(application)), asserted ? ", \"asserted_principal\": " : "",
                           asserted ? json_string(asserted) : "");
    record_event(EventKind::Denied, event);
    ereport(ERROR, (errcode(r.sqlstate), errmsg_internal("%s", r.message),
                    r.detail ? errdetail_internal("%s", r.detail) : 0, r.hint ? errhint("%s", r.hint) : 0));
    pg_unreachable();
}

const char* kFreshHint = "Make a fresh assertion for each transaction, signed with the application's key.";

Refusal malformed(const char* detail)
{
    return Refusal{LG_INVALID_ASSERTION, "malformed assertion", pstrdup("malformed assertion"), pstrdup(detail),
                   pstrdup("An assertion is a compact JWT signed with EdDSA, for example PyJWT's jwt.encode(claims, "
                           "key, algorithm=\"EdDSA\").")};
}

// A kid worth quoting: what a thumbprint looks like; else not quoted.
const char* quotable_kid(const char* kid)
{
    return kid != nullptr && strlen(kid) <= 64 && is_base64url_text(kid) ? kid : nullptr;
}

Refusal header_refusal(const AssertionCheck& check)
{
    if (check.problem == AssertionProblem::Algorithm)
        return Refusal{LG_INVALID_ASSERTION, "not EdDSA", pstrdup("assertion is not signed with EdDSA"),
                       pstrdup("Its header's alg must be \"EdDSA\" (RFC 8037): no other algorithm, and never "
                               "\"none\", is accepted."),
                       pstrdup("Sign with the application's Ed25519 key, with algorithm \"EdDSA\".")};
    return Refusal{LG_INVALID_ASSERTION, "unsupported header",
                   psprintf("assertion header member \"%s\" is not supported", check.member),
                   pstrdup("listguard reads alg (EdDSA), typ (JWT) and kid (a key's thumbprint, a string); crit and "
                           "b64 would change how an assertion is read."),
                   nullptr};
}

Refusal claim_refusal(const AssertionCheck& check, const char* audience, int64 now, int64 floor)
{
    const char* member = check.member;
    switch (check.problem) {
    case AssertionProblem::MissingClaim:
        return Refusal{LG_INVALID_ASSERTION, "missing claim", psprintf("assertion has no \"%s\" claim", member),
                       pstrdup("An assertion needs sub (the principal), aud, iat, exp (at most 5 minutes after "
                               "iat) and jti."),
                       nullptr};
    case AssertionProblem::ClaimType: {
        const char* why = strcmp(member, "sub") == 0   ? "sub must be a principal's name: a string of 1 to 128 octets, "
                                                         "no control character, no \"@\", no space at either end."
                          : strcmp(member, "aud") == 0 ? "aud must be a string, or an array of strings."
                          : strcmp(member, "jti") == 0 ? "jti must be a string of 1 to 256 octets."
                          : strcmp(member, "ip") == 0  ? "ip must be the person's client address, as a string."
                                                       : "A time must be a NumericDate: seconds since 1970 as a JSON "
                                                         "number.";
        return Refusal{LG_INVALID_ASSERTION, "malformed claim", psprintf("assertion claim \"%s\" is malformed", member),
                       pstrdup(why), nullptr};
    }
    case AssertionProblem::Lifetime:
        return Refusal{LG_INVALID_ASSERTION, "lifetime", pstrdup("assertion lasts too long"),
                       pstrdup("Its exp must be after its iat, and at most 300 seconds after it."),
                       pstrdup(kFreshHint)};
    case AssertionProblem::Expired:
        return Refusal{LG_ASSERTION_EXPIRED, "expired", pstrdup("assertion has expired"),
                       pstrdup("Its exp has passed by the server's clock."), pstrdup(kFreshHint)};
    case AssertionProblem::BeforeStart: {
        TimestampTz since = floor - static_cast<int64>(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;
        return Refusal{LG_ASSERTION_EXPIRED, "issued before the server remembered assertions",
                       pstrdup("assertion was issued before the server began to remember assertions"),
                       psprintf("Its iat is before %s: this server's memory of used assertions began then (a start, "
                                "a restart after a crash, a promotion), so it may have been used before.",
                                timestamptz_to_str(since)),
                       pstrdup(kFreshHint)};
    }
    case AssertionProblem::Early:
        return Refusal{LG_ASSERTION_EARLY, "not yet valid", pstrdup("assertion is not yet valid"),
                       psprintf("Its %s lies more than %d second(s) ahead of the server's clock "
                                "(listguard.assertion_leeway).",
                                member, assertion_leeway_setting),
                       pstrdup("Check the clocks of the application's servers.")};
    case AssertionProblem::Audience:
        return Refusal{
            LG_ASSERTION_AUDIENCE, "wrong audience", pstrdup("assertion is for another audience"),
            psprintf("Its aud does not name \"%s\" (listguard.audience, or else the database's name).", audience),
            pstrdup("Make assertions for this database's audience.")};
    default:
        return malformed("Its claims are not a JSON object, each claim named once.");
    }
}

// The text of a member of a verified assertion's claims (or null).
const char* claim(const Members& m, const char* name)
{
    const Member* member = m.find(name);
    return member != nullptr && member->kind == Kind::String ? member->text : nullptr;
}

} // namespace

// listguard.act_as(assertion text, session boolean DEFAULT false) RETURNS text:
// checks the assertion and puts its principal in force, for the
// transaction (or, for applications allowed to, the session).
extern "C" Datum lg_act_as(PG_FUNCTION_ARGS)
{
    require_preload();
    Oid application = acting_application();
    if (PG_ARGISNULL(0))
        refuse(application, malformed("It is null."));
    bool session = !PG_ARGISNULL(1) && PG_GETARG_BOOL(1);
    if (RecoveryInProgress())
        refuse(application,
               Refusal{LG_NOT_AN_APPLICATION, "on a standby", pstrdup("cannot act for a principal on a hot standby"),
                       pstrdup("A standby cannot tell whether an assertion was used on the primary or on another "
                               "standby."),
                       pstrdup("Run the transactions of principals on the primary.")});
    if (InSecurityRestrictedOperation())
        refuse(application,
               Refusal{LG_NOT_AN_APPLICATION, "security-restricted operation",
                       pstrdup("cannot act for a principal in a security-restricted operation"), nullptr, nullptr});
    if (!OidIsValid(application)) {
        const char* role = application_name_of(GetUserId());
        // A member of an application acts for principals as the application.
        Oid member_of = application_with_member(GetUserId());
        refuse(application,
               Refusal{LG_NOT_AN_APPLICATION, "not an application", psprintf("role \"%s\" is not an application", role),
                       pstrdup("Only roles registered with listguard.add_application() act for principals."),
                       OidIsValid(member_of)
                           ? psprintf("It is a member of application \"%s\": SET ROLE to it first.",
                                      application_name_of(member_of))
                           : psprintf("An administrator registers it: SELECT listguard.add_application('%s', "
                                      "public_key);",
                                      role)});
    }
    const char* app_name = application_name_of(application);
    Application app = application_of(application);
    if (session && !app.session_principals)
        refuse(application,
               Refusal{LG_NOT_AN_APPLICATION, "session scope not allowed",
                       psprintf("application \"%s\" may not act for a principal for a whole session", app_name),
                       pstrdup("Behind a pooler in transaction mode the next client would inherit the "
                               "principal; the application was not registered with "
                               "session_principals => true."),
                       pstrdup("Call act_as(assertion) in each transaction instead.")});

    // The compact JWS, decoded into PostgreSQL's memory.
    text* arg = PG_GETARG_TEXT_PP(0);
    std::string_view token(VARDATA_ANY(arg), VARSIZE_ANY_EXHDR(arg));
    size_t room = token.size() + 1;
    char* header = static_cast<char*>(palloc(room));
    char* payload = static_cast<char*>(palloc(room));
    char* signature = static_cast<char*>(palloc(room));
    struct Sizes {
        bool ok;
        size_t header, payload, signature, signing_input;
    };
    Sizes sizes = guarded([&] {
        std::optional<CompactJws> jws = decode_compact_jws(token);
        if (!jws)
            return Sizes{false, 0, 0, 0, 0};
        memcpy(header, jws->header.data(), jws->header.size());
        memcpy(payload, jws->payload.data(), jws->payload.size());
        memcpy(signature, jws->signature.data(), jws->signature.size());
        return Sizes{true, jws->header.size(), jws->payload.size(), jws->signature.size(), jws->signing_input.size()};
    });
    if (!sizes.ok)
        refuse(application, malformed(psprintf("An assertion is a compact JWT: three base64url parts joined by dots, "
                                               "at most %d octets.",
                                               static_cast<int>(kMaxAssertionOctets))));
    header[sizes.header] = '\0';
    payload[sizes.payload] = '\0';

    // The header: EdDSA, and nothing that changes its reading.
    Members* head = static_cast<Members*>(palloc0(sizeof(Members)));
    if (!read_object(header, sizes.header, head))
        refuse(application, malformed("Its header is not a JSON object, each member named once."));
    AssertionCheck check = guarded([&] {
        AssertionHeader h;
        h.alg = json_text(*head, "alg");
        h.typ = json_text(*head, "typ");
        h.kid = json_text(*head, "kid");
        h.crit = head->find("crit") != nullptr;
        h.b64 = head->find("b64") != nullptr;
        return check_assertion_header(h);
    });
    if (!check.ok())
        refuse(application, header_refusal(check));

    // The signature, with the keys of this session's application only.
    const char* kid = claim(*head, "kid");
    KeyCheck key = verify_application_signature(application, kid, token.substr(0, sizes.signing_input),
                                                std::string_view(signature, sizes.signature));
    if (key != KeyCheck::Verified) {
        const char* quoted = quotable_kid(kid);
        char* detail = key == KeyCheck::KidOfAnother
                           ? psprintf("It names key %s, which belongs to another application: an assertion made for "
                                      "one application is refused in another's session.",
                                      quoted ? quoted : "(unquotable)")
                       : key == KeyCheck::UnknownKid
                           ? psprintf("It names a key (kid %s) that application \"%s\" does not have.",
                                      quoted ? quoted : "(unquotable)", app_name)
                           : psprintf("No key of application \"%s\" verifies its signature.", app_name);
        refuse(application, Refusal{LG_ASSERTION_SIGNATURE,
                                    key == KeyCheck::KidOfAnother ? "another application's key" : "bad signature",
                                    pstrdup("assertion signature does not verify"), detail,
                                    pstrdup("Sign assertions with this application's private key; "
                                            "listguard.add_application() registers its public key.")});
    }

    // The claims, now that they are the application's.
    Members* claims = static_cast<Members*>(palloc0(sizeof(Members)));
    if (!read_object(payload, sizes.payload, claims))
        refuse(application, malformed("Its claims are not a JSON object, each claim named once."));
    const char* audience =
        audience_setting != nullptr && audience_setting[0] != '\0' ? audience_setting : get_database_name(MyDatabaseId);
    int64 now = unix_now();
    int64 floor = assertion_floor(now);
    struct Checked {
        AssertionCheck check;
        int64 expires;
        ReplayKey replay;
    };
    Checked checked = guarded([&] {
        AssertionClaims c;
        c.sub = json_text(*claims, "sub");
        const Member* aud = claims->find("aud");
        c.aud_present = aud != nullptr;
        c.aud_well_typed =
            aud != nullptr && (aud->kind == Kind::String || (aud->kind == Kind::Array && aud->all_strings));
        if (aud != nullptr && aud->kind == Kind::String)
            c.aud.push_back(aud->text);
        else if (aud != nullptr && aud->kind == Kind::Array)
            for (int i = 0; i < aud->strings; i++)
                c.aud.push_back(aud->elements[i]);
        c.iat = numeric_date(*claims, "iat");
        c.exp = numeric_date(*claims, "exp");
        c.nbf = numeric_date(*claims, "nbf");
        c.jti = json_text(*claims, "jti");
        c.ip = json_text(*claims, "ip");
        ClaimRules rules;
        rules.audience = audience;
        rules.now = now;
        rules.floor = floor;
        rules.leeway = static_cast<int64>(assertion_leeway_setting) * USECS_PER_SEC;
        Checked out{check_assertion_claims(c, rules), 0, ReplayKey{}};
        if (out.check.ok()) {
            out.expires = numeric_date_micros(c.exp).value_or(0);
            out.replay = assertion_replay_key(application, c.jti.value);
        }
        return out;
    });
    const char* sub = claim(*claims, "sub");
    if (!checked.check.ok())
        refuse(application, claim_refusal(checked.check, audience, now, floor), sub);

    PrincipalEntry entry;
    if (!find_principal(sub, &entry))
        refuse(application,
               Refusal{LG_UNKNOWN_PRINCIPAL, "unknown principal", psprintf("principal \"%s\" does not exist", sub),
                       pstrdup("The assertion is the application's, but names no principal listguard knows."),
                       psprintf("An administrator creates it: SELECT listguard.create_principal('%s');", sub)},
               sub);

    // Last: the assertion is used up, whatever happens to this transaction.
    switch (remember_assertion(checked.replay, checked.expires, now)) {
    case ReplayCheck::Fresh:
        break;
    case ReplayCheck::Replayed:
        refuse(application,
               Refusal{LG_ASSERTION_REPLAYED, "replayed", pstrdup("assertion has been used already"),
                       pstrdup("Its jti was seen before: an assertion is good for one act_as(), until it expires."),
                       pstrdup("Make a fresh assertion, with a new jti, for each transaction.")},
               sub);
    case ReplayCheck::Full:
        refuse(application,
               Refusal{LG_ASSERTIONS_FULL, "assertion memory full", pstrdup("too many assertions in force"),
                       psprintf("The server remembers %d unexpired assertions (listguard.max_assertions), and may "
                                "forget none before it expires.",
                                max_assertions_setting),
                       pstrdup("Raise listguard.max_assertions, or give assertions a shorter life.")},
               sub);
    }

    if (!session && !IsTransactionBlock())
        ereport(WARNING, (errmsg("act_as() outside a transaction block acts for the principal in this statement only"),
                          errhint("Call it after BEGIN, in the transaction whose queries act for the principal.")));

    Principal principal{}; // zeroed, then filled
    principal.id = entry.id;
    principal.application = application;
    strlcpy(principal.name, sub, sizeof principal.name);
    const char* ip = claim(*claims, "ip");
    strlcpy(principal.client_addr, ip ? ip : "", sizeof principal.client_addr);
    // Reveals counted so far are recorded under whoever was in force.
    audit_counts_at_statement_end();
    put_principal_in_force(principal, session ? PrincipalScope::Session : PrincipalScope::Transaction);
    PG_RETURN_TEXT_P(cstring_to_text(principal.name));
}

// listguard.end_principal(): the session acts for nobody from here on (in
// this transaction, and, if the transaction commits, after it).
extern "C" Datum lg_end_principal(PG_FUNCTION_ARGS)
{
    require_preload();
    audit_counts_at_statement_end();
    end_principal_in_force();
    PG_RETURN_VOID();
}

// listguard.current_principal(): who the session acts for, or null.
extern "C" Datum lg_current_principal(PG_FUNCTION_ARGS)
{
    require_preload();
    const Principal* p = principal_in_force();
    if (p == nullptr)
        PG_RETURN_NULL();
    PG_RETURN_TEXT_P(cstring_to_text(p->name));
}

// listguard._application_key(public_key text, OUT public_key text, OUT key_id text):
// an Ed25519 public key in canonical PEM, and its thumbprint (the kid).
extern "C" Datum lg_application_key(PG_FUNCTION_ARGS)
{
    require_preload();
    char* pem = text_to_cstring(PG_GETARG_TEXT_PP(0));
    TupleDesc desc;
    if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
        elog(ERROR, "return type must be a row type");
    char* canonical = static_cast<char*>(palloc(512));
    char* kid = static_cast<char*>(palloc(64));
    guarded([&] {
        Ed25519Key key = ed25519_key_from_pem(pem);
        std::string text = ed25519_pem(key);
        std::string thumbprint = ed25519_thumbprint(key);
        strlcpy(canonical, text.c_str(), 512);
        strlcpy(kid, thumbprint.c_str(), 64);
    });
    Datum values[2] = {CStringGetTextDatum(canonical), CStringGetTextDatum(kid)};
    bool nulls[2] = {false, false};
    PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

// listguard._remembered_assertions(): unexpired assertions the server
// remembers (for monitoring and tests).
extern "C" Datum lg_remembered_assertions(PG_FUNCTION_ARGS)
{
    require_preload();
    PG_RETURN_INT64(remembered_assertions(unix_now()));
}
