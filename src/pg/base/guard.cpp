#include "pg/base/guard.h"

extern "C" {
#include "commands/trigger.h"
#include "utils/builtins.h"
}

namespace listguard::pg {

int sqlstate_of(ErrorKind kind) noexcept
{
    switch (kind) {
    case ErrorKind::InvalidText:
        return ERRCODE_INVALID_TEXT_REPRESENTATION;
    case ErrorKind::InvalidParameter:
        return ERRCODE_INVALID_PARAMETER_VALUE;
    case ErrorKind::InsufficientPrivilege:
        return ERRCODE_INSUFFICIENT_PRIVILEGE;
    case ErrorKind::ConfigFile:
        return ERRCODE_CONFIG_FILE_ERROR;
    case ErrorKind::DataCorrupted:
        return ERRCODE_DATA_CORRUPTED;
    case ErrorKind::Internal:
        break;
    }
    return ERRCODE_INTERNAL_ERROR;
}

void PendingError::capture(const Error& e) noexcept
{
    postgres = nullptr;
    sqlstate = sqlstate_of(e.kind());
    strlcpy(message, e.what(), sizeof message);
    strlcpy(detail, e.detail().c_str(), sizeof detail);
    strlcpy(hint, e.hint().c_str(), sizeof hint);
}

void PendingError::capture(const PostgresError& e) noexcept
{
    const ErrorData* data = e.data();
    postgres = e.data();
    sqlstate = data->sqlerrcode;
    strlcpy(message, data->message ? data->message : "", sizeof message);
    strlcpy(detail, data->detail ? data->detail : "", sizeof detail);
    strlcpy(hint, data->hint ? data->hint : "", sizeof hint);
}

void PendingError::capture_out_of_memory() noexcept
{
    postgres = nullptr;
    sqlstate = ERRCODE_OUT_OF_MEMORY;
    strlcpy(message, "out of memory", sizeof message);
    detail[0] = hint[0] = '\0';
}

void PendingError::capture_internal(const char* what) noexcept
{
    postgres = nullptr;
    sqlstate = ERRCODE_INTERNAL_ERROR;
    strlcpy(message, "listguard internal error", sizeof message);
    strlcpy(detail, what, sizeof detail);
    hint[0] = '\0';
}

void PendingError::raise() const
{
    if (postgres != nullptr)
        ReThrowError(postgres); // as PostgreSQL raised it: nothing is added or lost
    ereport(ERROR, (errcode(sqlstate), errmsg_internal("%s", message), detail[0] ? errdetail_internal("%s", detail) : 0,
                    hint[0] ? errhint("%s", hint) : 0));
    pg_unreachable();
}

ErrorData* call_catching_error(void (*fn)(void*), void* arg)
{
    MemoryContext caller = CurrentMemoryContext;
    ErrorData* volatile error = nullptr;
    PG_TRY();
    {
        fn(arg);
    }
    PG_CATCH();
    {
        // Out of ErrorContext before copying, which FlushErrorState resets.
        MemoryContextSwitchTo(caller);
        error = CopyErrorData();
        FlushErrorState();
    }
    PG_END_TRY();
    return error;
}

::text* postgres_text(std::string_view s)
{
    return postgres_call([&] { return cstring_to_text_with_len(s.data(), static_cast<int>(s.size())); });
}

::TriggerData* trigger_call(FunctionCallInfo fcinfo, const char* function_name)
{
    if (!CALLED_AS_TRIGGER(fcinfo))
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("%s must be called as a trigger", function_name)));
    return reinterpret_cast<::TriggerData*>(fcinfo->context);
}

} // namespace listguard::pg
