#include "core/canary/attribution.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace listguard {

namespace {

// A share of 1 would make one canary missing from the file (a line lost to
// a typo, say) rule a role out completely.
constexpr double kMaxShare = 0.99;

// The chance, under a role's leak, that each canary is in the file (0: it
// did not read it, so only an accident puts it there).
std::vector<double> chances(const LeakInput& input, const LeakRole& role)
{
    std::vector<double> p(input.canaries.size(), 0.0);
    for (std::size_t i = 0; i < role.visible.size(); i++) {
        int c = role.visible[i];
        if (c < 0 || static_cast<std::size_t>(c) >= input.canaries.size())
            continue;
        if (role.reveals_known && (i >= role.revealed.size() || !role.revealed[i]))
            continue;
        int list = input.canaries[c].list;
        double share = -1;
        if (list >= 0 && static_cast<std::size_t>(list) < role.share.size())
            share = role.share[list];
        if (share < 0 && list >= 0 && static_cast<std::size_t>(list) < input.list_share.size())
            share = input.list_share[list];
        p[c] = std::clamp(share, 0.0, kMaxShare);
    }
    return p;
}

double log_likelihood(const LeakInput& input, const std::vector<double>& p)
{
    const double accident = std::log(kAccident);
    double sum = 0;
    for (std::size_t c = 0; c < input.canaries.size(); c++) {
        bool found = input.canaries[c].found;
        if (p[c] <= 0)
            sum += found ? accident : 0;
        else
            sum += found ? std::max(std::log(p[c]), accident) : std::log1p(-p[c]);
    }
    return sum;
}

// Whether the hypothesis "roles a and b leaked" (a == b: one role) explains
// most of the file's known addresses, by what they read in clear. Unknown
// summaries, or too few addresses to tell, explain it.
bool covers_file(const LeakInput& input, const LeakRole& a, const LeakRole& b)
{
    if (input.known_lines < kClearingLines)
        return true;
    const double need = kClearingShare * input.known_lines;
    const auto bits_known = [&](const LeakRole& r) {
        return r.lines_read.size() == static_cast<std::size_t>(input.known_lines);
    };
    if (&a == &b || (bits_known(a) && bits_known(b))) {
        if (!bits_known(a))
            return a.addresses_revealed < 0 || a.addresses_revealed >= kClearingShare;
        int held = 0;
        for (int i = 0; i < input.known_lines; i++)
            held += a.lines_read[i] || b.lines_read[i] ? 1 : 0;
        return held >= need;
    }
    if (a.addresses_revealed < 0 || b.addresses_revealed < 0)
        return true;
    // Shares without the addresses: at most their sum.
    return a.addresses_revealed + b.addresses_revealed >= kClearingShare;
}

} // namespace

std::vector<LeakVerdict> attribute_leak(const LeakInput& input)
{
    const std::size_t n = input.roles.size();
    std::vector<LeakVerdict> verdicts(n);
    int found_total = 0;
    for (const LeakCanary& c : input.canaries)
        found_total += c.found ? 1 : 0;

    std::vector<std::vector<double>> p(n);
    std::vector<double> single(n);
    for (std::size_t r = 0; r < n; r++) {
        const LeakRole& role = input.roles[r];
        p[r] = chances(input, role);
        single[r] = log_likelihood(input, p[r]);
        LeakVerdict& v = verdicts[r];
        v.visible = static_cast<int>(role.visible.size());
        for (std::size_t i = 0; i < role.visible.size(); i++) {
            int c = role.visible[i];
            if (c < 0 || static_cast<std::size_t>(c) >= input.canaries.size())
                continue;
            v.found += input.canaries[c].found ? 1 : 0;
            v.revealed += !role.reveals_known || (i < role.revealed.size() && role.revealed[i]) ? 1 : 0;
        }
    }

    // The best hypothesis with each role, and without it ("no role" is one).
    const double none = found_total * std::log(kAccident);
    // `with` counts only hypotheses that explain most of the file's
    // addresses; `without` counts every hypothesis (the cautious way).
    std::vector<double> with(n, -std::numeric_limits<double>::infinity());
    std::vector<double> with_any(n, -std::numeric_limits<double>::infinity());
    std::vector<double> without(n, none);
    auto consider = [&](double score, std::size_t a, std::size_t b) {
        bool covers = covers_file(input, input.roles[a], input.roles[b]);
        for (std::size_t r = 0; r < n; r++) {
            if (r == a || r == b) {
                with_any[r] = std::max(with_any[r], score);
                if (covers)
                    with[r] = std::max(with[r], score);
            } else {
                without[r] = std::max(without[r], score);
            }
        }
    };
    for (std::size_t r = 0; r < n; r++)
        consider(single[r], r, r);

    // Two sources: among the best single roles, each of which read a canary
    // of the file the other did not (a role that read nothing of it the
    // other did not adds nothing the other could not explain alone: a
    // sender's leak must not become "the sender and that role", nor a file
    // of one role's canaries "that role and whoever read the rest").
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return single[a] > single[b]; });
    order.resize(std::min<std::size_t>(n, kPairCandidates));
    std::vector<double> both(input.canaries.size());
    for (std::size_t i = 0; i < order.size(); i++) {
        for (std::size_t j = i + 1; j < order.size(); j++) {
            std::size_t a = order[i], b = order[j];
            bool a_only = false, b_only = false;
            for (std::size_t c = 0; c < both.size(); c++) {
                bool found = input.canaries[c].found;
                a_only = a_only || (found && p[a][c] > 0 && p[b][c] <= 0);
                b_only = b_only || (found && p[b][c] > 0 && p[a][c] <= 0);
                both[c] = 1 - (1 - p[a][c]) * (1 - p[b][c]);
            }
            if (!a_only || !b_only)
                continue;
            consider(log_likelihood(input, both) + std::log(kSecondSource), a, b);
        }
    }

    const double threshold = std::log(kLikelyOdds);
    for (std::size_t r = 0; r < n; r++) {
        // The odds weigh the canaries alone; likely also needs a hypothesis
        // with the role that explains most of the file.
        verdicts[r].odds = (with_any[r] - without[r]) / std::log(10.0);
        verdicts[r].likely = verdicts[r].found > 0 && with[r] - without[r] >= threshold;
    }

    // Missing canaries are evidence only against a source that cannot tell
    // canaries from real rows; one that can (a sender that spots them, a
    // copy of the list outside it) leaves out whichever it likes, and picks
    // whom the file blames. So a role is never likely while another role,
    // or two others together, could have read every canary the file holds
    // (and, by their reveal summaries, most of its addresses); and every
    // role that could have read them all is at least as likely as any other
    // such role.
    if (found_total == 0)
        return verdicts;
    const auto holds_all = [&](std::size_t a, std::size_t b) {
        for (std::size_t c = 0; c < input.canaries.size(); c++)
            if (input.canaries[c].found && p[a][c] <= 0 && p[b][c] <= 0)
                return false;
        return true;
    };
    std::vector<std::size_t> complete;
    for (std::size_t r = 0; r < n; r++)
        if (holds_all(r, r) && covers_file(input, input.roles[r], input.roles[r]))
            complete.push_back(r);
    if (!complete.empty()) {
        double best = -std::numeric_limits<double>::infinity();
        for (std::size_t r : complete)
            best = std::max(best, verdicts[r].odds);
        for (std::size_t r : complete)
            verdicts[r].odds = best;
    }
    for (std::size_t r = 0; r < n; r++) {
        if (!verdicts[r].likely)
            continue;
        bool other = false;
        for (std::size_t s : complete)
            other = other || s != r;
        for (std::size_t a = 0; a < n && !other && complete.empty(); a++)
            for (std::size_t b = a + 1; b < n && !other; b++)
                other = a != r && b != r && holds_all(a, b) && covers_file(input, input.roles[a], input.roles[b]);
        if (other)
            verdicts[r].likely = false;
    }
    return verdicts;
}

} // namespace listguard
