// Key material that is wiped (OPENSSL_cleanse) when it is released, so no key
// bytes linger in freed heap memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace listguard {

class Secret {
public:
    Secret() = default;
    explicit Secret(std::size_t size) : bytes_(size, 0) {}
    Secret(const std::uint8_t* data, std::size_t size) : bytes_(data, data + size) {}
    ~Secret() { wipe(); }

    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;
    Secret(Secret&& other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }
    Secret& operator=(Secret&& other) noexcept;

    std::uint8_t* data() noexcept { return bytes_.data(); }
    const std::uint8_t* data() const noexcept { return bytes_.data(); }
    std::size_t size() const noexcept { return bytes_.size(); }
    bool operator==(const Secret& other) const noexcept;
    bool operator!=(const Secret& other) const noexcept { return !(*this == other); }

private:
    void wipe() noexcept;
    std::vector<std::uint8_t> bytes_;
};

} // namespace listguard
