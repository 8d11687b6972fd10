#include "core/email/placeholder.h"

#include <cstring>

#include "core/base/error.h"
#include "core/email/address.h"

namespace listguard {

std::size_t make_placeholder(ShownForm form, std::string_view text, std::uint8_t* out)
{
    if (text.size() > kMaxAddressOctets)
        refuse_shown_form(form, false);
    out[0] = placeholder::kVersion;
    out[1] = static_cast<std::uint8_t>(form);
    std::memcpy(out + placeholder::kHeaderSize, text.data(), text.size());
    return placeholder::kHeaderSize + text.size();
}

bool is_placeholder(const std::uint8_t* value, std::size_t size) noexcept
{
    return size >= placeholder::kHeaderSize && size <= placeholder::kHeaderSize + kMaxAddressOctets &&
           value[0] == placeholder::kVersion &&
           (value[1] == static_cast<std::uint8_t>(ShownForm::Mask) ||
            value[1] == static_cast<std::uint8_t>(ShownForm::Pseudonym));
}

std::string_view placeholder_text(const std::uint8_t* value, std::size_t size) noexcept
{
    return {reinterpret_cast<const char*>(value + placeholder::kHeaderSize), size - placeholder::kHeaderSize};
}

ShownForm placeholder_form(const std::uint8_t* value) noexcept
{
    return static_cast<ShownForm>(value[1]);
}

void refuse_shown_form(ShownForm form, bool write_back_hint)
{
    const char* detail = form == ShownForm::Mask
                             ? "It has the shape of a listguard mask (one character, then ***), not of an address."
                             : "It has the shape of a listguard pseudonym (p. and 12 letters or digits), not of an "
                               "address.";
    std::string hint = form == ShownForm::Mask
                           ? "Load addresses or sealed tokens; a masked export cannot be loaded back."
                           : "Load addresses or sealed tokens; a pseudonymous export cannot be loaded back.";
    if (write_back_hint)
        hint += " An UPDATE may write back, unchanged, the mask or pseudonym its role was shown for the value it "
                "replaces.";
    throw Error(ErrorKind::InvalidText, "invalid email address", detail, hint);
}

} // namespace listguard
