// The standby link's connection to the primary (libpq). Every wait is on
// the process latch and the socket with a deadline, so that a primary that
// stops answering never holds the link (or the backends waiting for a
// lease) longer than the deadline, and a shutdown request is seen at once.
#pragma once

#include "pg/base/postgres_c.h"

extern "C" {
#include "libpq-fe.h"
}

namespace listguard::pg {

class PrimaryConnection {
public:
    PrimaryConnection() = default;
    PrimaryConnection(const PrimaryConnection&) = delete;
    PrimaryConnection& operator=(const PrimaryConnection&) = delete;
    ~PrimaryConnection() { close(); }

    // Connects with the given keywords and values (null-terminated arrays;
    // the first "dbname" may be a whole connection string, as in libpq).
    // On failure returns false and sets error() (palloc'd, no password).
    bool open(const char* const* keywords, const char* const* values, int timeout_ms);
    bool is_open() const { return conn_ != nullptr; }
    void close();

    // Runs one statement with parameters (text, or binary where formats[i]
    // is 1). Returns the result (the caller PQclear()s it) if it completed
    // with `expected` status; otherwise null, error() set, and the
    // connection closed.
    PGresult* run(const char* sql, int nparams, const char* const* values, const int* lengths, const int* formats,
                  ExecStatusType expected, int timeout_ms);

    const char* error() const { return error_; }
    // Whether the last failure was the primary refusing the data it was
    // sent (SQLSTATE class 22), not a connection or configuration problem.
    bool refused_data() const { return refused_data_; }

private:
    // Waits for the socket (WL_SOCKET_READABLE/WRITEABLE) until the deadline;
    // false on timeout or shutdown.
    bool wait_for(int events, TimestampTz deadline);
    void fail(const char* what);

    PGconn* conn_ = nullptr;
    const char* error_ = "";
    bool latch_seen_ = false;
    bool refused_data_ = false;
};

} // namespace listguard::pg
