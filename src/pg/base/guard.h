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
// Hence code inside guarded() calls no PostgreSQL function that can report an
// error: entry points do their PostgreSQL calls (palloc, argument access,
// catalog reads) outside guarded() and exchange plain data with the C++
// part, which only computes.
#pragma once

#include <exception>
#include <new>
#include <type_traits>

#include "pg/base/postgres_c.h"

#include "core/base/error.h"

struct TriggerData;

namespace listguard::pg {

// Everything needed to report an error, in plain storage.
struct PendingError {
    int sqlstate;
    char message[512];
    char detail[512];
    char hint[512];

    void capture(const Error& e) noexcept;
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

// The TriggerData of a trigger function, or an error naming the function if
// it was not called as the trigger it must be.
::TriggerData* trigger_call(FunctionCallInfo fcinfo, const char* function_name);

} // namespace listguard::pg
