// Who leaked a file: the scoring behind listguard.trace_leak().
//
// The file is explained by hypotheses: "role R leaked part of what it read
// in clear", "roles R and S both did" (two sources merged, or colluders;
// only for two roles that each read a canary the other did not),
// and "no role did" (the file came from elsewhere). Under "R leaked", each
// canary R revealed (read in clear) is in the file with the chance that R's
// other revealed addresses of that canary's list are: the share of the list
// as R read it that the file holds. A canary R never revealed is in the file
// only by accident (a guessed address): kAccident. The log-likelihoods of
// the hypotheses are compared, and a role is likely only when the best
// hypothesis that includes it beats every hypothesis without it, "no role"
// included, by a factor of kLikelyOdds. So:
//
// - a role is never named for canaries it could not have read, and a file
//   holding canaries of several roles is evidence for the one role (a
//   sender) that read them all, against each of the others;
// - missing canaries never clear a role that could have read every canary
//   the file holds: a source that can spot canaries (a sender, a copy of the
//   list outside it) leaves out whichever it likes and so picks whom the
//   file blames (test/attacks 101, 104). A role is likely only when no other
//   role, nor two others together, could have read all the file's canaries
//   (and, by their summaries, most of its addresses); every role that could
//   have read them all gets the best odds among them. So a file with only
//   one role's canaries, which a sender also read, names nobody;
// - two roles that read the same canaries (two senders) are never told
//   apart, and neither is named;
// - a role whose reveal summaries show it read in clear less than half of
//   the file's addresses (of the lists weighed), alone or with the second
//   source of a two-role hypothesis, is cleared, whichever canaries the file
//   holds.
//
// Plain arithmetic on counts; the adapter (pg/canary) gathers them.
#pragma once

#include <cstdint>
#include <vector>

namespace listguard {

struct LeakCanary {
    int list = 0;       // index into LeakInput::lists
    bool found = false; // in the file
};

struct LeakRole {
    // Canaries (indexes into LeakInput::canaries) the role could see, and
    // whether it read each in clear (parallel). When the trail cannot tell
    // (reveals_known false), every canary it could see counts as read.
    std::vector<int> visible;
    std::vector<bool> revealed;
    bool reveals_known = false;
    // Per list: the share of what the role read of it in clear that the
    // file holds (negative: unknown; the list's share is used).
    std::vector<double> share;
    // The share of the file's addresses found in the lists weighed that the
    // role read in clear (its reveal summaries; negative: unknown), and,
    // when known, which of those addresses (LeakInput::known_lines bits), so
    // that what two roles read together can be told.
    double addresses_revealed = -1;
    std::vector<bool> lines_read;
};

struct LeakInput {
    std::vector<double> list_share; // per list: its rows in the file, over its rows
    int known_lines = 0;            // the file's addresses found in the lists weighed
    std::vector<LeakCanary> canaries;
    std::vector<LeakRole> roles;
};

struct LeakVerdict {
    int found = 0;    // canaries of the file it could see
    int visible = 0;  // canaries it could see
    int revealed = 0; // of those, read in clear (= visible when not known)
    // log10 of how much better the best explanation with this role explains
    // the file than the best without it (negative: worse).
    double odds = 0;
    bool likely = false;
};

// A canary in a file that no role of a hypothesis read: an accident, such as
// a guessed address (guessed canaries at the canary domains are caught
// before scoring: the adapter then counts only added mailboxes).
constexpr double kAccident = 1e-9;
// A second source (two roles' leaks merged) is this much less likely a priori.
constexpr double kSecondSource = 1e-3;
// Likely: the best explanation with the role is this many times better than
// the best without it.
constexpr double kLikelyOdds = 1e5;
// A hypothesis whose roles read in clear less than kClearingShare of the
// file's addresses found in the lists (when there are kClearingLines or
// more of them) explains only part of the file: a role is likely only
// through a hypothesis that explains most of it (alone, or with a second
// source, such as a colluder), whatever canaries the file holds.
constexpr double kClearingShare = 0.5;
constexpr int kClearingLines = 20;
// Hypotheses of two roles are formed among this many best single roles.
constexpr int kPairCandidates = 32;

std::vector<LeakVerdict> attribute_leak(const LeakInput& input);

} // namespace listguard
