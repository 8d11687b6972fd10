// The boundary between C++ and PostgreSQL.
//
// PostgreSQL reports errors by longjmp; C++ unwinds with exceptions. Neither
// may cross the other: a longjmp through a C++ frame skips destructors, and
// an exception through a PostgreSQL frame is undefined behaviour. So:
//
//  * guarded(fn) wraps the C++ part of every extern "C" entry point. Any
//    exception fn throws is caught and copied into a fixed-size record;
//    only after the catch block ends, and with no C++ object of fn's frames
//    still alive, is it raised with ereport(ERROR). Nothing is ereported
//    inside a catch block (the exception object would never be freed).
//
//  * postgres_call(fn) is the other direction: C++ code inside guarded()
//    that must call PostgreSQL (palloc, ereport, a catalog or SPI call)
//    calls it through postgres_call. A PostgreSQL error fn raises is caught
//    there (PG_TRY), copied into the caller's memory context (CopyErrorData)
//    and flushed, and thrown as PostgresError: the C++ frames between unwind
//    and run their destructors, and guarded() re-raises the original error
//    unchanged (SQLSTATE, message, detail, hint, context) with ReThrowError.
//    fn itself is a few PostgreSQL calls on plain data: it and what it
//    returns must be trivially destructible (checked at compile time), and
//    it declares no C++ object with a destructor (the longjmp skips its
//    frame). A PostgresError is never swallowed: only guarded() catches it
//    (it is no std::exception, so no catch of one takes it), since the
//    transaction must abort to clean up after the error.
//
// Hence code inside guarded() calls no PostgreSQL function that can report an
// error except through postgres_call(); the simplest entry points do their
// PostgreSQL calls (palloc, argument access, catalog reads) outside
// guarded() and exchange plain data with the C++ part, which only computes.
#pragma once

#include <exception>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>

#include "pg/base/postgres_c.h"

#include "core/base/error.h"

struct TriggerData;

namespace listguard::pg {

// A PostgreSQL error caught by postgres_call(), on its way to guarded(): the
// ErrorData, in the memory context that was current when postgres_call()
// was called.
class PostgresError {
public:
    explicit PostgresError(ErrorData* data) noexcept : data_(data) {}
    ErrorData* data() const noexcept { return data_; }

private:
    ErrorData* data_;
};

// Everything needed to report an error, in plain storage (and, for an error
// PostgreSQL raised, its ErrorData, raised again as it was).
struct PendingError {
    int sqlstate;
    char message[512];
    char detail[512];
    char hint[512];
    ErrorData* postgres = nullptr;

    void capture(const Error& e) noexcept;
    void capture(const PostgresError& e) noexcept;
    void capture_out_of_memory() noexcept;
    void capture_internal(const char* what) noexcept;
    [[noreturn]] void raise() const;
};

int sqlstate_of(ErrorKind kind) noexcept;

// Runs fn; true if it returned, else false with what it threw in `error`
// (reported by the caller, after adding what it knows: error.raise()).
template <typename Fn>
bool try_guarded(Fn&& fn, PendingError& error)
{
    try {
        fn();
        return true;
    } catch (const PostgresError& e) {
        error.capture(e);
    } catch (const Error& e) {
        error.capture(e);
    } catch (const std::bad_alloc&) {
        error.capture_out_of_memory();
    } catch (const std::exception& e) {
        error.capture_internal(e.what());
    } catch (...) {
        error.capture_internal("unknown C++ exception");
    }
    return false;
}

template <typename Fn>
auto guarded(Fn&& fn) -> decltype(fn())
{
    using Result = decltype(fn());
    PendingError pending;
    if constexpr (std::is_void_v<Result>) {
        if (try_guarded(fn, pending))
            return;
    } else {
        Result result{};
        if (try_guarded([&] { result = fn(); }, pending))
            return result;
    }
    pending.raise();
}

// Runs fn(arg) in PG_TRY: null if it returned, else the error it raised,
// copied into the memory context current at the call, the error state
// flushed.
ErrorData* call_catching_error(void (*fn)(void*), void* arg);

// Calls fn, which calls PostgreSQL, from C++ code: returns what fn returns,
// or throws PostgresError if PostgreSQL raised an error (guarded() raises it
// again, unchanged). A C++ exception fn throws is thrown on from here,
// outside PG_TRY.
template <typename Fn>
auto postgres_call(Fn&& fn) -> decltype(fn())
{
    using Callable = std::remove_reference_t<Fn>;
    using Result = decltype(fn());
    static_assert(std::is_trivially_destructible_v<Callable>,
                  "postgres_call: the function holds an object with a destructor (capture by reference)");
    static_assert(std::is_void_v<Result> || std::is_trivially_destructible_v<Result>,
                  "postgres_call: PostgreSQL calls return plain data");
    struct Call {
        Callable* fn;
        std::exception_ptr thrown; // lives in this frame, which no longjmp skips
        std::conditional_t<std::is_void_v<Result>, bool, Result> result;
    } call{std::addressof(fn), nullptr, {}};
    ErrorData* error = call_catching_error(
        [](void* arg) {
            auto* c = static_cast<Call*>(arg);
            try {
                if constexpr (std::is_void_v<Result>)
                    (*c->fn)();
                else
                    c->result = (*c->fn)();
            } catch (...) {
                c->thrown = std::current_exception();
            }
        },
        &call);
    if (error != nullptr)
        throw PostgresError(error);
    if (call.thrown)
        std::rethrow_exception(call.thrown);
    if constexpr (!std::is_void_v<Result>)
        return call.result;
}

// The text datum of a C++ string, made from C++ code inside guarded().
::text* postgres_text(std::string_view s);

// The TriggerData of a trigger function, or an error naming the function if
// it was not called as the trigger it must be.
::TriggerData* trigger_call(FunctionCallInfo fcinfo, const char* function_name);

} // namespace listguard::pg
