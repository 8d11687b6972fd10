#include "core/audit/aggregate.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>

namespace listguard {

namespace {

constexpr const char* kOperationNames[RowCounts::kOperations] = {"insert", "update", "delete"};

bool add_checked(std::int64_t& into, std::int64_t more) noexcept
{
    if (more < 0 || into > std::numeric_limits<std::int64_t>::max() - more)
        return false;
    into += more;
    return true;
}

std::int64_t sum(const RowCounts::Scopes (&scopes)[RowCounts::kOperations]) noexcept
{
    std::int64_t total = 0;
    for (const auto& s : scopes)
        for (const auto& [scope, n] : s)
            if (!add_checked(total, n))
                return std::numeric_limits<std::int64_t>::max();
    return total;
}

int operation_of(std::string_view name) noexcept
{
    for (int i = 0; i < RowCounts::kOperations; i++)
        if (name == kOperationNames[i])
            return i;
    return -1;
}

// A JSON reader for the one shape above: objects, strings without escapes,
// non-negative integers.
struct Json {
    std::string_view text;
    std::size_t at = 0;

    void space()
    {
        while (at < text.size() && (text[at] == ' ' || text[at] == '\n' || text[at] == '\t' || text[at] == '\r'))
            at++;
    }
    bool eat(char c)
    {
        space();
        if (at < text.size() && text[at] == c) {
            at++;
            return true;
        }
        return false;
    }
    bool peek(char c)
    {
        space();
        return at < text.size() && text[at] == c;
    }
    bool string(std::string_view* out)
    {
        if (!eat('"'))
            return false;
        std::size_t end = text.find('"', at);
        if (end == std::string_view::npos)
            return false;
        *out = text.substr(at, end - at);
        if (out->find('\\') != std::string_view::npos)
            return false;
        at = end + 1;
        return true;
    }
    bool number(std::int64_t* out)
    {
        space();
        std::size_t start = at;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9')
            at++;
        if (at == start)
            return false;
        auto r = std::from_chars(text.data() + start, text.data() + at, *out);
        return r.ec == std::errc() && r.ptr == text.data() + at;
    }
    // { "key": <value>, ... }, calling member(key) for each, which reads
    // the value.
    template <typename Member>
    bool object(Member&& member)
    {
        if (!eat('{'))
            return false;
        if (eat('}'))
            return true;
        do {
            std::string_view key;
            if (!string(&key) || !eat(':') || !member(key))
                return false;
        } while (eat(','));
        return eat('}');
    }
};

bool parse_scope(std::string_view key, std::pair<std::int64_t, std::int64_t>* scope)
{
    std::size_t slash = key.find('/');
    if (slash == std::string_view::npos)
        return false;
    std::int64_t account = 0, list = 0;
    auto a = std::from_chars(key.data(), key.data() + slash, account);
    auto l = std::from_chars(key.data() + slash + 1, key.data() + key.size(), list);
    if (a.ec != std::errc() || a.ptr != key.data() + slash || l.ec != std::errc() || l.ptr != key.data() + key.size() ||
        account < 0 || list < 0)
        return false;
    *scope = {account, list};
    return true;
}

bool parse_scopes(Json& json, RowCounts::Scopes& scopes)
{
    return json.object([&](std::string_view key) {
        std::pair<std::int64_t, std::int64_t> scope;
        std::int64_t n = 0;
        return parse_scope(key, &scope) && json.number(&n) && add_checked(scopes[scope], n);
    });
}

void append_scopes(std::string& out, const RowCounts::Scopes& scopes)
{
    out += '{';
    bool first = true;
    for (const auto& [scope, n] : scopes) {
        if (!first)
            out += ", ";
        first = false;
        out += '"' + std::to_string(scope.first) + '/' + std::to_string(scope.second) + "\": " + std::to_string(n);
    }
    out += '}';
}

std::string render_one(const RowCounts& c)
{
    std::string out = "{";
    for (int op = 0; op < RowCounts::kOperations; op++) {
        if (c.written[op].empty())
            continue;
        out += std::string("\"") + kOperationNames[op] + "\": ";
        append_scopes(out, c.written[op]);
        out += ", ";
    }
    bool any_rolled_back = false;
    for (const auto& s : c.rolled_back)
        any_rolled_back = any_rolled_back || !s.empty();
    if (any_rolled_back) {
        out += "\"rolled_back\": {";
        bool first = true;
        for (int op = 0; op < RowCounts::kOperations; op++) {
            if (c.rolled_back[op].empty())
                continue;
            if (!first)
                out += ", ";
            first = false;
            out += std::string("\"") + kOperationNames[op] + "\": ";
            append_scopes(out, c.rolled_back[op]);
        }
        out += "}, ";
    }
    out += "\"rows\": " + std::to_string(c.rows()) + "}";
    return out;
}

// What one more scope entry adds to a rendering, at most.
std::size_t entry_cost(const std::pair<std::int64_t, std::int64_t>& scope, std::int64_t n)
{
    return std::to_string(scope.first).size() + std::to_string(scope.second).size() + std::to_string(n).size() + 8;
}

bool same_text(const char* a, const char* b, std::size_t room) noexcept
{
    return strncmp(a, b, room) == 0;
}

bool same_group(const AuditEvent& a, const AuditEvent& b) noexcept
{
    return a.database == b.database && same_text(a.session_user, b.session_user, sizeof a.session_user) &&
           same_text(a.current_user, b.current_user, sizeof a.current_user) &&
           same_text(a.client_addr, b.client_addr, sizeof a.client_addr) &&
           same_text(a.application_name, b.application_name, sizeof a.application_name) &&
           same_text(a.relation, b.relation, sizeof a.relation) && same_text(a.origin, b.origin, sizeof a.origin);
}

std::int64_t second_of(std::int64_t time) noexcept
{
    constexpr std::int64_t kMicroseconds = 1000000;
    return time >= 0 ? time / kMicroseconds : -((-time + kMicroseconds - 1) / kMicroseconds);
}

// The statements a per-transaction event counted ("statements": N in its
// detail), else 1.
std::int64_t statements_of(const AuditEvent& e) noexcept
{
    std::string_view detail(e.detail, strnlen(e.detail, sizeof e.detail));
    std::size_t at = detail.find("\"statements\": ");
    if (at == std::string_view::npos)
        return 1;
    at += std::strlen("\"statements\": ");
    std::int64_t n = 0;
    auto r = std::from_chars(detail.data() + at, detail.data() + detail.size(), n);
    return r.ec == std::errc() && n > 0 ? n : 1;
}

} // namespace

std::int64_t RowCounts::rows() const noexcept
{
    return sum(written);
}

std::int64_t RowCounts::rolled_back_rows() const noexcept
{
    return sum(rolled_back);
}

bool RowCounts::empty() const noexcept
{
    for (int op = 0; op < kOperations; op++)
        if (!written[op].empty() || !rolled_back[op].empty())
            return false;
    return true;
}

void RowCounts::add(const RowCounts& other)
{
    for (int op = 0; op < kOperations; op++) {
        for (const auto& [scope, n] : other.written[op])
            written[op][scope] += n;
        for (const auto& [scope, n] : other.rolled_back[op])
            rolled_back[op][scope] += n;
    }
}

const char* row_operation_name(int operation) noexcept
{
    return operation >= 0 && operation < RowCounts::kOperations ? kOperationNames[operation] : "?";
}

bool parse_row_counts(std::string_view text, RowCounts* out)
{
    RowCounts counts;
    Json json{text};
    bool ok = json.object([&](std::string_view key) {
        int op = operation_of(key);
        if (op >= 0)
            return parse_scopes(json, counts.written[op]);
        if (key == "rows") {
            std::int64_t rows = 0;
            return json.number(&rows);
        }
        if (key == "rolled_back")
            return json.object([&](std::string_view inner) {
                int rolled = operation_of(inner);
                return rolled >= 0 && parse_scopes(json, counts.rolled_back[rolled]);
            });
        return false;
    });
    json.space();
    if (!ok || json.at != text.size())
        return false;
    // Sums that overflow cannot be written out again.
    if (counts.rows() == std::numeric_limits<std::int64_t>::max() ||
        counts.rolled_back_rows() == std::numeric_limits<std::int64_t>::max())
        return false;
    *out = std::move(counts);
    return true;
}

std::vector<std::string> render_row_counts(const RowCounts& counts, std::size_t room)
{
    std::vector<std::string> out;
    RowCounts chunk;
    std::size_t size = 96; // braces, "rows", "rolled_back", separators
    auto flush = [&]() {
        if (!chunk.empty())
            out.push_back(render_one(chunk));
        chunk = RowCounts{};
        size = 96;
    };
    auto place = [&](RowCounts::Scopes(&into)[RowCounts::kOperations], int op,
                     const std::pair<std::int64_t, std::int64_t>& scope, std::int64_t n) {
        std::size_t cost = entry_cost(scope, n) + (into[op].empty() ? 24 : 0);
        if (size + cost > room && !chunk.empty()) {
            flush();
            cost = entry_cost(scope, n) + 24;
        }
        into[op][scope] = n;
        size += cost;
    };
    for (int op = 0; op < RowCounts::kOperations; op++)
        for (const auto& [scope, n] : counts.written[op])
            place(chunk.written, op, scope, n);
    for (int op = 0; op < RowCounts::kOperations; op++)
        for (const auto& [scope, n] : counts.rolled_back[op])
            place(chunk.rolled_back, op, scope, n);
    flush();
    if (out.empty())
        out.push_back(render_one(RowCounts{}));
    return out;
}

bool RowsPerSecond::add(const AuditEvent& e)
{
    if (strncmp(e.kind, "rows_changed", sizeof e.kind) != 0 || e.counts_length <= 0)
        return false;
    RowCounts counts;
    if (!parse_row_counts(std::string_view(e.counts, strnlen(e.counts, sizeof e.counts)), &counts))
        return false;
    std::int64_t second = second_of(e.time);
    Group* group = nullptr;
    for (Group& g : groups_)
        if (g.second == second && same_group(g.first, e)) {
            group = &g;
            break;
        }
    if (group == nullptr) {
        Group fresh;
        fresh.first = e;
        fresh.second = second;
        groups_.push_back(std::move(fresh));
        group = &groups_.back();
    }
    group->counts.add(counts);
    group->statements += statements_of(e);
    group->transactions++;
    if (std::find(group->pids.begin(), group->pids.end(), e.pid) == group->pids.end())
        group->pids.push_back(e.pid);
    for (int op = 0; op < RowCounts::kOperations; op++)
        if (!counts.written[op].empty() || !counts.rolled_back[op].empty())
            group->operations |= 1u << op;
    return true;
}

std::size_t RowsPerSecond::take(std::int64_t time, bool all, AuditEvent* out, std::size_t max)
{
    std::int64_t now = second_of(time);
    std::size_t n = 0;
    std::vector<Group> kept;
    std::stable_sort(groups_.begin(), groups_.end(),
                     [](const Group& a, const Group& b) { return a.second < b.second; });
    bool full = false;
    for (Group& g : groups_) {
        if (full || (!all && g.second >= now)) {
            kept.push_back(std::move(g));
            continue;
        }
        std::vector<std::string> chunks = render_row_counts(g.counts, std::min(room_, sizeof g.first.counts - 1));
        if (n + chunks.size() > max) {
            full = true;
            kept.push_back(std::move(g));
            continue;
        }
        std::string operations;
        for (int op = 0; op < RowCounts::kOperations; op++)
            if (g.operations & (1u << op))
                operations += std::string(operations.empty() ? "" : ", ") + "\"" + kOperationNames[op] + "\"";
        std::string detail = "{\"operations\": [" + operations + "], \"statements\": " + std::to_string(g.statements) +
                             ", \"aggregated\": {\"events\": " + std::to_string(g.transactions) +
                             ", \"backends\": " + std::to_string(g.pids.size()) + ", \"per\": \"second\"}}";
        for (const std::string& counts : chunks) {
            AuditEvent e = g.first;
            e.xid = 0;
            e.has_account = false;
            e.has_list = false;
            e.account = 0;
            e.list = 0;
            e.digest_count = 0;
            std::memset(e.digests, 0, sizeof e.digests);
            std::memset(e.counts, 0, sizeof e.counts);
            std::memcpy(e.counts, counts.data(), counts.size());
            e.counts_length = static_cast<std::int32_t>(counts.size());
            std::memset(e.detail, 0, sizeof e.detail);
            std::memcpy(e.detail, detail.data(), std::min(detail.size(), sizeof e.detail - 1));
            e.detail_length = static_cast<std::int32_t>(std::strlen(e.detail));
            out[n++] = e;
        }
    }
    groups_ = std::move(kept);
    return n;
}

std::vector<AuditEvent> RowsPerSecond::take(std::int64_t time, bool all)
{
    std::vector<AuditEvent> out(64 * (groups_.size() + 1));
    out.resize(take(time, all, out.data(), out.size()));
    return out;
}

} // namespace listguard
