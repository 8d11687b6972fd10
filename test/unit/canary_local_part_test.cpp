#include <random>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "core/canary/local_part.h"

using listguard::local_part_in_style;
using listguard::local_part_style;

namespace {
listguard::RandomBelow seeded(unsigned seed)
{
    auto engine = std::make_shared<std::mt19937>(seed);
    return
        [engine](std::uint32_t bound) { return std::uniform_int_distribution<std::uint32_t>(0, bound - 1)(*engine); };
}
} // namespace

TEST(CanaryLocalPart, StyleNamesTheShape)
{
    EXPECT_EQ(local_part_style("john.smith42"), "w.w99");
    EXPECT_EQ(local_part_style("jsmith"), "w");
    EXPECT_EQ(local_part_style("j.smith"), "i.w");
    EXPECT_EQ(local_part_style("johnsmith1985"), "W9999");
    EXPECT_EQ(local_part_style("Mary_Jones-7"), "w_w-9");
    EXPECT_EQ(local_part_style("ann+news"), "w+w");
}

TEST(CanaryLocalPart, StrangeCharactersHaveNoStyle)
{
    EXPECT_EQ(local_part_style("\"john doe\""), "");
    EXPECT_EQ(local_part_style("j%doe"), "");
    EXPECT_EQ(local_part_in_style("w%w", seeded(1)), "");
}

TEST(CanaryLocalPart, MadeLocalPartsHaveTheStyleTheyWereMadeIn)
{
    auto random = seeded(42);
    for (const char* style : {"w.w99", "w", "i.w", "W9999", "w_w-9", "w.w", "W", "w9", "W.w", "i.i.w"}) {
        for (int i = 0; i < 200; i++) {
            std::string made = local_part_in_style(style, random);
            std::string again = local_part_style(made);
            std::string expected = style;
            EXPECT_EQ(again, expected) << style << " made " << made;
        }
    }
}

TEST(CanaryLocalPart, FourDigitsReadAsAYear)
{
    auto random = seeded(7);
    for (int i = 0; i < 100; i++) {
        std::string made = local_part_in_style("w9999", random);
        int year = std::stoi(made.substr(made.size() - 4));
        EXPECT_GE(year, 1950);
        EXPECT_LE(year, 2005);
    }
}

TEST(CanaryLocalPart, ManyDifferentLocalPartsInOneStyle)
{
    auto random = seeded(3);
    std::set<std::string> made;
    for (int i = 0; i < 1000; i++)
        made.insert(local_part_in_style("w.w99", random));
    EXPECT_GT(made.size(), 900u);
}

using listguard::local_part_from_template;
using listguard::local_part_template;
using listguard::names_for_local_part;
using listguard::template_uses_names;

TEST(CanaryLocalPartTemplate, NamesBecomeReferences)
{
    std::vector<std::string> names = {"John", "Smith"};
    EXPECT_EQ(local_part_template("john.smith42", names), "{0}.{1}99");
    EXPECT_EQ(local_part_template("JSmith", names), "{0i}{1}");
    EXPECT_EQ(local_part_template("smithj1987", names), "{1}{0i}9999");
    EXPECT_EQ(local_part_template("johnsmith", names), "{0}{1}");
    EXPECT_EQ(local_part_template("smith_john", names), "{1}_{0}");
    EXPECT_EQ(local_part_template("coolcat77", names), "w99");
    EXPECT_EQ(local_part_template("johnny", names), "w") << "a name inside a longer word is no name";
    EXPECT_EQ(local_part_template("js", names), "{0i}{1i}");
    EXPECT_EQ(local_part_template("abc", names), "w");
    EXPECT_EQ(local_part_template("\"j s\"", names), "");
    EXPECT_TRUE(template_uses_names("{0i}{1}"));
    EXPECT_FALSE(template_uses_names("w99"));
    // A full name in one column: tokens in order.
    EXPECT_EQ(local_part_template("mary.ann.lee", {"Mary Ann Lee"}), "{0}.{1}.{2}");
}

TEST(CanaryLocalPartTemplate, LocalPartsAreMadeFromTheRowsOwnNames)
{
    auto random = seeded(7);
    std::vector<std::string> names = {"Maria", "Lopez"};
    EXPECT_EQ(local_part_from_template("{0}.{1}", names, random), "maria.lopez");
    EXPECT_EQ(local_part_from_template("{0i}{1}", names, random), "mlopez");
    std::string dated = local_part_from_template("{1}{0i}9999", names, random);
    EXPECT_EQ(dated.substr(0, 6), "lopezm");
    int year = std::stoi(dated.substr(6));
    EXPECT_GE(year, 1950);
    EXPECT_LE(year, 2005);
    EXPECT_EQ(local_part_from_template("{2}", names, random), "") << "a name the row does not have";
    EXPECT_EQ(local_part_from_template("w%", names, random), "");
    std::string word = local_part_from_template("w99", names, random);
    EXPECT_EQ(local_part_template(word, names), "w99");
    // What is made has the template it was made from.
    for (const char* t : {"{0}.{1}99", "{0i}{1}", "{1}_{0}", "{0}{1}9999", "w.{1}"}) {
        for (int i = 0; i < 50; i++) {
            std::string made = local_part_from_template(t, names, random);
            EXPECT_EQ(local_part_template(made, names), t) << made;
        }
    }
}

TEST(CanaryLocalPartTemplate, AMailboxGivesItsNamesToTheRow)
{
    auto random = seeded(3);
    std::vector<std::string> row = {"John", "Smith"};
    std::vector<std::string> known = {"john", "smith", "maria", "mark", "lopez", "ann", "lee"};
    auto fit = [&](std::string_view local, std::string_view tmpl, const std::vector<std::string>& names) {
        return names_for_local_part(local, tmpl, names, known, random);
    };
    EXPECT_EQ(fit("maria.lopez77", "{0}.{1}99", row), (std::vector<std::string>{"Maria", "Lopez"}));
    EXPECT_EQ(fit("lopez.maria", "{1}.{0}", row), (std::vector<std::string>{"Maria", "Lopez"}));
    EXPECT_EQ(fit("KLOPEZ", "{0i}{1}", {"KEVIN", "SMITH"}), (std::vector<std::string>{"KEVIN", "LOPEZ"}))
        << "an initial keeps the row's first name when it starts so, in the row's case";
    std::vector<std::string> m = fit("mlopez", "{0i}{1}", row);
    ASSERT_EQ(m.size(), 2u);
    EXPECT_TRUE(m[0] == "Maria" || m[0] == "Mark") << "a name of the list with that initial: " << m[0];
    EXPECT_EQ(m[1], "Lopez");
    EXPECT_TRUE(fit("qlopez", "{0i}{1}", row).empty()) << "no name of the list starts with q";
    EXPECT_TRUE(fit("maria.lopez", "{0}.{1}99", row).empty());
    EXPECT_EQ(fit("marialopez", "{0}{1}", row), (std::vector<std::string>{"Maria", "Lopez"}))
        << "two names run together are told apart by the names the list has";
    EXPECT_TRUE(fit("jsmith1988", "{0}9999", row).empty()) << "jsmith is no name of the list";
    EXPECT_TRUE(fit("zorblatt", "{0}{1}", row).empty());
    EXPECT_EQ(fit("sunny88", "w99", row), row) << "no name shown: the row keeps its own";
    EXPECT_EQ(fit("ann.lee", "{0}.{2}", {"Mary Ann Lee"}), (std::vector<std::string>{"Ann Ann Lee"}));
}
