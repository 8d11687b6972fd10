// A database's maintenance worker: a background process started by
// protect() at commit and by the housekeeper when a database has work
// waiting. It stamps protected tables' rows from before their protection
// (pg/protect/background.h), then archives the audit log's events older
// than listguard.audit_retention when that is set and due
// (pg/archive/archive.h), then leaves. One per database at a time (an
// advisory lock): a second one leaves at once.
#pragma once

#include "pg/base/postgres_c.h"

extern "C" {
PGDLLEXPORT void listguard_maintenance_main(Datum);
}
