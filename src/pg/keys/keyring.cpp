#include "pg/keys/keyring.h"

#include <string>

#include <openssl/crypto.h>

#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/base/settings.h"

#include "core/keys/keyring_file.h"

extern "C" {
#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/fd.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
}

namespace listguard::pg {

namespace {

struct KeysShared {
    pg_atomic_uint64 generation; // bumped whenever the keyring changes
    LWLock* lock;                // serialises edits of the key file
};

KeysShared* shared = nullptr;
Keyring* loaded_keyring = nullptr;
RevealRecordSealer* reveal_sealer = nullptr;
uint64 loaded_generation = 0;
bool exit_callback_registered = false;

// The id of the index key this cluster's data was made with. Relative to
// the data directory, so base backups carry it.
constexpr const char* kRecordDirectory = "pg_listguard";
constexpr const char* kRecordPath = "pg_listguard/keyring";
constexpr const char* kRecordFormat = "lg-keyring 1 %16s";
constexpr int kIndexIdLength = 16;

const char* kCommandSource = "listguard.key_command";

void wipe_at_exit(int, Datum)
{
    forget_keyring();
    delete reveal_sealer; // its destructor wipes the key
    reveal_sealer = nullptr;
}

uint64 current_generation()
{
    return shared != nullptr ? pg_atomic_read_u64(&shared->generation) : 0;
}

bool inside_data_directory(const char* path)
{
    if (!is_absolute_path(path))
        return true;
    std::size_t n = strlen(DataDir);
    return strncmp(path, DataDir, n) == 0 && path[n] == '/';
}

const char* key_file_path()
{
    return key_file_setting ? key_file_setting : "";
}

// The recorded index key id into id (kIndexIdLength + 1); false if none.
bool read_index_record(char* id)
{
    FILE* file = AllocateFile(kRecordPath, "r");
    if (file == nullptr) {
        if (errno == ENOENT)
            return false;
        ereport(ERROR, (errcode_for_file_access(), errmsg("could not read file \"%s\": %m", kRecordPath)));
    }
    char line[64];
    bool read = fgets(line, sizeof line, file) != nullptr;
    FreeFile(file);
    if (!read || sscanf(line, kRecordFormat, id) != 1 || strlen(id) != kIndexIdLength)
        ereport(ERROR, (errcode(ERRCODE_CONFIG_FILE_ERROR), errmsg("file \"%s\" is corrupted", kRecordPath),
                        errdetail("It records which index key this cluster's listguard data was made with."),
                        errhint("Restore it from a backup of the data directory.")));
    return true;
}

void write_index_record(const char* id)
{
    if (MakePGDirectory(kRecordDirectory) < 0 && errno != EEXIST)
        ereport(ERROR, (errcode_for_file_access(), errmsg("could not create directory \"%s\": %m", kRecordDirectory)));
    char* temp = psprintf("%s.tmp.%d", kRecordPath, MyProcPid);
    FILE* file = AllocateFile(temp, PG_BINARY_W);
    if (file == nullptr)
        ereport(ERROR, (errcode_for_file_access(), errmsg("could not create file \"%s\": %m", temp)));
    bool ok = fprintf(file, "lg-keyring 1 %s\n", id) > 0 && fflush(file) == 0 && pg_fsync(fileno(file)) == 0;
    int err = errno;
    FreeFile(file);
    if (!ok) {
        unlink(temp);
        errno = err;
        ereport(ERROR, (errcode_for_file_access(), errmsg("could not write file \"%s\": %m", temp)));
    }
    durable_rename(temp, kRecordPath, ERROR);
}

// Runs listguard.key_command and returns what it printed (palloc'd, to be
// wiped by the caller).
char* run_key_command(std::size_t* length)
{
    FILE* pipe = OpenPipeStream(key_command_setting, "r");
    if (pipe == nullptr)
        ereport(ERROR, (errcode(ERRCODE_CONFIG_FILE_ERROR), errmsg("could not run listguard.key_command: %m")));
    std::size_t capacity = kMaxKeyringOctets + 1;
    char* buffer = static_cast<char*>(palloc(capacity));
    std::size_t n = 0;
    std::size_t got;
    while (n < capacity && (got = fread(buffer + n, 1, capacity - n, pipe)) > 0)
        n += got;
    int status = ClosePipeStream(pipe);
    if (status != 0 || n > kMaxKeyringOctets) {
        OPENSSL_cleanse(buffer, capacity);
        ereport(ERROR, (errcode(ERRCODE_CONFIG_FILE_ERROR), errmsg("listguard.key_command failed"),
                        status != 0 ? errdetail_internal("%s", wait_result_to_str(status))
                                    : errdetail("It printed more than any keyring (64 kB)."),
                        errhint("The command must exit 0 and print the keyring on its standard output.")));
    }
    *length = n;
    return buffer;
}

// Reads and parses the keyring from its source.
Keyring* load_keyring()
{
    if (keyring_from_file()) {
        const char* path = key_file_path();
        return guarded([&] {
            std::string bytes = read_key_file(path);
            try {
                Keyring* ring = new Keyring(parse_keyring("key file \"" + std::string(path) + "\"", bytes));
                OPENSSL_cleanse(bytes.data(), bytes.size());
                return ring;
            } catch (...) {
                OPENSSL_cleanse(bytes.data(), bytes.size());
                throw;
            }
        });
    }
    std::size_t length = 0;
    char* printed = run_key_command(&length);
    Keyring* ring = nullptr;
    PG_TRY();
    {
        ring = guarded([&] { return new Keyring(parse_keyring(kCommandSource, std::string_view(printed, length))); });
    }
    PG_FINALLY();
    {
        OPENSSL_cleanse(printed, kMaxKeyringOctets + 1);
        pfree(printed);
    }
    PG_END_TRY();
    return ring;
}

// A keyring whose index key is not the one the data was made with would
// answer every lookup and unique check wrongly: refused. The first keyring
// a cluster loads is recorded.
void check_index_key(const Keyring& ring)
{
    char recorded[kIndexIdLength + 1];
    if (!read_index_record(recorded)) {
        write_index_record(ring.index_id().c_str());
        ereport(LOG, (errmsg("listguard recorded the index key id %s for this cluster", ring.index_id().c_str())));
        return;
    }
    if (strcmp(recorded, ring.index_id().c_str()) != 0)
        ereport(ERROR, (errcode(ERRCODE_CONFIG_FILE_ERROR),
                        errmsg("the listguard keyring is not the one this cluster's data was made with"),
                        errdetail("Its index key id is %s; this cluster's is %s (recorded in \"%s\").",
                                  ring.index_id().c_str(), recorded, kRecordPath),
                        errhint("Point listguard.key_file or listguard.key_command at the cluster's keyring.")));
}

} // namespace

bool keyring_from_file()
{
    return key_command_setting == nullptr || key_command_setting[0] == '\0';
}

void forget_keyring() noexcept
{
    delete loaded_keyring; // destructors wipe the derived keys
    loaded_keyring = nullptr;
}

namespace {

Keyring* load_checked_keyring()
{
    Keyring* volatile ring = load_keyring();
    PG_TRY();
    {
        check_index_key(*ring);
    }
    PG_CATCH();
    {
        delete ring;
        PG_RE_THROW();
    }
    PG_END_TRY();
    return ring;
}

} // namespace

void ensure_keyring()
{
    uint64 generation = current_generation();
    if (likely(loaded_keyring != nullptr && loaded_generation == generation))
        return;
    forget_keyring();
    if (!exit_callback_registered) {
        on_proc_exit(wipe_at_exit, 0);
        exit_callback_registered = true;
    }
    loaded_keyring = load_checked_keyring();
    loaded_generation = generation;
    if (reveal_sealer == nullptr)
        reveal_sealer = guarded([] { return new RevealRecordSealer(loaded_keyring->canary_reveals()); });
}

Keyring& keyring()
{
    if (loaded_keyring == nullptr)
        throw Error(ErrorKind::ConfigFile, "the listguard keyring is not loaded");
    return *loaded_keyring;
}

Keyring& ensured_keyring()
{
    ensure_keyring();
    return *loaded_keyring;
}

const RevealRecordSealer* canary_reveal_sealer() noexcept
{
    return reveal_sealer;
}

void create_keyring_if_none()
{
    if (keyring_from_file() && guarded([] { return key_file_missing(key_file_path()); })) {
        char recorded[kIndexIdLength + 1];
        if (read_index_record(recorded))
            ereport(ERROR,
                    (errcode(ERRCODE_CONFIG_FILE_ERROR), errmsg("the listguard keyring of this cluster is missing"),
                     errdetail("listguard.key_file \"%s\" does not exist, and this cluster's listguard data "
                               "was made with the keyring whose index key id is %s.",
                               key_file_path(), recorded),
                     errhint("Restore the key file from your key backup. listguard makes a new keyring only "
                             "in a cluster that never had one.")));
        const char* path = key_file_path();
        bool created = guarded([&] {
            KeyringSpec spec = new_keyring();
            std::string text = render_keyring(spec);
            try {
                write_key_file(path, text, KeyFileWrite::Create);
            } catch (const Error&) {
                OPENSSL_cleanse(text.data(), text.size());
                if (key_file_missing(path))
                    throw;
                return false; // another backend made it first
            }
            OPENSSL_cleanse(text.data(), text.size());
            return true;
        });
        if (created)
            ereport(WARNING,
                    (errmsg("listguard created a new keyring in \"%s\"", path),
                     errdetail("Every listguard.email value is sealed with it; without it they cannot be read."),
                     inside_data_directory(path)
                         ? errhint("Production keys belong outside the data directory, where base backups do not "
                                   "copy them: move the key file and set listguard.key_file, or use "
                                   "listguard.key_command.")
                         : errhint("Back the key file up separately from the database.")));
    }
    forget_keyring();
    ensure_keyring();
}

void edit_key_file_with(void (*change)(KeyringSpec&, void*), void* context)
{
    if (!keyring_from_file())
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("the listguard keyring comes from listguard.key_command"),
                        errdetail("listguard writes only a keyring it reads from listguard.key_file."),
                        errhint("Change the keyring where the command reads it (a line \"seal HEX current\", HEX "
                                "from openssl rand -hex 32), then call listguard.reload_keyring().")));
    // The file holds the cluster's keyring.
    const char* expected_index = pstrdup(ensured_keyring().index_id().c_str());
    const char* path = key_file_path();
    LWLockAcquire(shared->lock, LW_EXCLUSIVE);
    guarded([&] {
        std::string bytes = read_key_file(path);
        KeyringSpec spec = parse_keyring("key file \"" + std::string(path) + "\"", bytes);
        OPENSSL_cleanse(bytes.data(), bytes.size());
        if (index_key_id(spec.index) != expected_index)
            throw Error(ErrorKind::ConfigFile, "listguard.key_file changed while it was being edited");
        change(spec, context);
        std::string text = render_keyring(spec);
        try {
            write_key_file(path, text, KeyFileWrite::Replace);
        } catch (...) {
            OPENSSL_cleanse(text.data(), text.size());
            throw;
        }
        OPENSSL_cleanse(text.data(), text.size());
    });
    pg_atomic_fetch_add_u64(&shared->generation, 1);
    LWLockRelease(shared->lock);
    forget_keyring();
}

void reload_keyring_everywhere()
{
    pg_atomic_fetch_add_u64(&shared->generation, 1);
    forget_keyring();
}

Size keys_shared_size()
{
    return MAXALIGN(sizeof(KeysShared));
}

void attach_keys_shared()
{
    bool found;
    shared = static_cast<KeysShared*>(ShmemInitStruct("listguard keys", sizeof(KeysShared), &found));
    if (!found) {
        pg_atomic_init_u64(&shared->generation, 1);
        shared->lock = &(GetNamedLWLockTranche("listguard keys"))->lock;
    }
}

} // namespace listguard::pg
