// Fewer rows_changed events for the same rows: the counts of a rows_changed
// event (rows per operation and per account/list), read, added up and
// written out again, and the audit writer's aggregation of such events per
// role, table and second (listguard.audit_row_aggregation = 'second'). No
// count is lost: the sum of every count in equals the sum out, and counts
// too many to fit one event's room are split over several events.
//
// The counts of a rows_changed event (JSON, as the backends write it):
//
//   {"insert": {"1/10": 3, "2/0": 1}, "update": {...}, "delete": {...},
//    "rolled_back": {"insert": {"1/10": 1}}, "rows": 4}
//
// "rows" is the sum of the operations' counts (rolled-back rows aside: rows
// a statement wrote before a savepoint it ran in was rolled back).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/audit/event.h"

namespace listguard {

struct RowCounts {
    using Scopes = std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t>; // (account, list) -> rows
    static constexpr int kOperations = 3;                                         // insert, update, delete
    Scopes written[kOperations];
    Scopes rolled_back[kOperations];

    std::int64_t rows() const noexcept; // written
    std::int64_t rolled_back_rows() const noexcept;
    bool empty() const noexcept;
    void add(const RowCounts& other);
};

// "insert", "update", "delete".
const char* row_operation_name(int operation) noexcept;

// Reads counts of the shape above (any order, any JSON spacing); false if
// the text is anything else, or a count is negative or overflows.
bool parse_row_counts(std::string_view json, RowCounts* out);

// The counts as JSON objects of at most `room` octets each (one, unless
// there are too many scopes for one), each with its own "rows".
std::vector<std::string> render_row_counts(const RowCounts& counts, std::size_t room);

// The audit writer's aggregation. Events of kind rows_changed that share
// their database, session and current user, client address, application,
// table and origin within one second of event time become one event (or
// several, if their counts do not fit one): the first's fields, no
// transaction id, and in its detail the operations, how many statements,
// transactions and backends were merged, and the second.
class RowsPerSecond {
public:
    explicit RowsPerSecond(std::size_t counts_room) : room_(counts_room) {}

    // Keeps a rows_changed event whose counts it can read, and returns
    // true; false for any other event (the caller appends it as it is).
    bool add(const AuditEvent& event);

    // Takes out the aggregated events of every second before `time`'s
    // second (every second, if all), oldest second first: at most `max`
    // into `out` (a second's events are taken whole or left for the next
    // call); returns how many.
    std::size_t take(std::int64_t time, bool all, AuditEvent* out, std::size_t max);
    std::vector<AuditEvent> take(std::int64_t time, bool all);

    // Events waiting here (each second's group counts as one).
    std::size_t pending() const noexcept { return groups_.size(); }

private:
    struct Group {
        AuditEvent first;
        RowCounts counts;
        std::int64_t second = 0;
        std::int64_t statements = 0;
        std::int64_t transactions = 0;
        std::vector<std::int32_t> pids;
        unsigned operations = 0; // bit per operation
    };
    std::size_t room_;
    std::vector<Group> groups_; // few at a time: one per role and table in the last second or two
};

} // namespace listguard
