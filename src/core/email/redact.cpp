#include "core/email/redact.h"

#include <cstring>

namespace listguard {

namespace {

bool is_local_char(unsigned char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr;
}

// Domain characters: letters, digits, hyphens, dots, and any non-ASCII
// octet (internationalized domains in UTF-8).
bool is_domain_char(unsigned char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c >= 0x80;
}

constexpr std::size_t kMaxQuotedLocal = 2 * 64 + 2; // quotes and escapes included

// The length of the domain-like run at text[from], without a trailing full
// stop or hyphen; 0 if there is none. Domains without a dot count: the type
// accepts them (jane@intranet).
std::size_t domain_length(std::string_view s, std::size_t from) noexcept
{
    std::size_t end = from;
    while (end < s.size() && is_domain_char(static_cast<unsigned char>(s[end])))
        end++;
    while (end > from && (s[end - 1] == '.' || s[end - 1] == '-'))
        end--; // a sentence's full stop is not part of the domain
    if (end == from || s[from] == '.' || s[from] == '-')
        return 0;
    return end - from;
}

// One past the closing quote of the quoted string opening at s[open], with
// backslash escapes; npos if it does not close soon enough to be a local part.
std::size_t quoted_end(std::string_view s, std::size_t open) noexcept
{
    std::size_t limit = open + kMaxQuotedLocal < s.size() ? open + kMaxQuotedLocal : s.size();
    for (std::size_t i = open + 1; i < limit; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return std::string_view::npos;
}

// A token's domain followed by another "@" and domain could itself be the
// local part of an address (a@b@c.com holds b@c.com): the token runs to the
// last domain of the chain, whose "@" is returned in at.
std::size_t chain_end(std::string_view s, std::size_t& at, std::size_t end) noexcept
{
    while (end < s.size() && s[end] == '@') {
        std::size_t more = domain_length(s, end + 1);
        if (more == 0)
            break;
        at = end;
        end = end + 1 + more;
    }
    return end;
}

// Scans text left to right and calls found(start, at, end) for each
// address-like token (local part from start, "@" at at, domain up to end),
// in order and without overlap; found returns false to stop.
template <typename Found>
void scan(std::string_view s, Found&& found) noexcept
{
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == '"') {
            std::size_t close = quoted_end(s, i);
            if (close != std::string_view::npos && close > i + 2 && close < s.size() && s[close] == '@') {
                std::size_t domain = domain_length(s, close + 1);
                if (domain > 0) {
                    std::size_t at = close;
                    std::size_t end = chain_end(s, at, close + 1 + domain);
                    if (!found(i, at, end))
                        return;
                    i = end;
                    continue;
                }
            }
            i++; // an ordinary quote
            continue;
        }
        if (!is_local_char(static_cast<unsigned char>(s[i]))) {
            i++;
            continue;
        }
        std::size_t run = i;
        while (run < s.size() && is_local_char(static_cast<unsigned char>(s[run])))
            run++;
        // An apostrophe before it opens a SQL literal ('jane@x'), not the
        // address (o'brien@x keeps its own); but a run of apostrophes alone
        // before "@" ends with a local part of one ('@x is an address).
        std::size_t start = i;
        while (start + 1 < run && s[start] == '\'')
            start++;
        if (run < s.size() && s[run] == '@') {
            std::size_t domain = domain_length(s, run + 1);
            if (domain > 0) {
                std::size_t at = run;
                std::size_t end = chain_end(s, at, run + 1 + domain);
                if (!found(start, at, end))
                    return;
                i = end;
                continue;
            }
        }
        i = run;
    }
}

} // namespace

bool has_address(std::string_view text) noexcept
{
    if (text.find('@') == std::string_view::npos)
        return false;
    bool any = false;
    scan(text, [&](std::size_t, std::size_t, std::size_t) {
        any = true;
        return false;
    });
    return any;
}

std::size_t redact_addresses(std::string_view text, char* out, std::size_t capacity) noexcept
{
    std::size_t n = 0;
    auto put = [&](std::string_view piece) {
        std::size_t take = piece.size() < capacity - n ? piece.size() : capacity - n;
        std::memcpy(out + n, piece.data(), take);
        n += take;
    };
    std::size_t copied = 0; // text before this position is in out; tokens never start before it
    scan(text, [&](std::size_t start, std::size_t at, std::size_t end) {
        put(text.substr(copied, start - copied));
        // The first character of the local part; inside quotes, the first
        // one after the quote (an escaped or invisible one shows as *).
        char first = text[start];
        if (first == '"') {
            first = text[start + 1];
            if (first == '\\' || first == '"')
                first = '*';
        }
        if (static_cast<unsigned char>(first) < '!' || static_cast<unsigned char>(first) > '~')
            first = '*';
        put(std::string_view(&first, 1));
        put("***@");
        put(text.substr(at + 1, end - at - 1));
        copied = end;
        return true;
    });
    put(text.substr(copied));
    return n;
}

} // namespace listguard
