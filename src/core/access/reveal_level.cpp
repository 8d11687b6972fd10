#include "core/access/reveal_level.h"

namespace listguard {

std::optional<RevealLevel> parse_reveal(std::string_view text) noexcept
{
    if (text == "masked")
        return RevealLevel::Masked;
    if (text == "pseudonym")
        return RevealLevel::Pseudonym;
    if (text == "sealed")
        return RevealLevel::Sealed;
    if (text == "clear")
        return RevealLevel::Clear;
    return std::nullopt;
}

std::string_view reveal_name(RevealLevel level) noexcept
{
    switch (level) {
    case RevealLevel::Masked:
        return "masked";
    case RevealLevel::Pseudonym:
        return "pseudonym";
    case RevealLevel::Sealed:
        return "sealed";
    case RevealLevel::Clear:
        return "clear";
    }
    return "masked";
}

} // namespace listguard
