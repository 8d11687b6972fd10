#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "core/crypto/key_file.h"
#include "test_util.h"

using listguard::ErrorKind;
using listguard::load_or_create_key;
using listguard::test::error_detail;

namespace {

class KeyFile : public ::testing::Test {
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

} // namespace

TEST_F(KeyFile, CreatesAPrivateKeyWhenMissing)
{
    auto first = load_or_create_key(path("server.key"));
    EXPECT_TRUE(first.created);
    EXPECT_EQ(first.key.size(), 32u);
    EXPECT_EQ(mode_of(path("server.key")), 0600);

    auto second = load_or_create_key(path("server.key"));
    EXPECT_FALSE(second.created);
    EXPECT_TRUE(first.key == second.key);
    // No temporary file is left behind.
    EXPECT_NE(access((path("server.key") + ".tmp." + std::to_string(getpid())).c_str(), F_OK), 0);
}

TEST_F(KeyFile, RacingProcessesAgreeOnOneKey)
{
    const int kProcs = 8;
    std::string key_path = path("raced.key");
    std::vector<pid_t> pids;
    for (int i = 0; i < kProcs; i++) {
        pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            auto loaded = load_or_create_key(key_path);
            std::string out = path("seen." + std::to_string(i));
            std::ofstream(out, std::ios::binary)
                << std::string(reinterpret_cast<const char*>(loaded.key.data()), loaded.key.size())
                << (loaded.created ? 'C' : 'R');
            _exit(0);
        }
        pids.push_back(pid);
    }
    int created = 0;
    std::string first;
    for (int i = 0; i < kProcs; i++) {
        int status = 0;
        waitpid(pids[i], &status, 0);
        ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        std::ifstream in(path("seen." + std::to_string(i)), std::ios::binary);
        std::string seen((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        ASSERT_EQ(seen.size(), 33u);
        created += seen.back() == 'C';
        if (i == 0)
            first = seen.substr(0, 32);
        EXPECT_EQ(seen.substr(0, 32), first) << "process " << i << " read another key";
    }
    EXPECT_EQ(created, 1);
}

TEST_F(KeyFile, WrongSizeIsAClearError)
{
    write_file(path("short.key"), std::string(31, 'k'), 0600);
    EXPECT_EQ(error_detail([&] { load_or_create_key(path("short.key")); }, ErrorKind::ConfigFile),
              "It holds 31 octets; a key file holds exactly 32.");
    write_file(path("long.key"), std::string(64, 'k'), 0600);
    EXPECT_EQ(error_detail([&] { load_or_create_key(path("long.key")); }, ErrorKind::ConfigFile),
              "It holds 64 octets; a key file holds exactly 32.");
}

TEST_F(KeyFile, GroupOrWorldAccessIsRefused)
{
    write_file(path("open.key"), std::string(32, 'k'), 0644);
    EXPECT_EQ(error_detail([&] { load_or_create_key(path("open.key")); }, ErrorKind::ConfigFile),
              "It is accessible by group or others.");
    write_file(path("group.key"), std::string(32, 'k'), 0640);
    EXPECT_EQ(error_detail([&] { load_or_create_key(path("group.key")); }, ErrorKind::ConfigFile),
              "It is accessible by group or others.");
}

TEST_F(KeyFile, DirectoryIsNotAKey)
{
    mkdir(path("adir").c_str(), 0700);
    EXPECT_EQ(error_detail([&] { load_or_create_key(path("adir")); }, ErrorKind::ConfigFile),
              "It is not a regular file.");
}

TEST_F(KeyFile, MissingDirectoryIsAClearError)
{
    std::string detail = error_detail([&] { load_or_create_key(path("no/such/dir/key")); }, ErrorKind::ConfigFile);
    EXPECT_EQ(detail.rfind("Could not create it: ", 0), 0u) << detail;
}

TEST_F(KeyFile, MessageNamesTheFileNeverTheKey)
{
    std::string content(32, 'Z');
    write_file(path("leaky.key"), content, 0644);
    try {
        load_or_create_key(path("leaky.key"));
        FAIL() << "expected an error";
    } catch (const listguard::Error& e) {
        EXPECT_NE(std::string(e.what()).find(path("leaky.key")), std::string::npos);
        EXPECT_EQ(std::string(e.what()).find("ZZZZ"), std::string::npos);
        EXPECT_EQ(e.detail().find("ZZZZ"), std::string::npos);
    }
}
