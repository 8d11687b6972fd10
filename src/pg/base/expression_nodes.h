// Small helpers for PostgreSQL's expression trees.
#pragma once

#include "pg/base/postgres_c.h"

extern "C" {
#include "nodes/primnodes.h"
}

namespace listguard::pg {

// The expression under any binary-compatible relabelling (varchar as text).
inline Node* without_relabel(Node* node)
{
    while (node != nullptr && IsA(node, RelabelType))
        node = reinterpret_cast<Node*>(castNode(RelabelType, node)->arg);
    return node;
}

} // namespace listguard::pg
