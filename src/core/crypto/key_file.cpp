#include "core/crypto/key_file.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "core/error.h"

namespace listguard {

namespace {

struct Fd {
    int fd;
    ~Fd()
    {
        if (fd >= 0)
            close(fd);
    }
};

[[noreturn]] void fail(const std::string& path, const std::string& detail, const std::string& hint = {})
{
    throw Error(ErrorKind::ConfigFile, "could not use listguard key file \"" + path + "\"", detail, hint);
}

const char* kCreateHint = "Create a key with: openssl rand 32 > FILE && chmod 600 FILE";

std::string errno_text(const char* what, int err) { return std::string(what) + ": " + std::strerror(err) + "."; }

bool write_all(int fd, const std::uint8_t* p, std::size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

void fsync_parent_directory(const std::string& path)
{
    std::size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    Fd d{open(dir.c_str(), O_RDONLY | O_DIRECTORY)};
    if (d.fd >= 0)
        fsync(d.fd);
}

// Writes a new key to a private temporary file and links it into place: the
// link either creates the key file whole or fails because another process
// got there first, so no process ever reads a half-written key.
bool create_key_file(const std::string& path)
{
    std::string temp = path + ".tmp." + std::to_string(getpid());
    unlink(temp.c_str());
    Secret key(kServerKeySize);
    if (RAND_priv_bytes(key.data(), static_cast<int>(key.size())) != 1)
        fail(path, "The random number generator failed.");
    {
        Fd fd{open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR)};
        if (fd.fd < 0)
            fail(path, errno_text("Could not create it", errno));
        if (!write_all(fd.fd, key.data(), key.size()) || fsync(fd.fd) != 0) {
            int err = errno;
            unlink(temp.c_str());
            fail(path, errno_text("Could not write it", err));
        }
    }
    bool created = link(temp.c_str(), path.c_str()) == 0;
    int err = errno;
    unlink(temp.c_str());
    if (!created && err != EEXIST)
        fail(path, errno_text("Could not create it", err));
    if (created)
        fsync_parent_directory(path);
    return created;
}

} // namespace

LoadedKey load_or_create_key(const std::string& path)
{
    if (path.empty())
        fail(path, "The setting listguard.key_file is empty.", "Set listguard.key_file to the path of the server key.");

    LoadedKey result;
    Fd fd{open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (fd.fd < 0 && errno == ENOENT) {
        result.created = create_key_file(path);
        fd.fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    }
    if (fd.fd < 0)
        fail(path, errno_text("Could not open it", errno), kCreateHint);

    struct stat st;
    if (fstat(fd.fd, &st) != 0)
        fail(path, errno_text("Could not stat it", errno));
    if (!S_ISREG(st.st_mode))
        fail(path, "It is not a regular file.", kCreateHint);
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        fail(path, "It is accessible by group or others.", "Run: chmod 600 FILE");
    if (st.st_size != static_cast<off_t>(kServerKeySize))
        fail(path, "It holds " + std::to_string(st.st_size) + " octets; a key file holds exactly 32.", kCreateHint);

    result.key = Secret(kServerKeySize);
    std::size_t got = 0;
    while (got < kServerKeySize) {
        ssize_t r = read(fd.fd, result.key.data() + got, kServerKeySize - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            fail(path, r < 0 ? errno_text("Could not read it", errno) : std::string("It is shorter than 32 octets."));
        got += static_cast<std::size_t>(r);
    }
    return result;
}

} // namespace listguard
