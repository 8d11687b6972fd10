// Errors raised by the core. The PostgreSQL adapter maps each kind to a
// SQLSTATE; the core itself knows nothing of PostgreSQL.
#pragma once

#include <stdexcept>
#include <string>

namespace listguard {

enum class ErrorKind {
    InvalidText,           // 22P02: malformed address or sealed token
    InvalidParameter,      // 22023: bad argument to a function
    InsufficientPrivilege, // 42501: access denied
    ConfigFile,            // F0000: unusable key file
    DataCorrupted,         // XX001: stored value that cannot be read
    Internal,              // XX000: a library call failed unexpectedly
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message, std::string detail = {}, std::string hint = {})
        : std::runtime_error(message), kind_(kind), detail_(std::move(detail)), hint_(std::move(hint))
    {
    }

    ErrorKind kind() const noexcept { return kind_; }
    const std::string& detail() const noexcept { return detail_; }
    const std::string& hint() const noexcept { return hint_; }

private:
    ErrorKind kind_;
    std::string detail_;
    std::string hint_;
};

} // namespace listguard
