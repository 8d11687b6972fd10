#include "core/canary/loose_address.h"

namespace listguard {

std::string loose_form(std::string_view canonical)
{
    std::size_t at = canonical.rfind('@');
    if (at == std::string_view::npos)
        return std::string(canonical);
    std::string local(canonical.substr(0, at));
    std::string domain(canonical.substr(at + 1));
    if (!local.empty() && local.front() == '"')
        return local + "@" + domain;
    std::size_t plus = local.find('+');
    if (plus != std::string::npos && plus > 0)
        local.resize(plus);
    if (domain == "gmail.com" || domain == "googlemail.com") {
        domain = "gmail.com";
        std::string undotted;
        for (char c : local)
            if (c != '.')
                undotted += c;
        local = undotted;
    }
    return local + "@" + domain;
}

std::string_view address_in_line(std::string_view line)
{
    // An address in angle brackets is the address.
    std::size_t open = line.find('<');
    std::size_t close = open == std::string_view::npos ? open : line.find('>', open + 1);
    if (close != std::string_view::npos && line.substr(open + 1, close - open - 1).find('@') != std::string_view::npos)
        line = line.substr(open + 1, close - open - 1);
    auto separator = [](char c) { return c == ',' || c == ';' || c == '\t' || c == ' ' || c == '|'; };
    std::size_t start = 0;
    while (start <= line.size()) {
        std::size_t end = start;
        while (end < line.size() && !separator(line[end]))
            end++;
        std::string_view field = line.substr(start, end - start);
        if (field.find('@') != std::string_view::npos) {
            auto junk = [](char c) {
                return c == '"' || c == '\'' || c == '(' || c == ')' || c == '[' || c == ']' || c == '<' || c == '>' ||
                       c == '.' || c == ':' || c == '\r' || c == '\n';
            };
            if (field.size() >= 7 && (field.substr(0, 7) == "mailto:" || field.substr(0, 7) == "MAILTO:"))
                field.remove_prefix(7);
            // A quoted local part keeps its quotes: only what surrounds the
            // whole field is taken off.
            while (!field.empty() && junk(field.back()) && !(field.back() == '"' && field.find('"') < field.size() - 1))
                field.remove_suffix(1);
            while (!field.empty() && junk(field.front()) && field.front() != '"')
                field.remove_prefix(1);
            if (field.size() >= 2 && field.front() == '"' && field.back() == '"' &&
                field.find('@') < field.size() - 1 && field.find('"', 1) == field.size() - 1)
                field = field.substr(1, field.size() - 2); // "jane@x.com" as a whole
            return field;
        }
        if (end == line.size())
            break;
        start = end + 1;
    }
    return {};
}

} // namespace listguard
