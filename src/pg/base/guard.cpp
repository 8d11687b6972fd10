#include "pg/base/guard.h"

extern "C" {
#include "commands/trigger.h"
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
    sqlstate = sqlstate_of(e.kind());
    strlcpy(message, e.what(), sizeof message);
    strlcpy(detail, e.detail().c_str(), sizeof detail);
    strlcpy(hint, e.hint().c_str(), sizeof hint);
}

void PendingError::capture_out_of_memory() noexcept
{
    sqlstate = ERRCODE_OUT_OF_MEMORY;
    strlcpy(message, "out of memory", sizeof message);
    detail[0] = hint[0] = '\0';
}

void PendingError::capture_internal(const char* what) noexcept
{
    sqlstate = ERRCODE_INTERNAL_ERROR;
    strlcpy(message, "listguard internal error", sizeof message);
    strlcpy(detail, what, sizeof detail);
    hint[0] = '\0';
}

void PendingError::raise() const
{
    ereport(ERROR, (errcode(sqlstate), errmsg_internal("%s", message), detail[0] ? errdetail_internal("%s", detail) : 0,
                    hint[0] ? errhint("%s", hint) : 0));
    pg_unreachable();
}

::TriggerData* trigger_call(FunctionCallInfo fcinfo, const char* function_name)
{
    if (!CALLED_AS_TRIGGER(fcinfo))
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("%s must be called as a trigger", function_name)));
    return reinterpret_cast<::TriggerData*>(fcinfo->context);
}

} // namespace listguard::pg
