#include "pg/type/placeholders.h"

#include "pg/base/guard.h"

namespace listguard::pg {

namespace {

int statement_depth = 0;
int pending = 0;
bool ever_made = false;
ShownForm last_form = ShownForm::Mask;

} // namespace

void enter_statement_work()
{
    statement_depth++;
}

void leave_statement_work()
{
    if (statement_depth > 0)
        statement_depth--;
}

bool placeholders_allowed()
{
    return statement_depth == 0;
}

void note_placeholder_made(ShownForm form)
{
    pending++;
    ever_made = true;
    last_form = form;
}

int pending_placeholders()
{
    return pending;
}

bool placeholders_ever_made()
{
    return ever_made;
}

void clear_pending_placeholders()
{
    pending = 0;
}

void refuse_pending_placeholders()
{
    pending = 0;
    guarded([] { refuse_shown_form(last_form, true); });
    pg_unreachable();
}

void placeholders_at_transaction_end()
{
    pending = 0;
}

} // namespace listguard::pg
