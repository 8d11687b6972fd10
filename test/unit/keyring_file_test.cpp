#include <cstdio>
#include <fstream>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "core/keys/keyring.h"
#include "core/keys/keyring_file.h"
#include "core/email/address.h"
#include "test_util.h"

using namespace listguard;
using listguard::test::error_detail;
using listguard::test::fixed_server_key;

namespace {

class KeyringFile : public ::testing::Test {
protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/listguard-keytest-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }
    std::string path(const std::string& name) const { return dir_ + "/" + name; }
    void write_file(const std::string& p, const std::string& content, mode_t mode)
    {
        std::ofstream(p, std::ios::binary) << content;
        chmod(p.c_str(), mode);
    }
    std::string dir_;
};

mode_t mode_of(const std::string& p)
{
    struct stat st;
    stat(p.c_str(), &st);
    return st.st_mode & 07777;
}

const std::string kHexA(64, 'a');
const std::string kHexB = std::string(63, 'b') + "c";
const std::string kHexC(64, '1');

std::string parse_error(const std::string& text)
{
    return error_detail([&] { parse_keyring("key file \"k\"", text); }, ErrorKind::ConfigFile);
}

} // namespace

TEST(Keyring, ParsesIndexAndSealKeysLastIsCurrent)
{
    KeyringSpec k = parse_keyring("test", "# comment\n\nindex " + kHexA + "\nseal " + kHexB + "\nseal " + kHexC + "\n");
    EXPECT_FALSE(k.legacy);
    ASSERT_EQ(k.seals.size(), 2u);
    EXPECT_EQ(k.current, 1u);
    EXPECT_EQ(k.index.data()[0], 0xaa);
    EXPECT_EQ(k.seals[0].data()[31], 0xbc);
}

TEST(Keyring, CurrentMarkerWins)
{
    KeyringSpec k = parse_keyring("test", "index " + kHexA + "\nseal " + kHexB + " current\nseal " + kHexC + "\n");
    EXPECT_EQ(k.current, 0u);
}

TEST(Keyring, RawThirtyTwoOctetsIsALegacyKeyInBothRoles)
{
    Secret raw = fixed_server_key();
    KeyringSpec k = parse_keyring("test", std::string(reinterpret_cast<const char*>(raw.data()), raw.size()));
    EXPECT_TRUE(k.legacy);
    EXPECT_TRUE(k.index == raw);
    ASSERT_EQ(k.seals.size(), 1u);
    EXPECT_TRUE(k.seals[0] == raw);
    // Values sealed by a 0.1 sealer (one key) are read by the keyring.
    EmailSealer old(raw);
    Keyring ring(k);
    std::uint8_t v[sealed::kMaxSize];
    std::size_t n = old.seal(parse_address("jane@example.com"), {1, 2}, v);
    char out[kMaxAddressOctets];
    EXPECT_EQ(std::string(out, ring.email().show(v, n, out)), "jane@example.com");
}

TEST(Keyring, BadKeyringsAreClearErrorsThatNeverShowKeys)
{
    EXPECT_EQ(parse_error(""), "It is empty.");
    EXPECT_EQ(parse_error("seal " + kHexB + "\n"), "It has no index key.");
    EXPECT_EQ(parse_error("index " + kHexA + "\n"), "It has no seal key.");
    EXPECT_EQ(parse_error("index " + kHexA + "\nindex " + kHexB + "\nseal " + kHexC),
              "Line 2 is a second index key; a keyring has one.");
    EXPECT_EQ(parse_error("index " + kHexA + "\nseal " + kHexB + " current\nseal " + kHexC + " current"),
              "Line 3 marks a second seal key current; one is.");
    EXPECT_EQ(parse_error("index " + kHexA + "\nseal " + kHexB + "\nseal " + kHexB), "Line 3 repeats a seal key.");
    EXPECT_EQ(parse_error("index " + kHexA + "\nseal " + kHexB.substr(2)), "Line 2 is not a key line.");
    EXPECT_EQ(parse_error("index " + kHexA + "\nseal " + kHexB + " later"), "Line 2 is not a key line.");
    EXPECT_EQ(parse_error("index " + kHexA + "\nkey " + kHexB), "Line 2 is not a key line.");
    try {
        parse_keyring("key file \"k\"", "index " + kHexA + "\nseal zz" + kHexB.substr(2));
        FAIL();
    } catch (const Error& e) {
        std::string all = std::string(e.what()) + e.detail() + e.hint();
        EXPECT_EQ(all.find("bbbb"), std::string::npos);
        EXPECT_EQ(all.find("aaaa"), std::string::npos);
        EXPECT_NE(all.find("key file \"k\""), std::string::npos);
    }
}

TEST(Keyring, RendersWhatItParses)
{
    KeyringSpec k = new_keyring();
    k.seals.push_back(new_key());
    k.current = 0;
    KeyringSpec back = parse_keyring("test", render_keyring(k));
    EXPECT_TRUE(back.index == k.index);
    ASSERT_EQ(back.seals.size(), 2u);
    EXPECT_TRUE(back.seals[1] == k.seals[1]);
    EXPECT_EQ(back.current, 0u);
}

TEST(Keyring, RotationKeepsEqualityAndOldValuesAndResealsOnWrite)
{
    KeyringSpec before = parse_keyring("test", "index " + kHexA + "\nseal " + kHexB + "\n");
    KeyringSpec after = parse_keyring("test", "index " + kHexA + "\nseal " + kHexB + "\nseal " + kHexC + "\n");
    Keyring old_ring(before), new_ring(after);
    EXPECT_EQ(old_ring.index_id(), new_ring.index_id());
    std::uint8_t v[sealed::kMaxSize], w[sealed::kMaxSize], r[sealed::kMaxSize];
    std::size_t n = old_ring.email().seal(parse_address("Jane@Example.com"), {1, 2}, v);
    (void)new_ring.email().seal(parse_address("jane@example.com"), {1, 2}, w);
    // The same digest (equality, unique indexes), different seal keys.
    EXPECT_EQ(std::string(v + sealed::kDigestOffset, v + sealed::kDigestOffset + sealed::kDigestSize),
              std::string(w + sealed::kDigestOffset, w + sealed::kDigestOffset + sealed::kDigestSize));
    EXPECT_FALSE(key_id_of(v) == key_id_of(w));
    EXPECT_FALSE(new_ring.email().under_current_key(v));
    EXPECT_TRUE(new_ring.email().under_current_key(w));
    // The old value still reads; resealing and restamping move it to the
    // current key with everything else kept.
    char out[kMaxAddressOctets];
    EXPECT_EQ(std::string(out, new_ring.email().show(v, n, out)), "Jane@Example.com");
    std::size_t k = new_ring.email().reseal(v, n, r);
    EXPECT_TRUE(new_ring.email().under_current_key(r));
    EXPECT_EQ(sealed::stamp_of(r), (Stamp{1, 2}));
    EXPECT_EQ(std::string(out, new_ring.email().open(r, k, out)), "Jane@Example.com");
    k = new_ring.email().restamp(v, n, {3, 4}, r);
    EXPECT_TRUE(new_ring.email().under_current_key(r));
    EXPECT_EQ(std::string(out, new_ring.email().open(r, k, out)), "Jane@Example.com");
    // A keyring without the old key refuses the old value, naming its key id.
    KeyringSpec retired = parse_keyring("test", "index " + kHexA + "\nseal " + kHexC + "\n");
    Keyring retired_ring(retired);
    EXPECT_EQ(error_detail([&] { retired_ring.email().show(v, n, out); }, ErrorKind::ConfigFile),
              "Its key id is " + seal_key_id(before.seals[0]).hex() + ".");
    EXPECT_EQ(error_detail([&] { retired_ring.email().open(v, n, out); }, ErrorKind::ConfigFile),
              "Its key id is " + seal_key_id(before.seals[0]).hex() + ".");
}

TEST(Keyring, AnotherIndexKeyHasAnotherId)
{
    EXPECT_NE(index_key_id(fixed_server_key(1)), index_key_id(fixed_server_key(2)));
    EXPECT_EQ(index_key_id(fixed_server_key(1)).size(), 16u);
}

TEST_F(KeyringFile, WritesPrivatelyAndWhole)
{
    write_key_file(path("ring"), "index x\n", KeyFileWrite::Create);
    EXPECT_EQ(mode_of(path("ring")), 0600);
    EXPECT_EQ(read_key_file(path("ring")), "index x\n");
    EXPECT_EQ(error_detail([&] { write_key_file(path("ring"), "other", KeyFileWrite::Create); }, ErrorKind::ConfigFile),
              "It exists already.");
    write_key_file(path("ring"), "replaced", KeyFileWrite::Replace);
    EXPECT_EQ(read_key_file(path("ring")), "replaced");
    EXPECT_EQ(mode_of(path("ring")), 0600);
    EXPECT_NE(access((path("ring") + ".tmp." + std::to_string(getpid())).c_str(), F_OK), 0);
}

TEST_F(KeyringFile, AMissingFileIsNeverCreatedByReading)
{
    EXPECT_TRUE(key_file_missing(path("none")));
    EXPECT_EQ(error_detail([&] { read_key_file(path("none")); }, ErrorKind::ConfigFile), "It does not exist.");
    EXPECT_TRUE(key_file_missing(path("none")));
}

TEST_F(KeyringFile, GroupOrWorldAccessIsRefused)
{
    write_file(path("open.key"), std::string(32, 'k'), 0644);
    EXPECT_EQ(error_detail([&] { read_key_file(path("open.key")); }, ErrorKind::ConfigFile),
              "It is accessible by group or others.");
    write_file(path("group.key"), std::string(32, 'k'), 0640);
    EXPECT_EQ(error_detail([&] { read_key_file(path("group.key")); }, ErrorKind::ConfigFile),
              "It is accessible by group or others.");
}

TEST_F(KeyringFile, DirectoryIsNotAKey)
{
    mkdir(path("adir").c_str(), 0700);
    EXPECT_FALSE(key_file_missing(path("adir")));
    EXPECT_EQ(error_detail([&] { read_key_file(path("adir")); }, ErrorKind::ConfigFile), "It is not a regular file.");
}

TEST_F(KeyringFile, MissingDirectoryIsAClearError)
{
    std::string detail = error_detail([&] { write_key_file(path("no/such/dir/key"), "x", KeyFileWrite::Create); },
                                      ErrorKind::ConfigFile);
    EXPECT_EQ(detail.rfind("Could not create it: ", 0), 0u) << detail;
}

TEST_F(KeyringFile, MessageNamesTheFileNeverTheKey)
{
    std::string content(32, 'Z');
    write_file(path("leaky.key"), content, 0644);
    try {
        read_key_file(path("leaky.key"));
        FAIL() << "expected an error";
    } catch (const listguard::Error& e) {
        EXPECT_NE(std::string(e.what()).find(path("leaky.key")), std::string::npos);
        EXPECT_EQ(std::string(e.what()).find("ZZZZ"), std::string::npos);
        EXPECT_EQ(e.detail().find("ZZZZ"), std::string::npos);
    }
}
