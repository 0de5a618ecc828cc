/* ratchet's observer of run-time reads: an LD_PRELOAD library for test processes.
 *
 * Logs the absolute path of every file a process opens for reading, every directory it opens
 * or lists, and every path it stats or reads as a link, one line each (`r PATH`, `d PATH`, `s PATH`) appended to
 * the file named by RATCHET_OBSERVE_LOG. Children inherit the variable, so a whole process
 * tree logs to one file. The first line of each process is `+` (the library loaded); a path
 * it could not log is `!` (the log is then incomplete). It changes no result: every call goes
 * on to the C library with the same arguments, and errno is kept.
 *
 * Compiled by ratchet on first use (`cc -shared -fPIC -O2`); see observe/mod.rs. */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define LOG_ENV "RATCHET_OBSERVE_LOG"
#define DIR_ENV "RATCHET_OBSERVE_DIR"
#define TESTS_ENV "RATCHET_OBSERVE_TESTS"
#define LINE_MAX_BYTES 8192
#define SEEN_SLOTS 8192
#define SEEN_PROBES 32

/* Hashes of lines already logged by this process image (0: empty slot). */
static uint64_t seen[SEEN_SLOTS];

static uint64_t hash_line(const char *line, size_t len) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)line[i];
        h *= 1099511628211ULL;
    }
    return h ? h : 1;
}

/* Whether this line was logged before; marks it logged otherwise. */
static int already_seen(const char *line, size_t len) {
    uint64_t h = hash_line(line, len);
    for (size_t i = 0; i < SEEN_PROBES; i++) {
        uint64_t *slot = &seen[(h + i) % SEEN_SLOTS];
        uint64_t current = __atomic_load_n(slot, __ATOMIC_RELAXED);
        if (current == h) return 1;
        if (current == 0) {
            uint64_t expected = 0;
            if (__atomic_compare_exchange_n(slot, &expected, h, 0, __ATOMIC_RELAXED,
                                            __ATOMIC_RELAXED))
                return 0;
            if (expected == h) return 1;
        }
    }
    return 0;
}

/* Appends one line, opening the log for this write only (a process may close or reuse any
 * descriptor, so none is kept). Raw system calls: our own `open` must not see them. */
static void append(const char *line, size_t len) {
    const char *log = getenv(LOG_ENV);
    if (!log || !*log) return;
    int fd = (int)syscall(SYS_openat, AT_FDCWD, log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
                          0600);
    if (fd < 0) return;
    ssize_t ignored = syscall(SYS_write, fd, line, len);
    (void)ignored;
    syscall(SYS_close, fd);
}

/* Logs `kind path`, with a relative path made absolute against `dirfd` (AT_FDCWD: the
 * working directory). */
static void note(char kind, int dirfd, const char *path) {
    if (!path || !*path) return;
    int saved = errno;
    char line[LINE_MAX_BYTES];
    size_t len = 0;
    line[len++] = kind;
    line[len++] = ' ';
    if (path[0] != '/') {
        char *base = line + len;
        size_t room = sizeof line - len;
        if (dirfd == AT_FDCWD) {
            if (!getcwd(base, room)) goto incomplete;
        } else {
            char link[64];
            snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
            /* A raw call: our own `readlink` would log this link. */
            ssize_t n = syscall(SYS_readlinkat, AT_FDCWD, link, base, room - 1);
            if (n <= 0) goto incomplete;
            base[n] = 0;
        }
        len += strlen(base);
        if (len + 1 >= sizeof line) goto incomplete;
        line[len++] = '/';
    }
    size_t plen = strlen(path);
    if (len + plen + 1 >= sizeof line) goto incomplete;
    memcpy(line + len, path, plen);
    len += plen;
    line[len++] = '\n';
    if (!already_seen(line, len)) append(line, len);
    errno = saved;
    return;
incomplete:
    append("!\n", 2);
    errno = saved;
}

/* A tree observed as a whole (`cargo nextest run`, `cargo test --doc`) sets no log but a
 * directory: a process that is a test binary (its executable under RATCHET_OBSERVE_TESTS) logs
 * to `DIR/bin.NAME.PID.log`, a rustdoc that cargo started for a package to
 * `DIR/doc.PACKAGE.PID.log`, and their children inherit that log; every other process (cargo,
 * nextest, rustc, build scripts) logs nothing. */
static void adopt_log(void) {
    const char *dir = getenv(DIR_ENV);
    if (!dir || !*dir) return;
    char exe[4096];
    ssize_t n = syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return;
    exe[n] = 0;
    const char *name = strrchr(exe, '/');
    name = name ? name + 1 : exe;
    const char *tests = getenv(TESTS_ENV);
    const char *package = getenv("CARGO_PKG_NAME");
    char log[4096];
    int len;
    if (tests && *tests && strncmp(exe, tests, strlen(tests)) == 0)
        len = snprintf(log, sizeof log, "%s/bin.%s.%d.log", dir, name, (int)getpid());
    else if (strncmp(name, "rustdoc", 7) == 0 && package && *package)
        len = snprintf(log, sizeof log, "%s/doc.%s.%d.log", dir, package, (int)getpid());
    else
        return;
    if (len > 0 && (size_t)len < sizeof log) setenv(LOG_ENV, log, 1);
}

__attribute__((constructor)) static void loaded(void) {
    const char *log = getenv(LOG_ENV);
    if (!log || !*log) adopt_log();
    append("+\n", 2);
}

/* Whether open flags read: anything but write-only. */
static char open_kind(int flags) {
    if ((flags & O_ACCMODE) == O_WRONLY) return 0;
    return (flags & O_DIRECTORY) ? 'd' : 'r';
}

static char fopen_kind(const char *mode) {
    if (!mode) return 'r';
    return (mode[0] == 'r' || strchr(mode, '+')) ? 'r' : 0;
}


/* `mode` is read only when the flags say it was passed (O_CREAT, O_TMPFILE). */
#define MODE_ARG(flags, mode) \
    mode_t mode = 0; \
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) { \
        va_list args; \
        va_start(args, flags); \
        mode = (mode_t)va_arg(args, int); \
        va_end(args); \
    }

#define OPEN_LIKE(name) \
    int name(const char *path, int flags, ...) { \
        MODE_ARG(flags, mode) \
        char kind = open_kind(flags); \
        if (kind) note(kind, AT_FDCWD, path); \
        static int (*real)(const char *, int, ...); \
        if (!real) real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, #name); \
        if (!real) { errno = ENOSYS; return -1; } \
        return real(path, flags, mode); \
    }

#define OPENAT_LIKE(name) \
    int name(int dirfd, const char *path, int flags, ...) { \
        MODE_ARG(flags, mode) \
        char kind = open_kind(flags); \
        if (kind) note(kind, dirfd, path); \
        static int (*real)(int, const char *, int, ...); \
        if (!real) real = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, #name); \
        if (!real) { errno = ENOSYS; return -1; } \
        return real(dirfd, path, flags, mode); \
    }

OPEN_LIKE(open)
OPEN_LIKE(open64)
OPENAT_LIKE(openat)
OPENAT_LIKE(openat64)

#define FOPEN_LIKE(name) \
    FILE *name(const char *path, const char *mode) { \
        char kind = fopen_kind(mode); \
        if (kind) note(kind, AT_FDCWD, path); \
        static FILE *(*real)(const char *, const char *); \
        if (!real) real = (FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, #name); \
        if (!real) { errno = ENOSYS; return NULL; } \
        return real(path, mode); \
    }

FOPEN_LIKE(fopen)
FOPEN_LIKE(fopen64)

DIR *opendir(const char *path) {
    note('d', AT_FDCWD, path);
    static DIR *(*real)(const char *);
    if (!real) real = (DIR * (*)(const char *)) dlsym(RTLD_NEXT, "opendir");
    if (!real) { errno = ENOSYS; return NULL; }
    return real(path);
}

#define STAT_LIKE(name, buf_type) \
    int name(const char *path, buf_type *buf) { \
        note('s', AT_FDCWD, path); \
        static int (*real)(const char *, buf_type *); \
        if (!real) real = (int (*)(const char *, buf_type *))dlsym(RTLD_NEXT, #name); \
        if (!real) { errno = ENOSYS; return -1; } \
        return real(path, buf); \
    }

STAT_LIKE(stat, struct stat)
STAT_LIKE(lstat, struct stat)
STAT_LIKE(stat64, struct stat64)
STAT_LIKE(lstat64, struct stat64)

#define FSTATAT_LIKE(name, buf_type) \
    int name(int dirfd, const char *path, buf_type *buf, int flags) { \
        note('s', dirfd, path); \
        static int (*real)(int, const char *, buf_type *, int); \
        if (!real) real = (int (*)(int, const char *, buf_type *, int))dlsym(RTLD_NEXT, #name); \
        if (!real) { errno = ENOSYS; return -1; } \
        return real(dirfd, path, buf, flags); \
    }

FSTATAT_LIKE(fstatat, struct stat)
FSTATAT_LIKE(fstatat64, struct stat64)

#ifdef STATX_BASIC_STATS
int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf) {
    note('s', dirfd, path);
    static int (*real)(int, const char *, int, unsigned int, struct statx *);
    if (!real) real = (int (*)(int, const char *, int, unsigned int, struct statx *))dlsym(RTLD_NEXT, "statx");
    if (!real) return (int)syscall(SYS_statx, dirfd, path, flags, mask, buf);
    return real(dirfd, path, flags, mask, buf);
}
#endif

int access(const char *path, int mode) {
    note('s', AT_FDCWD, path);
    static int (*real)(const char *, int);
    if (!real) real = (int (*)(const char *, int))dlsym(RTLD_NEXT, "access");
    if (!real) { errno = ENOSYS; return -1; }
    return real(path, mode);
}

int faccessat(int dirfd, const char *path, int mode, int flags) {
    note('s', dirfd, path);
    static int (*real)(int, const char *, int, int);
    if (!real) real = (int (*)(int, const char *, int, int))dlsym(RTLD_NEXT, "faccessat");
    if (!real) { errno = ENOSYS; return -1; }
    return real(dirfd, path, mode, flags);
}

char *realpath(const char *path, char *resolved) {
    note('s', AT_FDCWD, path);
    static char *(*real)(const char *, char *);
    if (!real) real = (char *(*)(const char *, char *))dlsym(RTLD_NEXT, "realpath");
    if (!real) { errno = ENOSYS; return NULL; }
    return real(path, resolved);
}

ssize_t readlink(const char *path, char *buf, size_t size) {
    note('s', AT_FDCWD, path);
    static ssize_t (*real)(const char *, char *, size_t);
    if (!real) real = (ssize_t(*)(const char *, char *, size_t))dlsym(RTLD_NEXT, "readlink");
    if (!real) { errno = ENOSYS; return -1; }
    return real(path, buf, size);
}

ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size) {
    note('s', dirfd, path);
    static ssize_t (*real)(int, const char *, char *, size_t);
    if (!real) real = (ssize_t(*)(int, const char *, char *, size_t))dlsym(RTLD_NEXT, "readlinkat");
    if (!real) { errno = ENOSYS; return -1; }
    return real(dirfd, path, buf, size);
}
