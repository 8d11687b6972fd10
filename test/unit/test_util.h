#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/crypto/secret.h"

namespace listguard::test {

inline std::vector<std::uint8_t> from_hex(const std::string& hex)
{
    std::vector<std::uint8_t> out;
    std::string digits;
    for (char c : hex)
        if (c != ' ')
            digits += c;
    for (std::size_t i = 0; i + 1 < digits.size(); i += 2)
        out.push_back(static_cast<std::uint8_t>(std::stoi(digits.substr(i, 2), nullptr, 16)));
    return out;
}

inline Secret secret_from_hex(const std::string& hex)
{
    auto bytes = from_hex(hex);
    return Secret(bytes.data(), bytes.size());
}

inline Secret fixed_server_key(std::uint8_t fill = 7)
{
    Secret key(32);
    for (std::size_t i = 0; i < key.size(); i++)
        key.data()[i] = static_cast<std::uint8_t>(fill + i);
    return key;
}

// Runs fn and returns the detail of the listguard::Error it throws, or
// "no error" / "wrong kind".
template <typename Fn>
std::string error_detail(Fn fn, ErrorKind expected = ErrorKind::InvalidText)
{
    try {
        fn();
    } catch (const Error& e) {
        if (e.kind() != expected)
            return "wrong kind: " + e.detail();
        return e.detail();
    }
    return "no error";
}

} // namespace listguard::test
