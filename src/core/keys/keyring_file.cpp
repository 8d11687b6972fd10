#include "core/keys/keyring_file.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "core/base/error.h"

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

[[noreturn]] void fail(const std::string& source, const std::string& detail, const std::string& hint = {})
{
    throw Error(ErrorKind::ConfigFile, "could not use the listguard keyring from " + source, detail, hint);
}

std::string file_source(const std::string& path)
{
    return "key file \"" + path + "\"";
}

const char* kFormatHint = "Each line is \"index HEX\", \"seal HEX\" or \"seal HEX current\", HEX being 64 hex digits "
                          "(openssl rand -hex 32); there is one index line and at least one seal line.";

std::string errno_text(const char* what, int err)
{
    return std::string(what) + ": " + std::strerror(err) + ".";
}

bool write_all(int fd, const char* p, std::size_t n)
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

int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool parse_hex_key(std::string_view hex, Secret& out)
{
    if (hex.size() != 2 * kKeySize)
        return false;
    Secret key(kKeySize);
    for (std::size_t i = 0; i < kKeySize; i++) {
        int hi = hex_value(hex[2 * i]);
        int lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        key.data()[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    out = std::move(key);
    return true;
}

void append_hex(std::string& out, const Secret& key)
{
    static const char digits[] = "0123456789abcdef";
    for (std::size_t i = 0; i < key.size(); i++) {
        out += digits[key.data()[i] >> 4];
        out += digits[key.data()[i] & 15];
    }
}

// The words of a line, split at blanks.
std::vector<std::string_view> words_of(std::string_view line)
{
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
            i++;
        std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            i++;
        if (i > start)
            words.push_back(line.substr(start, i - start));
    }
    return words;
}

} // namespace

Secret new_key()
{
    Secret key(kKeySize);
    if (RAND_priv_bytes(key.data(), static_cast<int>(key.size())) != 1)
        throw Error(ErrorKind::Internal, "could not make a listguard key", "The random number generator failed.");
    return key;
}

KeyringSpec new_keyring()
{
    KeyringSpec keyring;
    keyring.index = new_key();
    keyring.seals.push_back(new_key());
    keyring.current = 0;
    return keyring;
}

KeyringSpec parse_keyring(const std::string& source, std::string_view bytes)
{
    KeyringSpec keyring;
    if (bytes.size() == kKeySize) {
        // listguard 0.1: one raw key (a keyring in text is longer).
        keyring.index = Secret(reinterpret_cast<const std::uint8_t*>(bytes.data()), kKeySize);
        keyring.seals.emplace_back(reinterpret_cast<const std::uint8_t*>(bytes.data()), kKeySize);
        keyring.legacy = true;
        return keyring;
    }
    if (bytes.empty())
        fail(source, "It is empty.", kFormatHint);
    if (bytes.size() > kMaxKeyringOctets)
        fail(source, "It is larger than any keyring (64 kB).", kFormatHint);

    bool have_index = false;
    bool have_current = false;
    std::size_t line_number = 0;
    std::size_t start = 0;
    while (start < bytes.size()) {
        std::size_t end = bytes.find('\n', start);
        if (end == std::string_view::npos)
            end = bytes.size();
        std::string_view line = bytes.substr(start, end - start);
        start = end + 1;
        line_number++;
        std::vector<std::string_view> words = words_of(line);
        if (words.empty() || words[0][0] == '#')
            continue;
        std::string where = "Line " + std::to_string(line_number);
        Secret key;
        if (words.size() < 2 || !parse_hex_key(words[1], key))
            fail(source, where + " is not a key line.", kFormatHint);
        if (words[0] == "index" && words.size() == 2) {
            if (have_index)
                fail(source, where + " is a second index key; a keyring has one.",
                     "The index key never changes while data exists: keep the first one.");
            keyring.index = std::move(key);
            have_index = true;
        } else if (words[0] == "seal" && (words.size() == 2 || (words.size() == 3 && words[2] == "current"))) {
            for (const Secret& seen : keyring.seals)
                if (seen == key)
                    fail(source, where + " repeats a seal key.", kFormatHint);
            if (words.size() == 3) {
                if (have_current)
                    fail(source, where + " marks a second seal key current; one is.", kFormatHint);
                have_current = true;
                keyring.current = keyring.seals.size();
            }
            keyring.seals.push_back(std::move(key));
        } else {
            fail(source, where + " is not a key line.", kFormatHint);
        }
    }
    if (!have_index)
        fail(source, "It has no index key.", kFormatHint);
    if (keyring.seals.empty())
        fail(source, "It has no seal key.", kFormatHint);
    if (!have_current)
        keyring.current = keyring.seals.size() - 1;
    return keyring;
}

std::string render_keyring(const KeyringSpec& keyring)
{
    std::string out = "# listguard keyring: keep it secret, and back it up apart from the database.\n"
                      "# The index key never changes; new values are sealed under the current seal key.\n"
                      "index ";
    append_hex(out, keyring.index);
    out += '\n';
    for (std::size_t i = 0; i < keyring.seals.size(); i++) {
        out += "seal ";
        append_hex(out, keyring.seals[i]);
        out += i == keyring.current ? " current\n" : "\n";
    }
    return out;
}

bool key_file_missing(const std::string& path)
{
    struct stat st;
    return lstat(path.c_str(), &st) != 0 && errno == ENOENT;
}

std::string read_key_file(const std::string& path)
{
    std::string source = file_source(path);
    if (path.empty())
        fail(source, "The setting listguard.key_file is empty.",
             "Set listguard.key_file to the path of the keyring, or listguard.key_command.");
    Fd fd{open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (fd.fd < 0 && errno == ENOENT)
        fail(source, "It does not exist.",
             "Restore it from your key backup. listguard makes a keyring only at CREATE EXTENSION in a cluster "
             "that never had one.");
    if (fd.fd < 0)
        fail(source, errno_text("Could not open it", errno));
    struct stat st;
    if (fstat(fd.fd, &st) != 0)
        fail(source, errno_text("Could not stat it", errno));
    if (!S_ISREG(st.st_mode))
        fail(source, "It is not a regular file.");
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        fail(source, "It is accessible by group or others.", "Run: chmod 600 FILE");
    if (st.st_size > static_cast<off_t>(kMaxKeyringOctets))
        fail(source, "It is larger than any keyring (64 kB).");

    std::string content(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t got = 0;
    while (got < content.size()) {
        ssize_t r = read(fd.fd, content.data() + got, content.size() - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            OPENSSL_cleanse(content.data(), content.size());
            fail(source, r < 0 ? errno_text("Could not read it", errno) : std::string("It changed while read."));
        }
        got += static_cast<std::size_t>(r);
    }
    return content;
}

void write_key_file(const std::string& path, const std::string& content, KeyFileWrite how)
{
    std::string source = file_source(path);
    std::string temp = path + ".tmp." + std::to_string(getpid());
    unlink(temp.c_str());
    {
        Fd fd{open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR)};
        if (fd.fd < 0)
            fail(source, errno_text("Could not create it", errno));
        if (!write_all(fd.fd, content.data(), content.size()) || fsync(fd.fd) != 0) {
            int err = errno;
            unlink(temp.c_str());
            fail(source, errno_text("Could not write it", err));
        }
    }
    // link() creates the file whole or fails because it exists; rename()
    // replaces it whole: no reader ever sees half a keyring.
    bool placed =
        how == KeyFileWrite::Create ? link(temp.c_str(), path.c_str()) == 0 : rename(temp.c_str(), path.c_str()) == 0;
    int err = errno;
    unlink(temp.c_str());
    if (!placed && how == KeyFileWrite::Create && err == EEXIST)
        fail(source, "It exists already.", "A keyring is never overwritten by CREATE EXTENSION.");
    if (!placed)
        fail(source, errno_text("Could not write it", err));
    fsync_parent_directory(path);
}

} // namespace listguard
