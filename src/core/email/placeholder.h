// A mask or pseudonym given to the type's input, kept as it was typed: what
// an ORM writes back when it saves a row it read masked. It is no address
// and is never stored: an UPDATE that writes back exactly what its role was
// shown for the value it replaces keeps that value (pg/output/write_back.h);
// any other use of it is refused as the input refused masks before.
//
//   offset  size  field
//        0     1  kPlaceholderVersion (no sealed value has it)
//        1     1  the form it has (ShownForm)
//        2     n  the text, as given (UTF-8), n <= kMaxAddressOctets
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace listguard {

enum class ShownForm : std::uint8_t {
    Mask = 1,
    Pseudonym = 2,
};

namespace placeholder {
constexpr std::uint8_t kVersion = 0xF0;
constexpr std::size_t kHeaderSize = 2;
} // namespace placeholder

// Writes the placeholder into out (sealed::kMaxSize) and returns its size.
std::size_t make_placeholder(ShownForm form, std::string_view text, std::uint8_t* out);

bool is_placeholder(const std::uint8_t* value, std::size_t size) noexcept;

// The text a placeholder holds (value must be one).
std::string_view placeholder_text(const std::uint8_t* value, std::size_t size) noexcept;
ShownForm placeholder_form(const std::uint8_t* value) noexcept;

// Throws Error(InvalidText): the error the input gives for text of this
// form where it may not stand for a value (write_back says where it may).
[[noreturn]] void refuse_shown_form(ShownForm form, bool write_back_hint);

} // namespace listguard
