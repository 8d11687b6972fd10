// Stamping the rows a table held before protect(): every unstamped value
// takes its row's account and list (stamping.cpp). In batches of blocks, by
// protect() under its lock, by stamp_existing() and by the background
// stamping of protected tables (background.h).
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// Stamps the unstamped values of the rows in blocks [from, to) of one
// protected table, without its triggers, reports the progress under
// `command` and records how many rows; returns that count.
int64 stamp_blocks(Oid relid, int64 from, int64 to, const char* command);

} // namespace listguard::pg
