#include <string>

#include <gtest/gtest.h>

#include "core/email/mask.h"

namespace {
std::string mask(const std::string& display)
{
    char buf[listguard::kMaxMaskedOctets];
    return std::string(buf, listguard::mask_address(display, buf));
}
} // namespace

TEST(Mask, FirstCharacterStarsAndDomain)
{
    EXPECT_EQ(mask("jane.doe@example.com"), "j***@example.com");
    EXPECT_EQ(mask("Jane.Doe@Example.com"), "J***@Example.com");
    EXPECT_EQ(mask("j@example.com"), "j***@example.com");
}

TEST(Mask, LengthIsNotPreserved)
{
    EXPECT_EQ(mask("ab@example.com").size(), mask(std::string(60, 'a') + "@example.com").size());
}

TEST(Mask, QuotedLocalPartShowsItsFirstInnerCharacter)
{
    EXPECT_EQ(mask("\"John Doe\"@example.com"), "J***@example.com");
    EXPECT_EQ(mask("\"\\\"x\"@example.com"), "****@example.com");
    EXPECT_EQ(mask("\" x\"@example.com"), "****@example.com");
    EXPECT_EQ(mask("\"a@b\"@example.com"), "a***@example.com");
}

TEST(Mask, InternationalizedDomainAsWritten)
{
    EXPECT_EQ(mask("jane@b\xc3\xbc"
                   "cher.example"),
              "j***@b\xc3\xbc"
              "cher.example");
}

TEST(Mask, MaskShapeIsRecognised)
{
    EXPECT_TRUE(listguard::has_mask_shape("j***@example.com"));
    EXPECT_TRUE(listguard::has_mask_shape(mask("jane.doe@example.com")));
    EXPECT_FALSE(listguard::has_mask_shape("jj***@example.com"));
    EXPECT_FALSE(listguard::has_mask_shape("j**@example.com"));
    EXPECT_FALSE(listguard::has_mask_shape("jane@example.com"));
}
