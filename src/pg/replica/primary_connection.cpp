#include "pg/replica/primary_connection.h"

extern "C" {
#include "pgstat.h"
#include "postmaster/interrupt.h"
#include "storage/latch.h"
#include "utils/timestamp.h"
}

namespace listguard::pg {

namespace {

TimestampTz deadline_after(int timeout_ms)
{
    return TimestampTzPlusMilliseconds(GetCurrentTimestamp(), timeout_ms);
}

} // namespace

void PrimaryConnection::close()
{
    if (conn_ != nullptr)
        PQfinish(conn_);
    conn_ = nullptr;
}

void PrimaryConnection::fail(const char* what)
{
    const char* message = conn_ != nullptr ? PQerrorMessage(conn_) : "";
    error_ = psprintf("%s%s%s", what, *message ? ": " : "", message);
    // libpq's messages end with a newline; the server log adds its own.
    char* end = const_cast<char*>(error_) + strlen(error_);
    while (end > error_ && (end[-1] == '\n' || end[-1] == ' '))
        *--end = '\0';
    close();
}

bool PrimaryConnection::wait_for(int events, TimestampTz deadline)
{
    struct Rearm {
        bool& seen;
        ~Rearm()
        {
            if (seen)
                SetLatch(MyLatch);
            seen = false;
        }
    } rearm{latch_seen_};
    for (;;) {
        long remaining = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), deadline);
        if (remaining <= 0 || ShutdownRequestPending)
            return false;
        int rc = WaitLatchOrSocket(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH | events, PQsocket(conn_),
                                   remaining, PG_WAIT_EXTENSION);
        if (rc & WL_LATCH_SET) {
            // Events and lease requests set the latch too: keep waiting for
            // the socket, and set it again when done (below) for the
            // caller's loop to see them.
            ResetLatch(MyLatch);
            latch_seen_ = true;
        }
        if (rc & (WL_SOCKET_READABLE | WL_SOCKET_WRITEABLE))
            return true;
    }
}

bool PrimaryConnection::open(const char* const* keywords, const char* const* values, int timeout_ms)
{
    close();
    TimestampTz deadline = deadline_after(timeout_ms);
    conn_ = PQconnectStartParams(keywords, values, 1); // the first dbname may be a conninfo
    if (conn_ == nullptr) {
        error_ = "out of memory";
        return false;
    }
    if (PQstatus(conn_) == CONNECTION_BAD) {
        fail("could not connect to the primary");
        return false;
    }
    PostgresPollingStatusType status = PGRES_POLLING_WRITING;
    while (status != PGRES_POLLING_OK) {
        if (status == PGRES_POLLING_FAILED) {
            fail("could not connect to the primary");
            return false;
        }
        int events = status == PGRES_POLLING_READING ? WL_SOCKET_READABLE : WL_SOCKET_WRITEABLE;
        if (!wait_for(events, deadline)) {
            fail("timed out connecting to the primary");
            return false;
        }
        status = PQconnectPoll(conn_);
    }
    return true;
}

PGresult* PrimaryConnection::run(const char* sql, int nparams, const char* const* values, const int* lengths,
                                 const int* formats, ExecStatusType expected, int timeout_ms)
{
    if (conn_ == nullptr) {
        error_ = "not connected to the primary";
        return nullptr;
    }
    refused_data_ = false;
    TimestampTz deadline = deadline_after(timeout_ms);
    if (!PQsendQueryParams(conn_, sql, nparams, nullptr, values, lengths, formats, 0)) {
        fail("could not send to the primary");
        return nullptr;
    }
    int pending;
    while ((pending = PQflush(conn_)) == 1)
        if (!wait_for(WL_SOCKET_WRITEABLE, deadline)) {
            fail("timed out sending to the primary");
            return nullptr;
        }
    if (pending < 0) {
        fail("could not send to the primary");
        return nullptr;
    }
    PGresult* last = nullptr;
    for (;;) {
        while (PQisBusy(conn_)) {
            if (!wait_for(WL_SOCKET_READABLE, deadline)) {
                PQclear(last);
                fail("timed out waiting for the primary");
                return nullptr;
            }
            if (!PQconsumeInput(conn_)) {
                PQclear(last);
                fail("lost the connection to the primary");
                return nullptr;
            }
        }
        PGresult* result = PQgetResult(conn_);
        if (result == nullptr)
            break;
        PQclear(last);
        last = result;
    }
    if (last == nullptr || PQresultStatus(last) != expected) {
        const char* message = last != nullptr ? PQresultErrorMessage(last) : "no result";
        const char* state = last != nullptr ? PQresultErrorField(last, PG_DIAG_SQLSTATE) : nullptr;
        refused_data_ = state != nullptr && strncmp(state, "22", 2) == 0;
        char* what = psprintf("the primary refused \"%s\": %s", sql, message);
        PQclear(last);
        fail(what);
        return nullptr;
    }
    return last;
}

} // namespace listguard::pg
