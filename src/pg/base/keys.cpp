#include "pg/base/keys.h"

#include <string>

#include "pg/base/guard.h"
#include "pg/base/module.h"
#include "pg/base/settings.h"

#include "core/crypto/key_file.h"

extern "C" {
#include "storage/ipc.h"
}

namespace listguard::pg {

namespace {

Keyring* loaded_keyring = nullptr;
bool exit_callback_registered = false;

void wipe_at_exit(int, Datum) { forget_keyring(); }

bool inside_data_directory(const char* path)
{
    if (!is_absolute_path(path))
        return true;
    std::size_t n = strlen(DataDir);
    return strncmp(path, DataDir, n) == 0 && path[n] == '/';
}

} // namespace

void forget_keyring() noexcept
{
    delete loaded_keyring; // destructors wipe the derived keys
    loaded_keyring = nullptr;
}

void ensure_keyring()
{
    if (likely(loaded_keyring != nullptr))
        return;
    if (!exit_callback_registered) {
        on_proc_exit(wipe_at_exit, 0);
        exit_callback_registered = true;
    }
    const char* path = key_file_setting ? key_file_setting : "";
    bool created = guarded([&] {
        LoadedKey loaded = load_or_create_key(path);
        loaded_keyring = new Keyring(loaded.key);
        return loaded.created;
    });
    if (created)
        ereport(WARNING,
                (errmsg("listguard created a new server key in \"%s\"", path),
                 errdetail("Every listguard.email value is sealed with this key; without it they cannot be read."),
                 inside_data_directory(path)
                     ? errhint("Production keys belong outside the data directory, where base backups do not "
                               "copy them: move the key and set listguard.key_file.")
                     : errhint("Back the key up separately from the database.")));
}

Keyring& keyring() noexcept { return *loaded_keyring; }

} // namespace listguard::pg
