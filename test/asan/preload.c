/*
 * Preloaded, after libasan, into the PostgreSQL server of
 * `scripts/test --asan`. postgres is not built with the sanitizers and GCC 12
 * keeps ASan's and UBSan's runtimes in two libraries; this works around what
 * goes wrong in that combination. Nothing here is listguard code.
 *
 * 1. Without it the server never starts. postgres links (through libldap and
 *    GnuTLS) libp11-kit, whose constructor calls newlocale() before libasan's
 *    own constructor has run. The malloc() inside newlocale() initialises
 *    ASan while glibc holds its locale lock for writing; ASan's
 *    initialisation looks up the optional symbol swift_demangle with dlsym()
 *    and calls dlerror(), whose message translation takes the same lock for
 *    reading. glibc refuses that (EDEADLK, ignored), the unlock that follows
 *    leaves the lock's reader count negative, and the next setlocale() or
 *    bindtextdomain() of every PostgreSQL program waits forever. Defining
 *    swift_demangle here makes that dlsym() succeed. ASan calls it only for
 *    Swift symbol names; NULL means "not demangled", as when it is absent.
 *
 * 2. libubsan reads UBSAN_OPTIONS when it reports for the first time in a
 *    process, and reads it from /proc/self/environ, which a PostgreSQL
 *    backend has by then overwritten with its process title: in backends,
 *    print_stacktrace, log_path and suppressions would be lost. Its options
 *    are taken here when the postmaster starts and handed back through
 *    __ubsan_default_options(), which libubsan reads before the environment.
 *
 * 3. libubsan's calls to the exported __sanitizer_set_report_path resolve to
 *    libasan's copy (libasan comes first). So UBSan's log_path never reaches
 *    UBSan's own report file (its reports would go to stderr), and it moves
 *    ASan's reports there instead. At start, libubsan's own function (looked
 *    up in libubsan) gets UBSan's log_path; when UBSan first reports in a
 *    process, __ubsan_on_report() gives libasan its own log_path back, before
 *    anything is printed. Each runtime then writes only its own files,
 *    <log_path>.<pid>, and neither truncates the other's.
 *
 * scripts/test-asan also searches the server log (stderr of every server
 * process) for reports, in case anything still ends up there.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *swift_demangle(const char *mangled, size_t length, char *out, size_t *out_length, unsigned flags);
const char *__ubsan_default_options(void);
void __ubsan_on_report(void);

static char ubsan_options[4096];
static char asan_log_path[4096];
static pid_t asan_log_path_restored;

char *
swift_demangle(const char *mangled, size_t length, char *out, size_t *out_length, unsigned flags)
{
    return NULL;
}

const char *
__ubsan_default_options(void)
{
    return ubsan_options;
}

/* The log_path=... of an options string, into path; 0 if there is none. */
static int
log_path(const char *options, char *path, size_t size)
{
    const char *start;
    size_t length;

    if (options == NULL || (start = strstr(options, "log_path=")) == NULL)
        return 0;
    start += strlen("log_path=");
    length = strcspn(start, ":");
    if (length == 0 || length >= size)
        return 0;
    memcpy(path, start, length);
    path[length] = '\0';
    return 1;
}

/* Calls the __sanitizer_set_report_path found through handle. */
static void
set_report_path(void *handle, const char *path)
{
    void (*set)(const char *) = (void (*)(const char *)) dlsym(handle, "__sanitizer_set_report_path");

    if (set != NULL)
        set(path);
}

void
__ubsan_on_report(void)
{
    if (asan_log_path[0] != '\0' && asan_log_path_restored != getpid())
    {
        set_report_path(RTLD_DEFAULT, asan_log_path);
        asan_log_path_restored = getpid();
    }
}

__attribute__((constructor)) static void
take_options(void)
{
    const char *options = getenv("UBSAN_OPTIONS");
    char path[4096];
    void *ubsan;

    if (options != NULL && strlen(options) < sizeof ubsan_options)
        strcpy(ubsan_options, options);
    log_path(getenv("ASAN_OPTIONS"), asan_log_path, sizeof asan_log_path);
    ubsan = dlopen("libubsan.so.1", RTLD_NOW | RTLD_NOLOAD);
    if (ubsan != NULL && log_path(ubsan_options, path, sizeof path))
        set_report_path(ubsan, path);
}
