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
//  * pg_call(fn) wraps PostgreSQL calls made from inside C++ code: a
//    PostgreSQL error is caught with PG_TRY, copied, and rethrown as a C++
//    PgError, so C++ frames unwind normally; guarded() re-raises it
//    unchanged.
//
// Entry points keep PostgreSQL calls (palloc, argument access) outside
// guarded() where they can, and exchange plain data with the C++ part.
#pragma once

#include <exception>
#include <new>
#include <type_traits>
#include <utility>

#include "pg/base/postgres_c.h"

#include "core/error.h"

struct TriggerData;

namespace listguard::pg {

// A PostgreSQL error caught while C++ frames were live.
struct PgError {
    ErrorData* data;
};

// Everything needed to report an error, in plain storage.
struct PendingError {
    ErrorData* pg_error;
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

template <typename Fn>
auto guarded(Fn&& fn) -> decltype(fn())
{
    PendingError pending;
    pending.pg_error = nullptr;
    try {
        return fn();
    } catch (const PgError& e) {
        pending.pg_error = e.data;
    } catch (const Error& e) {
        pending.capture(e);
    } catch (const std::bad_alloc&) {
        pending.capture_out_of_memory();
    } catch (const std::exception& e) {
        pending.capture_internal(e.what());
    } catch (...) {
        pending.capture_internal("unknown C++ exception");
    }
    pending.raise();
}

template <typename Fn>
auto pg_call(Fn&& fn) -> decltype(fn())
{
    using Result = decltype(fn());
    if constexpr (std::is_void_v<Result>) {
        pg_call([&] {
            fn();
            return 0;
        });
    } else {
        MemoryContext caller_context = CurrentMemoryContext;
        ErrorData* volatile error = nullptr;
        Result result{};
        PG_TRY();
        {
            result = fn();
        }
        PG_CATCH();
        {
            MemoryContextSwitchTo(caller_context);
            error = CopyErrorData();
            FlushErrorState();
        }
        PG_END_TRY();
        if (error != nullptr)
            throw PgError{error};
        return result;
    }
}

// The TriggerData of a trigger function, or an error naming the function if
// it was not called as the trigger it must be.
::TriggerData* trigger_call(FunctionCallInfo fcinfo, const char* function_name);

} // namespace listguard::pg
