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

} // namespace listguard
