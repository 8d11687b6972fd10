#include "core/canary/local_part.h"

#include <array>

namespace listguard {

namespace {

constexpr std::array<std::string_view, 64> kFirstNames = {
    "james",  "mary",    "john",     "patricia", "robert",  "jennifer", "michael", "linda",   "william", "elizabeth",
    "david",  "barbara", "richard",  "susan",    "joseph",  "jessica",  "thomas",  "sarah",   "charles", "karen",
    "daniel", "nancy",   "matthew",  "lisa",     "anthony", "betty",    "mark",    "sandra",  "donald",  "ashley",
    "steven", "emily",   "paul",     "donna",    "andrew",  "michelle", "joshua",  "carol",   "kenneth", "amanda",
    "kevin",  "melissa", "brian",    "deborah",  "george",  "laura",    "timothy", "rebecca", "ronald",  "sharon",
    "jason",  "cynthia", "edward",   "kathleen", "jeffrey", "anna",     "ryan",    "shirley", "jacob",   "angela",
    "gary",   "helen",   "nicholas", "emma"};

constexpr std::array<std::string_view, 64> kLastNames = {
    "smith",     "johnson",  "williams",  "brown",    "jones",    "garcia",   "miller",   "davis",
    "rodriguez", "martinez", "hernandez", "lopez",    "gonzalez", "wilson",   "anderson", "thomas",
    "taylor",    "moore",    "jackson",   "martin",   "lee",      "perez",    "thompson", "white",
    "harris",    "sanchez",  "clark",     "ramirez",  "lewis",    "robinson", "walker",   "young",
    "allen",     "king",     "wright",    "scott",    "torres",   "nguyen",   "hill",     "flores",
    "green",     "adams",    "nelson",    "baker",    "hall",     "rivera",   "campbell", "mitchell",
    "carter",    "roberts",  "gomez",     "phillips", "evans",    "turner",   "diaz",     "parker",
    "cruz",      "edwards",  "collins",   "reyes",    "stewart",  "morris",   "morales",  "murphy"};

bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}
bool is_separator(char c)
{
    return c == '.' || c == '_' || c == '-' || c == '+';
}

// Runs of eight letters or more are mostly a first and last name together.
constexpr std::size_t kLongWord = 8;

} // namespace

std::string local_part_style(std::string_view local_part)
{
    std::string style;
    std::size_t i = 0;
    while (i < local_part.size()) {
        char c = local_part[i];
        if (is_letter(c)) {
            std::size_t start = i;
            while (i < local_part.size() && is_letter(local_part[i]))
                i++;
            std::size_t run = i - start;
            style += run == 1 ? 'i' : run >= kLongWord ? 'W' : 'w';
        } else if (is_digit(c) || is_separator(c)) {
            style += is_digit(c) ? '9' : c;
            i++;
        } else {
            return "";
        }
    }
    return style;
}

std::string local_part_in_style(std::string_view style, const RandomBelow& random)
{
    auto pick = [&](const auto& names) { return std::string(names[random(static_cast<std::uint32_t>(names.size()))]); };
    // A name of the length class the style asks for ('w': shorter than a
    // long word; 'W': a first and last name that make one).
    auto fitting = [&](char kind, bool first) {
        std::string name;
        do {
            name = kind == 'W' ? pick(kFirstNames) + pick(kLastNames) : first ? pick(kFirstNames) : pick(kLastNames);
        } while ((kind == 'W') != (name.size() >= kLongWord));
        return name;
    };
    std::string out;
    bool first_word = true;
    std::size_t i = 0;
    while (i < style.size()) {
        char c = style[i];
        if (c == 'w' || c == 'i' || c == 'W') {
            out += c == 'i' ? pick(first_word ? kFirstNames : kLastNames).substr(0, 1) : fitting(c, first_word);
            first_word = false;
            i++;
        } else if (c == '9') {
            std::size_t digits = 0;
            while (i < style.size() && style[i] == '9') {
                digits++;
                i++;
            }
            // Four digits are mostly a year of birth.
            if (digits == 4) {
                out += std::to_string(1950 + random(56));
                continue;
            }
            for (std::size_t d = 0; d < digits; d++)
                out += static_cast<char>('0' + random(10));
        } else if (is_separator(c)) {
            out += c;
            i++;
        } else {
            return "";
        }
    }
    return out;
}

} // namespace listguard
