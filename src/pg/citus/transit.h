// When listguard.email values leave this backend for another node of a
// Citus cluster, the type's output writes transit tokens
// (core/email/transit.h) instead of what the role may see: the role's
// reveal applies once, on the node that shows the value to a client.
//
// A value is in transit
//  - on any node acting for a client (the coordinator, or a worker that a
//    client queries): while Citus plans a query (it writes constants into
//    the queries it sends), starts and runs its scans (parameters,
//    constants of deferred plans, rows it sends on), while rows go to one of
//    Citus's own receivers (COPY into shards, intermediate results), while a
//    Citus function runs (create_distributed_table copies rows, ...), and
//    while a COPY into a Citus table or DDL that Citus sends on runs;
//  - on a node serving a Citus internal connection that proved itself
//    (below): while rows go to any receiver (the results sent back, COPY
//    TO, intermediate result files). Expressions (casts to text, row_to_json)
//    show the value as the role may see it there, as on any node.
//
// Citus marks its connections by application_name ("citus_internal
// gpid=..."), which any client can set. A session is taken for one only if
// it also carries listguard.citus_proof, which the listguard backend that
// opened it put into its startup options (libpq's PGOPTIONS) and which only
// a holder of the cluster's keyring can make, for that global process id
// and the role the session logs in as, valid for 15 minutes. A client that
// sets application_name alone is a client: it sees what its role may see,
// and nothing else.
//
// PGOPTIONS goes with every connection the backend opens, also those a
// role points at a server of its own (master_run_on_worker(), dblink): a
// backend offers proofs only for its current role, and for listguard_owner
// only when that role is a superuser or a listguard admin. A proof so
// captured logs in only its own role, as the role could log in itself; such
// a session's results leave as transit tokens, which open only under the
// keyring, and its DDL is recorded as anyone's.
#pragma once

#include "pg/base/postgres_c.h"

extern "C" {
#include "nodes/pg_list.h"
}

namespace listguard::pg {

// Whether the type's output writes transit tokens now.
bool in_transit();

// Sets whether values are in transit; returns what it was (to restore).
bool set_in_transit(bool on);

// Runs fn with values in transit (on) or shown to the role (off), and
// restores the mode however fn ends.
template <typename Fn>
void with_transit(bool on, Fn&& fn)
{
    bool was = set_in_transit(on);
    PG_TRY();
    {
        fn();
    }
    PG_FINALLY();
    {
        set_in_transit(was);
    }
    PG_END_TRY();
}

// The session says it is a Citus internal connection (application_name).
bool session_claims_citus_internal();

// It says so and proved it (listguard.citus_proof). Checked once.
bool session_is_citus_internal();

// Puts this backend's proof into its environment (PGOPTIONS), for the
// connections Citus opens from it: for the role the session acts as
// (GetOuterUserId(), never one reached through SECURITY DEFINER or
// listguard's elevated code: meanwhile nothing is offered and PGOPTIONS
// stay as they were); renewed when it gets a minute old or that role
// changes. Called before Citus may connect anywhere.
void offer_citus_proof();

// While on, a Citus function that creates, copies, moves or drops shards
// as their owner runs, called by the session itself (not from SECURITY
// DEFINER or elevated code): if the session's user and role are superusers
// or listguard admins, a proof for listguard_owner is offered too, until
// it is set off again (which withdraws it). Returns what it was.
bool set_owner_scope(bool on);

// Takes a listguard_owner proof out of PGOPTIONS (the session's own stays);
// for every way out of an owner scope.
void withdraw_owner_proof() noexcept;

// At authentication: listguard_owner, which owns protected tables, logs in
// only as a Citus internal connection that proved itself (Citus creates,
// copies and moves shards as the table's owner, and so must be able to log
// in as it; no one else may). Other logins pass.
void check_owner_login(const char* user, const char* application, const char* startup_options);

// The current role's name, which transit tokens of fresh values carry
// (remembered per role: the output asks for every fresh value).
const char* current_role_name();

// Forgets the mode after an error (the hooks restore it on every way out;
// this is for an error that left it set between statements).
void reset_transit() noexcept;

} // namespace listguard::pg
