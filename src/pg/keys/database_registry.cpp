#include "pg/keys/database_registry.h"

extern "C" {
#include "commands/dbcommands.h"
#include "miscadmin.h"
#include "storage/fd.h"
}

namespace listguard::pg {

namespace {

constexpr const char* kDatabasesDirectory = "pg_listguard/databases";

char* registry_path(Oid database)
{
    return psprintf("%s/%u", kDatabasesDirectory, database);
}

// The key ids a database has retired, one per line.
List* retired_keys(Oid database, bool* registered)
{
    FILE* file = AllocateFile(registry_path(database), "r");
    *registered = file != nullptr;
    if (file == nullptr) {
        if (errno != ENOENT)
            ereport(ERROR,
                    (errcode_for_file_access(), errmsg("could not read file \"%s\": %m", registry_path(database))));
        return NIL;
    }
    List* keys = NIL;
    char line[64];
    while (fgets(line, sizeof line, file) != nullptr) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] != '\0')
            keys = lappend(keys, pstrdup(line));
    }
    FreeFile(file);
    return keys;
}

void write_registry(Oid database, List* keys)
{
    if (MakePGDirectory("pg_listguard") < 0 && errno != EEXIST)
        ereport(ERROR, (errcode_for_file_access(), errmsg("could not create directory \"pg_listguard\": %m")));
    if (MakePGDirectory(kDatabasesDirectory) < 0 && errno != EEXIST)
        ereport(ERROR,
                (errcode_for_file_access(), errmsg("could not create directory \"%s\": %m", kDatabasesDirectory)));
    char* path = registry_path(database);
    char* temp = psprintf("%s.tmp.%d", path, MyProcPid);
    FILE* file = AllocateFile(temp, PG_BINARY_W);
    if (file == nullptr)
        ereport(ERROR, (errcode_for_file_access(), errmsg("could not create file \"%s\": %m", temp)));
    bool ok = true;
    ListCell* lc;
    foreach (lc, keys)
        ok = ok && fprintf(file, "%s\n", static_cast<const char*>(lfirst(lc))) > 0;
    ok = ok && fflush(file) == 0 && pg_fsync(fileno(file)) == 0;
    FreeFile(file);
    if (!ok)
        ereport(ERROR, (errcode_for_file_access(), errmsg("could not write file \"%s\": %m", temp)));
    durable_rename(temp, path, ERROR);
}

} // namespace

bool list_has_key(List* keys, const char* key_id)
{
    ListCell* lc;
    foreach (lc, keys)
        if (strcmp(static_cast<const char*>(lfirst(lc)), key_id) == 0)
            return true;
    return false;
}

void register_database()
{
    bool registered;
    List* keys = retired_keys(MyDatabaseId, &registered);
    if (!registered)
        write_registry(MyDatabaseId, keys);
}

void copy_key_registry(Oid from, Oid to)
{
    bool registered;
    List* keys = retired_keys(from, &registered);
    if (registered)
        write_registry(to, keys);
}

List* keys_retired_here()
{
    bool registered;
    return retired_keys(MyDatabaseId, &registered);
}

void retire_key_here(const char* key_id)
{
    List* mine = keys_retired_here();
    if (!list_has_key(mine, key_id))
        write_registry(MyDatabaseId, lappend(mine, pstrdup(key_id)));
}

List* databases_needing_key(const char* key_id)
{
    List* pending = NIL;
    DIR* dir = AllocateDir(kDatabasesDirectory);
    struct dirent* entry;
    while ((entry = ReadDir(dir, kDatabasesDirectory)) != nullptr) {
        char* end;
        unsigned long oid = strtoul(entry->d_name, &end, 10);
        if (*end != '\0' || oid == 0 || oid == MyDatabaseId)
            continue;
        char* name = get_database_name(static_cast<Oid>(oid));
        if (name == nullptr)
            continue; // dropped
        bool other_registered;
        if (!list_has_key(retired_keys(static_cast<Oid>(oid), &other_registered), key_id))
            pending = lappend(pending, name);
    }
    FreeDir(dir);
    return pending;
}

} // namespace listguard::pg
