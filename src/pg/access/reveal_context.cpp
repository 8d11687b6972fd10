#include "pg/access/reveal_context.h"

extern "C" {
#include "nodes/parsenodes.h"
#include "replication/walsender.h"
}

namespace listguard::pg {

namespace {

constexpr int kMaxDepth = 256; // deeper nesting counts as its innermost known phase
RevealPhase phases[kMaxDepth];
int depth = 0;

} // namespace

bool clear_reveal_allowed()
{
    if (am_walsender)
        return true;
    if (depth == 0)
        return true;
    RevealPhase top = phases[Min(depth, kMaxDepth) - 1];
    return top == RevealPhase::Executing;
}

void enter_reveal_phase(RevealPhase phase)
{
    if (depth < kMaxDepth)
        phases[depth] = phase;
    depth++;
}

void leave_reveal_phase()
{
    if (depth > 0)
        depth--;
}

bool utility_reveal_phase(Node* stmt, RevealPhase* phase)
{
    if (!IsA(stmt, ExplainStmt))
        return false;
    *phase = RevealPhase::Explaining;
    return true;
}

} // namespace listguard::pg
