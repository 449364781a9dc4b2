/* Live updates on a SQLite file: the backend's change_fd and change_drain
 * (store/backend.h). Another process's commit writes the database's -wal
 * (or, in rollback-journal mode, the file itself and its -journal), so an
 * inotify descriptor watching those files wakes a waiting TUI at once
 * instead of at its next poll of PRAGMA data_version. A wake-up only says
 * "maybe": the caller then asks store_data_version, which decides.
 *
 * What is watched, and why:
 *  - the -wal for IN_MODIFY: every frame written and every truncation (the
 *    TRUNCATE checkpoint each interactive session runs after its writes);
 *  - the database file for IN_MODIFY: checkpoints, and every commit in
 *    rollback-journal mode;
 *  - the directory for the -wal, -journal and database names being
 *    created, deleted or renamed: a -wal that did not exist when the watch
 *    began (or was deleted and made again) is watched as soon as it
 *    appears, a rollback commit ends by deleting its -journal, and a
 *    database deleted or replaced under the TUI is noticed at once.
 * Everything is set up when the store opens, while a shared box's group is
 * still held: inotify checks read permission only when a watch is added.
 * Nothing here writes, and an idle database gives no events.
 *
 * The race it closes, and the wake-ups it saves: a commit writes its frames
 * to the -wal and only then (after its fsync) publishes them in the
 * wal-index (-shm), so a reader woken by a frame can ask data_version too
 * early, see nothing new, and get no further event; and every frame, and
 * every page the writer's checkpoint copies afterwards, is an event of its
 * own. So drain looks at the wal-index's WAL_WRITE_LOCK (byte 120 of the
 * -shm, https://sqlite.org/walformat.html; in rollback mode the RESERVED
 * byte of the database, https://sqlite.org/lockingv3.html), which a writer
 * holds from its first frame until the commit is published and a TRUNCATE
 * or RESTART checkpoint holds while it runs: while another process holds
 * it, drain waits (up to WAIT_MS, in short sleeps), then reads the events
 * made meanwhile, so that the caller asks data_version once, after the
 * commit and its checkpoint (a WAL reset changes data_version too: asked
 * in between, a reader would refresh twice). A writer that holds it longer
 * (a long transaction, an import) silences the inotify descriptor and a
 * timer in the same epoll set looks again, less and less often, until it
 * is done. The descriptors on the -shm and the database are closed only
 * after SQLite's connection: closing any descriptor of a file drops the
 * process's POSIX locks on it. */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "store/sqlite/sqlite.h"

/* SQLite's lock bytes: in the -shm (WAL mode) and in the database file
 * (rollback-journal mode, PENDING_BYTE 0x40000000 + 1). */
#define WAL_WRITE_LOCK_BYTE 120
#define RESERVED_LOCK_BYTE 0x40000001

/* How long drain waits for another process's commit (its fsync) or
 * checkpoint, in sleeps of WAIT_STEP_US; then the timer looks again after
 * RECHECK_FIRST_MS, doubling up to RECHECK_MAX_MS while the writer lasts. */
#define WAIT_MS 20
#define WAIT_STEP_US 500
#define RECHECK_FIRST_MS 4
#define RECHECK_MAX_MS 128

struct store_watch {
    int epoll_fd;      /* what change_fd returns: readable when either below is */
    int inotify_fd;
    int timer_fd;      /* looks again while another process is mid-commit */
    int shm_fd;        /* the -shm, for its lock bytes (-1: none yet) */
    int database_fd;   /* the database, for its RESERVED byte */
    int directory_watch, database_watch, wal_watch;
    int recheck_ms;    /* the timer's next interval while a writer lasts */
    bool muted;        /* inotify is out of the epoll set: a long writer */
    char *directory;   /* absolute, so a later chdir changes nothing */
    char *database_name, *wal_name, *journal_name; /* names in the directory */
    char *wal_path, *shm_path;
};

static void watch_wal(struct store_watch *watch)
{
    int wd = inotify_add_watch(watch->inotify_fd, watch->wal_path, IN_MODIFY);
    if (wd >= 0)
        watch->wal_watch = wd;
}

static void open_shm(struct store_watch *watch)
{
    if (watch->shm_fd < 0)
        watch->shm_fd = open(watch->shm_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
}

struct store_watch *store_sqlite_watch_open(const char *path)
{
    struct store_watch *watch = xcalloc(1, sizeof *watch);
    watch->epoll_fd = watch->inotify_fd = watch->timer_fd = -1;
    watch->shm_fd = watch->database_fd = -1;
    watch->directory_watch = watch->database_watch = watch->wal_watch = -1;
    watch->recheck_ms = RECHECK_FIRST_MS;

    const char *slash = strrchr(path, '/');
    const char *name = slash != NULL ? slash + 1 : path;
    char *parent = slash == NULL ? xstrdup(".")
                   : slash == path ? xstrdup("/")
                                   : xstrndup(path, (size_t)(slash - path));
    char resolved[PATH_MAX];
    bool found = name[0] != '\0' && realpath(parent, resolved) != NULL;
    free(parent);
    if (!found)
        goto fail;
    watch->directory = xstrdup(resolved);
    watch->database_name = xstrdup(name);
    watch->wal_name = xasprintf("%s-wal", name);
    watch->journal_name = xasprintf("%s-journal", name);
    watch->wal_path = xasprintf("%s/%s", watch->directory, watch->wal_name);
    watch->shm_path = xasprintf("%s/%s-shm", watch->directory, name);
    char *database_path = xasprintf("%s/%s", watch->directory, name);

    watch->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    watch->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    watch->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event inotify_event = { .events = EPOLLIN, .data.fd = watch->inotify_fd };
    struct epoll_event timer_event = { .events = EPOLLIN, .data.fd = watch->timer_fd };
    if (watch->inotify_fd < 0 || watch->timer_fd < 0 || watch->epoll_fd < 0 ||
        epoll_ctl(watch->epoll_fd, EPOLL_CTL_ADD, watch->inotify_fd, &inotify_event) != 0 ||
        epoll_ctl(watch->epoll_fd, EPOLL_CTL_ADD, watch->timer_fd, &timer_event) != 0) {
        free(database_path);
        goto fail;
    }
    /* The directory first: a -wal made between the two calls is then seen. */
    watch->directory_watch = inotify_add_watch(watch->inotify_fd, watch->directory,
                                               IN_CREATE | IN_MOVED_TO | IN_DELETE |
                                                   IN_MOVED_FROM | IN_ONLYDIR);
    watch->database_watch = inotify_add_watch(watch->inotify_fd, database_path, IN_MODIFY);
    watch_wal(watch);
    watch->database_fd = open(database_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    free(database_path);
    open_shm(watch);
    /* Without the directory nor the file, nothing would ever wake us. */
    if (watch->directory_watch < 0 && watch->database_watch < 0)
        goto fail;
    return watch;
fail:
    store_sqlite_watch_close(watch);
    return NULL;
}

int store_sqlite_watch_fd(const struct store_watch *watch)
{
    return watch != NULL ? watch->epoll_fd : -1;
}

/* The process id holding a write lock on byte `offset` of fd, other than
 * this process (F_GETLK does not report our own locks); 0 when none. */
static pid_t lock_holder(int fd, off_t offset)
{
    struct flock lock = {
        .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = offset, .l_len = 1,
    };
    if (fd < 0 || fcntl(fd, F_GETLK, &lock) != 0 || lock.l_type == F_UNLCK)
        return 0;
    return lock.l_pid > 0 ? lock.l_pid : -1;
}

/* True while another process holds the write lock: a writer whose
 * commit may not be published yet, or a checkpoint that resets the -wal. */
static bool writer_busy(struct store_watch *watch)
{
    open_shm(watch);
    return lock_holder(watch->shm_fd, WAL_WRITE_LOCK_BYTE) != 0 ||
           lock_holder(watch->database_fd, RESERVED_LOCK_BYTE) != 0;
}

static void arm_timer(struct store_watch *watch, int ms)
{
    struct itimerspec when = {
        .it_value = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L },
    };
    timerfd_settime(watch->timer_fd, 0, &when, NULL);
}

/* Takes inotify out of the epoll set (a long writer: the timer looks
 * instead) or puts it back. */
static void mute(struct store_watch *watch, bool muted)
{
    if (watch->muted == muted)
        return;
    struct epoll_event event = { .events = EPOLLIN, .data.fd = watch->inotify_fd };
    if (epoll_ctl(watch->epoll_fd, muted ? EPOLL_CTL_DEL : EPOLL_CTL_ADD, watch->inotify_fd,
                  &event) == 0)
        watch->muted = muted;
}

/* One event read from the descriptor: true when it concerns the database. */
static bool take_event(struct store_watch *watch, const struct inotify_event *event)
{
    if (event->mask & IN_Q_OVERFLOW)
        return true;   /* events were lost: one of them may have mattered */
    if (event->wd != watch->directory_watch) {
        if (event->mask & IN_IGNORED) {   /* the file is gone for good */
            if (event->wd == watch->wal_watch)
                watch->wal_watch = -1;
            return false;
        }
        return true;
    }
    if (event->len == 0)
        return false;
    if (strcmp(event->name, watch->wal_name) == 0) {
        /* A new -wal (made again after a deletion): watch the new file. */
        if (event->mask & (IN_CREATE | IN_MOVED_TO))
            watch_wal(watch);
        return true;
    }
    return strcmp(event->name, watch->database_name) == 0 ||
           strcmp(event->name, watch->journal_name) == 0;
}

/* Reads every pending event; true when one concerned the database. */
static bool read_events(struct store_watch *watch)
{
    bool relevant = false;
    char buffer[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t got = read(watch->inotify_fd, buffer, sizeof buffer);
        if (got <= 0)
            break;   /* EAGAIN: all read */
        for (ssize_t at = 0; at + (ssize_t)sizeof(struct inotify_event) <= got;) {
            const struct inotify_event *event = (const void *)(buffer + at);
            relevant |= take_event(watch, event);
            at += (ssize_t)(sizeof *event + event->len);
        }
    }
    return relevant;
}

bool store_sqlite_watch_drain(struct store_watch *watch)
{
    if (watch == NULL)
        return false;
    bool relevant = read_events(watch);
    uint64_t expirations = 0;
    if (read(watch->timer_fd, &expirations, sizeof expirations) == (ssize_t)sizeof expirations)
        relevant = true;   /* a long writer was being waited for */
    struct timespec pause = { 0, WAIT_STEP_US * 1000L };
    for (int waited_us = 0; writer_busy(watch); waited_us += WAIT_STEP_US) {
        if (waited_us >= WAIT_MS * 1000) {
            mute(watch, true);
            arm_timer(watch, watch->recheck_ms);
            if (watch->recheck_ms < RECHECK_MAX_MS)
                watch->recheck_ms *= 2;
            return relevant;
        }
        nanosleep(&pause, NULL);
    }
    /* Published: what it wrote meanwhile says nothing more. */
    relevant |= read_events(watch);
    if (watch->muted)
        arm_timer(watch, 0);
    mute(watch, false);
    watch->recheck_ms = RECHECK_FIRST_MS;
    return relevant;
}

void store_sqlite_watch_close(struct store_watch *watch)
{
    if (watch == NULL)
        return;
    int fds[] = { watch->epoll_fd, watch->inotify_fd, watch->timer_fd, watch->shm_fd,
                  watch->database_fd };
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(watch->directory);
    free(watch->database_name);
    free(watch->wal_name);
    free(watch->journal_name);
    free(watch->wal_path);
    free(watch->shm_path);
    free(watch);
}

/* ---- the backend's operations ---- */

int store_sqlite_change_fd(struct store *store)
{
    return store_sqlite_watch_fd(SQ(store)->watch);
}

void store_sqlite_change_drain(struct store *store)
{
    store_sqlite_watch_drain(SQ(store)->watch);
}
