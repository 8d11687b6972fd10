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

struct Token {
    std::size_t start = 0; // first octet of the local part (or its opening quote)
    std::size_t at = 0;
    std::size_t end = 0; // one past the domain
    bool found = false;
};

// The address-like token around the "@" at position at, if there is one.
Token token_at(std::string_view s, std::size_t at) noexcept
{
    Token t;
    std::size_t start = at;
    if (at > 0 && s[at - 1] == '"') {
        // A quoted local part: back to its opening quote.
        std::size_t open = s.rfind('"', at >= 2 ? at - 2 : 0);
        if (open == std::string_view::npos || open + 1 >= at - 1)
            return t;
        start = open;
    } else {
        while (start > 0 && is_local_char(static_cast<unsigned char>(s[start - 1])))
            start--;
        // An apostrophe before it opens a SQL literal ('jane@x'), not the
        // address (o'brien@x keeps its own).
        while (start < at && s[start] == '\'')
            start++;
    }
    std::size_t end = at + 1;
    while (end < s.size() && is_domain_char(static_cast<unsigned char>(s[end])))
        end++;
    while (end > at + 1 && (s[end - 1] == '.' || s[end - 1] == '-'))
        end--; // a sentence's full stop is not part of the domain
    std::string_view domain = s.substr(at + 1, end - at - 1);
    if (start == at || domain.empty() || domain.find('.') == std::string_view::npos || domain.front() == '.')
        return t;
    t.start = start;
    t.at = at;
    t.end = end;
    t.found = true;
    return t;
}

} // namespace

bool has_address(std::string_view text) noexcept
{
    for (std::size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1))
        if (token_at(text, at).found)
            return true;
    return false;
}

std::size_t redact_addresses(std::string_view text, char* out, std::size_t capacity) noexcept
{
    std::size_t n = 0;
    auto put = [&](std::string_view piece) {
        std::size_t take = piece.size() < capacity - n ? piece.size() : capacity - n;
        std::memcpy(out + n, piece.data(), take);
        n += take;
    };
    std::size_t copied = 0; // text before this position is in out
    for (std::size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
        if (at < copied)
            continue;
        Token t = token_at(text, at);
        if (!t.found)
            continue;
        put(text.substr(copied, t.start - copied));
        char first = text[t.start] == '"' ? text[t.start + 1] : text[t.start];
        put(std::string_view(&first, 1));
        put("***@");
        put(text.substr(t.at + 1, t.end - t.at - 1));
        copied = t.end;
        at = t.end - 1;
    }
    put(text.substr(copied));
    return n;
}

} // namespace listguard
