// The ProcessUtility hook: DDL that would switch off a protected table's
// protection is for admins only, and no one may turn a listguard.email
// column into text (it would replace addresses with masks).
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// Called before every utility statement (ProcessUtility).
void check_utility(Node* stmt);

} // namespace listguard::pg
