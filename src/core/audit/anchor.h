// The audit anchor record: the chain's head (the last event's id and link),
// kept outside the table so that a removed tail shows. One fixed-size text
// record padded with spaces and ended by a newline, so that a rewrite in
// place never leaves a longer tail behind:
//
//   version 2: "lg-anchor 2 <id> <link in hex>"
//   version 1: "<id> <link in hex>" (listguard 0.1; still read)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/audit/chain.h"

namespace listguard {

constexpr std::size_t kAnchorRecordSize = 128;
constexpr std::size_t kLinkHexSize = 2 * kLinkSize;

struct Anchor {
    std::int64_t id = 0; // 0: no anchor
    std::uint8_t link[kLinkSize] = {};

    bool present() const noexcept { return id > 0; }
};

// A link as lower-case hex, NUL-terminated.
void link_to_hex(const std::uint8_t* link, char (&out)[kLinkHexSize + 1]) noexcept;

void format_anchor(const Anchor& anchor, char (&record)[kAnchorRecordSize]) noexcept;

// A torn or malformed record (a crash while it was rewritten) reads as no
// anchor.
Anchor parse_anchor(std::string_view record) noexcept;

} // namespace listguard
