#include "core/canary/local_part.h"

#include <algorithm>
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

namespace listguard {

namespace {

// Words of local parts that show no name (nicknames, hobbies).
constexpr std::array<std::string_view, 48> kWords = {
    "sunny", "tiger", "rocket", "angel",  "shadow",  "happy",  "music",  "lucky",  "star",  "dragon",
    "ninja", "pixel", "runner", "surfer", "biker",   "chef",   "honey",  "cookie", "panda", "wolf",
    "eagle", "storm", "ocean",  "river",  "forest",  "moon",   "cherry", "mango",  "peach", "coffee",
    "jazz",  "retro", "urban",  "magic",  "dancer",  "singer", "artist", "travel", "hiker", "sailor",
    "pilot", "coach", "legend", "smiley", "bubbles", "sugar",  "blue",   "gamer"};

struct Token {
    std::string text;        // lower case
    std::size_t column;      // which name value
    std::size_t start, size; // where in it
};

std::vector<Token> tokens_of(const std::vector<std::string>& names)
{
    std::vector<Token> tokens;
    for (std::size_t c = 0; c < names.size(); c++) {
        const std::string& n = names[c];
        std::size_t i = 0;
        while (i < n.size()) {
            if (!is_letter(n[i])) {
                i++;
                continue;
            }
            std::size_t start = i;
            std::string lower;
            while (i < n.size() && is_letter(n[i])) {
                lower += static_cast<char>(n[i] >= 'A' && n[i] <= 'Z' ? n[i] - 'A' + 'a' : n[i]);
                i++;
            }
            tokens.push_back(Token{lower, c, start, i - start});
        }
    }
    return tokens;
}

std::string lower_of(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}

// The items of a run of letters made of name tokens and initials, covering
// it whole, with the most letters in whole tokens; "" if none does (or only
// initials would, in a run longer than two letters).
std::string segment_run(const std::string& run, const std::vector<Token>& tokens)
{
    const std::size_t n = run.size();
    // best[i]: (letters in whole tokens, items) for run[i..]; -1: impossible.
    std::vector<int> covered(n + 1, -1), items(n + 1, 0);
    std::vector<std::string> choice(n + 1);
    covered[n] = 0;
    for (std::size_t i = n; i-- > 0;) {
        for (std::size_t t = 0; t < tokens.size(); t++) {
            const std::string& tok = tokens[t].text;
            auto consider = [&](std::size_t len, int whole, const std::string& item) {
                if (i + len > n || covered[i + len] < 0)
                    return;
                int c = covered[i + len] + whole;
                int it = items[i + len] + 1;
                if (c > covered[i] || (c == covered[i] && it < items[i])) {
                    covered[i] = c;
                    items[i] = it;
                    choice[i] = item + choice[i + len];
                }
            };
            if (tok.size() >= 2 && run.compare(i, tok.size(), tok) == 0)
                consider(tok.size(), static_cast<int>(tok.size()), "{" + std::to_string(t) + "}");
            if (!tok.empty() && run[i] == tok[0])
                consider(1, 0, "{" + std::to_string(t) + "i}");
        }
    }
    if (covered[0] < 0 || (covered[0] == 0 && n > 2))
        return "";
    return choice[0];
}

struct Item {
    enum Kind { Whole, Initial, Word, Digits, Separator } kind;
    std::size_t token = 0; // Whole, Initial
    std::size_t count = 0; // Digits
    char separator = 0;
};

// The items of a template; false if it is not one.
bool parse_template(std::string_view tmpl, std::vector<Item>& out)
{
    std::size_t i = 0;
    while (i < tmpl.size()) {
        char c = tmpl[i];
        if (c == '{') {
            std::size_t close = tmpl.find('}', i);
            if (close == std::string_view::npos || close == i + 1)
                return false;
            std::string_view body = tmpl.substr(i + 1, close - i - 1);
            bool initial = body.back() == 'i';
            if (initial)
                body.remove_suffix(1);
            if (body.empty() || body.size() > 3)
                return false;
            std::size_t t = 0;
            for (char d : body) {
                if (!is_digit(d))
                    return false;
                t = t * 10 + static_cast<std::size_t>(d - '0');
            }
            out.push_back(Item{initial ? Item::Initial : Item::Whole, t, 0, 0});
            i = close + 1;
        } else if (c == 'w') {
            out.push_back(Item{Item::Word, 0, 0, 0});
            i++;
        } else if (c == '9') {
            std::size_t count = 0;
            while (i < tmpl.size() && tmpl[i] == '9') {
                count++;
                i++;
            }
            out.push_back(Item{Item::Digits, 0, count, 0});
        } else if (c == '.' || c == '_' || c == '-' || c == '+') {
            out.push_back(Item{Item::Separator, 0, 0, c});
            i++;
        } else {
            return false;
        }
    }
    return !out.empty();
}

std::string digits_for(std::size_t count, const RandomBelow& random)
{
    // Four digits are mostly a year of birth.
    if (count == 4)
        return std::to_string(1950 + random(56));
    std::string out;
    for (std::size_t d = 0; d < count; d++)
        out += static_cast<char>('0' + random(10));
    return out;
}

// A token in the case its original had.
std::string in_case_of(const std::string& lower, std::string_view original)
{
    bool all_upper = !original.empty(), capital = !original.empty() && original[0] >= 'A' && original[0] <= 'Z';
    for (char c : original)
        all_upper = all_upper && !(c >= 'a' && c <= 'z');
    std::string out = lower;
    for (std::size_t i = 0; i < out.size(); i++)
        if ((all_upper && original.size() > 1) || (i == 0 && capital))
            out[i] = static_cast<char>(out[i] >= 'a' && out[i] <= 'z' ? out[i] - 'a' + 'A' : out[i]);
    return out;
}

} // namespace

std::string local_part_template(std::string_view local_part, const std::vector<std::string>& names)
{
    std::vector<Token> tokens = tokens_of(names);
    std::string out;
    std::size_t i = 0;
    while (i < local_part.size()) {
        char c = local_part[i];
        if (is_letter(c)) {
            std::size_t start = i;
            while (i < local_part.size() && is_letter(local_part[i]))
                i++;
            std::string run = lower_of(local_part.substr(start, i - start));
            std::string items = segment_run(run, tokens);
            out += items.empty() ? "w" : items;
        } else if (is_digit(c)) {
            out += '9';
            i++;
        } else if (c == '.' || c == '_' || c == '-' || c == '+') {
            out += c;
            i++;
        } else {
            return "";
        }
    }
    return out;
}

bool template_uses_names(std::string_view tmpl)
{
    return tmpl.find('{') != std::string_view::npos;
}

std::string local_part_from_template(std::string_view tmpl, const std::vector<std::string>& names,
                                     const RandomBelow& random)
{
    std::vector<Item> items;
    if (!parse_template(tmpl, items))
        return "";
    std::vector<Token> tokens = tokens_of(names);
    std::string out;
    for (const Item& it : items) {
        switch (it.kind) {
        case Item::Whole:
        case Item::Initial:
            if (it.token >= tokens.size() || tokens[it.token].text.empty())
                return "";
            out += it.kind == Item::Whole ? tokens[it.token].text : tokens[it.token].text.substr(0, 1);
            break;
        case Item::Word:
            out += kWords[random(static_cast<std::uint32_t>(kWords.size()))];
            break;
        case Item::Digits:
            out += digits_for(it.count, random);
            break;
        case Item::Separator:
            out += it.separator;
            break;
        }
    }
    return out;
}

std::vector<std::string> names_for_local_part(std::string_view local_part, std::string_view tmpl,
                                              const std::vector<std::string>& names,
                                              const std::vector<std::string>& known, const RandomBelow& random)
{
    std::vector<Item> items;
    if (!parse_template(tmpl, items))
        return {};
    std::vector<Token> tokens = tokens_of(names);
    std::string local = lower_of(local_part);
    std::vector<std::string> found(tokens.size()); // new text of whole tokens
    std::vector<char> initial(tokens.size(), 0);   // initials shown
    std::size_t at = 0;
    std::size_t k = 0;
    while (k < items.size()) {
        const Item& it = items[k];
        if (it.kind == Item::Separator) {
            if (at >= local.size() || local[at] != it.separator)
                return {};
            at++;
            k++;
            continue;
        }
        if (it.kind == Item::Digits) {
            for (std::size_t d = 0; d < it.count; d++, at++)
                if (at >= local.size() || !is_digit(local[at]))
                    return {};
            if (at < local.size() && is_digit(local[at]))
                return {};
            k++;
            continue;
        }
        // A run of letter items: the local part's run of letters.
        std::size_t end_item = k;
        while (end_item < items.size() && (items[end_item].kind == Item::Whole ||
                                           items[end_item].kind == Item::Initial || items[end_item].kind == Item::Word))
            end_item++;
        std::size_t start = at;
        while (at < local.size() && is_letter(local[at]))
            at++;
        // Split the run among its items: an initial takes a letter, a name
        // a name the list has (when it has any), a word two letters or more.
        std::vector<std::size_t> cut(end_item - k + 1, start);
        std::function<bool(std::size_t, std::size_t)> split = [&](std::size_t j, std::size_t pos) -> bool {
            if (j == end_item)
                return pos == at;
            const Item& li = items[j];
            cut[j - k] = pos;
            if (li.kind == Item::Initial) {
                cut[j - k + 1] = pos + 1;
                return pos < at && split(j + 1, pos + 1);
            }
            for (std::size_t len = at - pos; len >= 2 && len <= at - pos; len--) {
                if (li.kind == Item::Whole && !known.empty() &&
                    std::find(known.begin(), known.end(), local.substr(pos, len)) == known.end())
                    continue;
                cut[j - k + 1] = pos + len;
                if (split(j + 1, pos + len))
                    return true;
            }
            return false;
        };
        if (!split(k, start))
            return {};
        for (std::size_t j = k; j < end_item; j++) {
            const Item& li = items[j];
            std::string part = local.substr(cut[j - k], cut[j - k + 1] - cut[j - k]);
            if (li.kind == Item::Word)
                continue;
            if (li.token >= tokens.size())
                return {};
            if (li.kind == Item::Whole) {
                if (!found[li.token].empty() && found[li.token] != part)
                    return {};
                found[li.token] = part;
            } else {
                if (initial[li.token] != 0 && initial[li.token] != part[0])
                    return {};
                initial[li.token] = part[0];
            }
        }
        k = end_item;
    }
    if (at != local.size())
        return {};
    // An initial shown is that of its name: of the new one, or (when only
    // the initial is shown) of the row's own, or of a name the list has.
    for (std::size_t t = 0; t < tokens.size(); t++) {
        if (initial[t] == 0)
            continue;
        if (!found[t].empty()) {
            if (found[t][0] != initial[t])
                return {};
            continue;
        }
        if (!tokens[t].text.empty() && tokens[t].text[0] == initial[t])
            continue;
        std::vector<const std::string*> fitting;
        for (const std::string& k : known)
            if (k.size() >= 2 && k[0] == initial[t])
                fitting.push_back(&k);
        if (fitting.empty())
            return {};
        found[t] = *fitting[random(static_cast<std::uint32_t>(fitting.size()))];
    }
    std::vector<std::string> out = names;
    // Replace from the end of each value, so earlier positions stay valid.
    for (std::size_t t = tokens.size(); t-- > 0;) {
        if (found[t].empty())
            continue;
        const Token& tok = tokens[t];
        std::string original = names[tok.column].substr(tok.start, tok.size);
        out[tok.column].replace(tok.start, tok.size, in_case_of(found[t], original));
    }
    return out;
}

} // namespace listguard
