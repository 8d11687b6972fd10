#include "pg/audit/log_redaction.h"

#include "pg/base/settings.h"

#include "core/email/redact.h"

extern "C" {
#include "tcop/tcopprot.h"
#include "utils/memutils.h"
}

namespace listguard::pg {

namespace {

// Said instead of a text that could not be redacted (no memory for it).
char withheld[] = "(withheld by listguard: it may hold an address)";

// A redacted copy in `context`, or the text itself if it holds no address.
// This runs while an error is reported: it must not raise one.
char* redacted(char* text, MemoryContext context)
{
    if (text == nullptr || strchr(text, '@') == nullptr)
        return text;
    std::string_view view(text);
    if (!has_address(view))
        return text;
    size_t capacity = redacted_capacity(view.size());
    char* out = static_cast<char*>(MemoryContextAllocExtended(context, capacity + 1, MCXT_ALLOC_NO_OOM));
    if (out == nullptr)
        return withheld;
    size_t n = redact_addresses(view, out, capacity);
    out[n] = '\0';
    return out;
}

// The STATEMENT line prints debug_query_string: it points at a redacted
// copy from here to the end of the statement (the next statement sets its
// own). The copy lives until the next one replaces it.
char* statement_copy = nullptr;

} // namespace

void redact_log_entry(ErrorData* edata)
{
    if (!redact_server_log_setting)
        return;
    // edata's strings live in ErrorContext, which is reset after the report.
    edata->message = redacted(edata->message, ErrorContext);
    edata->detail = redacted(edata->detail, ErrorContext);
    edata->detail_log = redacted(edata->detail_log, ErrorContext);
    edata->hint = redacted(edata->hint, ErrorContext);
    edata->context = redacted(edata->context, ErrorContext);
    edata->internalquery = redacted(edata->internalquery, ErrorContext);
    if (debug_query_string != nullptr && !edata->hide_stmt) {
        char* statement = redacted(const_cast<char*>(debug_query_string), TopMemoryContext);
        if (statement == withheld) {
            debug_query_string = withheld;
        } else if (statement != debug_query_string) {
            if (statement_copy != nullptr)
                pfree(statement_copy);
            statement_copy = statement;
            debug_query_string = statement;
        }
    }
}

} // namespace listguard::pg
