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
    std::vector<double> with(n, -std::numeric_limits<double>::infinity());
    std::vector<double> without(n, none);
    auto consider = [&](double score, std::size_t a, std::size_t b) {
        for (std::size_t r = 0; r < n; r++) {
            if (r == a || r == b)
                with[r] = std::max(with[r], score);
            else
                without[r] = std::max(without[r], score);
        }
    };
    for (std::size_t r = 0; r < n; r++)
        consider(single[r], r, r);

    // Two sources: among the best single roles, each of which read a canary
    // the other did not (a role that read nothing the other did not adds
    // nothing the other could not explain alone: a sender's leak must not
    // become "the sender and that role").
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
                a_only = a_only || (p[a][c] > 0 && p[b][c] <= 0);
                b_only = b_only || (p[b][c] > 0 && p[a][c] <= 0);
                both[c] = 1 - (1 - p[a][c]) * (1 - p[b][c]);
            }
            if (!a_only || !b_only)
                continue;
            consider(log_likelihood(input, both) + std::log(kSecondSource), a, b);
        }
    }

    const double threshold = std::log(kLikelyOdds);
    for (std::size_t r = 0; r < n; r++) {
        double margin = with[r] - without[r];
        verdicts[r].odds = margin / std::log(10.0);
        const LeakRole& role = input.roles[r];
        bool cleared = role.addresses_revealed >= 0 && input.known_lines >= kClearingLines &&
                       role.addresses_revealed < kClearingShare;
        verdicts[r].likely = verdicts[r].found > 0 && margin >= threshold && !cleared;
    }
    return verdicts;
}

} // namespace listguard
