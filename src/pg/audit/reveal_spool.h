// The keys of the addresses a backend shows in clear, on their way to the
// reveal summaries (core/canary/reveal_summary.h, listguard.reveal_summaries).
//
// Every clear value, canary or not, adds its key to a buffer, under the
// current role, the session's login and the day (UTC). At the end of each
// statement (and transaction, failed ones too) the buffer is appended to
// the backend's spool file, pg_listguard/summaries/<database>.<pid>.<n>,
// which is closed (renamed <name>.done) when it passes 1 MB and when the
// backend exits. The database's audit writer folds spool files into the
// summaries (reveal_summaries.h). A backend that cannot write its spool file
// records an audit_gap event, so that trace_leak() does not take missing
// keys for addresses never read.
//
// Not on a hot standby (nobody there could fold them): trace_leak() treats
// a role that read in clear on a standby as having read everything it
// could see.
#pragma once

#include <string_view>

#include "pg/base/postgres_c.h"

#include "pg/type/stored_value.h"

#include "core/canary/reveal_summary.h"

namespace listguard::pg {

constexpr const char* kSpoolDirectory = "pg_listguard/summaries";

// The summary key of a stored value whose address (as shown, in UTF-8) is
// `address`: its digest's first octets, or those of its loose form's digest
// when that differs (a +tag, a Gmail address with dots). May throw
// listguard::Error: call inside guarded().
uint64 reveal_summary_key(EmailBytes value, std::string_view address);

// Notes a key for the current role and the session's login.
void spool_reveal(uint64 key);

// Appends what was noted to the spool file. Never errors (an abort path
// calls it): a failure is an audit_gap event.
void spool_flush() noexcept;

// A spool file of a database, as the writer and readers see it.
struct SpoolFile {
    char name[64]; // within kSpoolDirectory
    int pid;       // the backend writing it
    bool finished; // .done: its backend closed it
    bool folded;   // .folded: in the summaries already, kept a while for readers
    time_t modified;
};

// The spool files of a database (palloc'd, in name order).
SpoolFile* list_spool_files(Oid database, int* count);

// Reads a spool file whole (palloc'd); false if it is gone.
bool read_spool_file(const SpoolFile& file, uint8** data, size_t* size);

// Calls each(arg, header, keys) for every whole record of data, and returns
// the octets they take; stops at a damaged record (with a WARNING, and
// returns as if the file ended there).
using SpoolRecordFn = void (*)(void* arg, const SpoolRecordHeader& header, const uint64* keys);
size_t for_each_spool_record(const uint8* data, size_t size, SpoolRecordFn each, void* arg);

// Calls each() for every record of this database's spool files not yet
// folded (with folded ones too: a key may come twice, what it is used for
// does not mind). A reader that then reads listguard.reveal_summaries under
// a newer snapshot misses nothing without the folded ones: a file is renamed
// .folded only once the transaction that folded it committed.
void read_spool_files(Oid database, bool with_folded, SpoolRecordFn each, void* arg);

} // namespace listguard::pg
