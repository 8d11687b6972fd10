#include "pg/base/module.h"

#include "pg/access/cache.h"
#include "pg/audit/queue.h"
#include "pg/audit/counts.h"
#include "pg/audit/events.h"
#include "pg/quota/charge.h"
#include "pg/quota/store.h"
#include "pg/quota/saver.h"
#include "pg/base/shared_memory.h"
#include "pg/protect/ddl_guard.h"
#include "pg/base/keys.h"

extern "C" {
#include "utils/guc.h"

PG_MODULE_MAGIC;

void _PG_init(void);
}

namespace listguard::pg {

char* key_file_setting = nullptr;
bool sealed_output_setting = false;

namespace {

bool preloaded = false;

[[noreturn]] void report_not_preloaded()
{
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("listguard must be loaded via shared_preload_libraries"),
                    errhint("Add listguard to shared_preload_libraries in postgresql.conf and restart the server.")));
    pg_unreachable();
}

void assign_key_file(const char*, void*) { forget_keyring(); }

} // namespace

void require_preload()
{
    if (unlikely(!preloaded))
        report_not_preloaded();
}

} // namespace listguard::pg

// Only settings, hooks and callbacks here: no threads, no key loading in the
// postmaster. Keys are loaded lazily by the first backend function that needs
// them.
void _PG_init(void)
{
    using namespace listguard::pg;

    if (!process_shared_preload_libraries_in_progress)
        report_not_preloaded();

    DefineCustomStringVariable(
        "listguard.key_file", "Path of the server key that seals listguard.email values.",
        "32 random octets, mode 0600. Relative paths are relative to the data directory. "
        "Created on first use if missing.",
        &key_file_setting, "listguard.key", PGC_SUSET, 0, nullptr, assign_key_file, nullptr);

    DefineCustomBoolVariable("listguard.sealed_output",
                             "Show listguard.email values as sealed tokens to superusers.",
                             "For backups: sealed tokens can be read back by the input function.",
                             &sealed_output_setting, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);

    DefineCustomIntVariable("listguard.max_quota_slots",
                            "Export quotas that can have an open window at once (shared memory slots).",
                            nullptr, &max_quota_slots_setting, 1024, 16, 1000000, PGC_POSTMASTER, 0, nullptr,
                            nullptr, nullptr);
    DefineCustomIntVariable("listguard.quota_save_interval",
                            "How often export-quota counters are saved to disk.",
                            "After a crash, the charges of at most this interval are lost. 0 saves them only at a "
                            "clean shutdown.",
                            &quota_save_interval_setting, 1000, 0, 3600000, PGC_SIGHUP, GUC_UNIT_MS, nullptr,
                            nullptr, nullptr);

    DefineCustomBoolVariable("listguard.log_events", "Write every audit event to the server log as a JSON line.",
                             "For SIEM pipelines; the audit log table keeps them either way.", &log_events_setting,
                             false, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomBoolVariable("listguard.audit_reveals", "Record clear reveals in the audit trail.",
                             "One event per statement, role, grant, account and list, with the count.",
                             &audit_reveals_setting, true, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("listguard.audit_queue_size",
                            "Audit events that can wait in shared memory for their writer.",
                            "When the queue is full, events go to the server log and the gap is recorded.",
                            &audit_queue_size_setting, 2048, 64, 1000000, PGC_POSTMASTER, 0, nullptr, nullptr,
                            nullptr);
    DefineCustomIntVariable("listguard.audit_anchor_log_interval",
                            "How often the audit writer logs the chain head (the anchor).", nullptr,
                            &audit_anchor_log_interval_setting, 60, 0, 86400, PGC_SIGHUP, GUC_UNIT_S, nullptr,
                            nullptr, nullptr);

    MarkGUCPrefixReserved("listguard");

    install_shared_memory();
    install_audit_stats();
    install_quota_charging();
    register_quota_worker();

    register_access_cache_callbacks();
    install_ddl_guard();
    preloaded = true;
}
