/* Trusting a path before opening it (see trust.h). The path is resolved
 * one component at a time, as the kernel does, so that every directory a
 * name is looked up in and every link followed is examined, not only the
 * directories of the final, resolved path (OpenSSH's realpath() approach
 * would miss the directory that holds a link, where someone else could
 * re-point it). Nothing here opens a file: lstat and readlink only. Once
 * everything on the way passes, nobody but the caller and root can change
 * what the path means before the caller opens it. */
#include "core/trust.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"

/* As Linux's MAXSYMLINKS: more links than this on one path is a loop. */
#define TRUST_MAX_LINKS 40

struct walk {
    const char *path;      /* as the caller gave it, for messages */
    const char *absolute;  /* the path made absolute, before any link */
    uid_t uid;             /* the real uid: the person */
    gid_t shared_group;
    struct mb_error *err;
};

/* The kind of entry, for messages. */
enum entry_kind { ENTRY_FILE, ENTRY_DIRECTORY, ENTRY_LINK };

static void user_name(uid_t uid, char *out, size_t size)
{
    struct passwd entry, *found = NULL;
    char buffer[4096];
    if (getpwuid_r(uid, &entry, buffer, sizeof buffer, &found) == 0 && found != NULL)
        snprintf(out, size, "%s", found->pw_name);
    else
        snprintf(out, size, "%lu", (unsigned long)uid);
}

static void group_name(gid_t gid, char *out, size_t size)
{
    struct group entry, *found = NULL;
    char buffer[4096];
    if (getgrgid_r(gid, &entry, buffer, sizeof buffer, &found) == 0 && found != NULL)
        snprintf(out, size, "%s", found->gr_name);
    else
        snprintf(out, size, "%lu", (unsigned long)gid);
}

/* "it" for the file the caller named, else what and where the entry is. */
static char *describe(const struct walk *walk, const char *entry, enum entry_kind kind)
{
    if (kind == ENTRY_DIRECTORY)
        return xasprintf("directory %s", entry);
    if (kind == ENTRY_LINK)
        return xasprintf("the link %s", entry);
    if (strcmp(entry, walk->absolute) == 0)
        return xstrdup("it");
    return xstrdup(entry);
}

/* The rules of trust.h for one entry (its lstat in st). */
static enum mb_status check_entry(const struct walk *walk, const char *entry,
                                  const struct stat *st, enum entry_kind kind)
{
    enum mb_status status = MB_OK;
    char *what = describe(walk, entry, kind);
    char name[256];
    if (st->st_uid != walk->uid && st->st_uid != 0) {
        user_name(st->st_uid, name, sizeof name);
        status = mb_fail(walk->err, MB_DENIED, "refusing %s: %s is owned by user %s",
                         walk->path, what, name);
        goto out;
    }
    /* A link's own mode means nothing; only who made it does. A sticky
     * directory lets others add names but not move or remove ours. What
     * root's character devices return (/dev/null, the usual "no
     * configuration") is the kernel's, whoever may write to them. */
    if (kind == ENTRY_LINK || (kind == ENTRY_DIRECTORY && (st->st_mode & S_ISVTX)) ||
        (kind == ENTRY_FILE && S_ISCHR(st->st_mode) && st->st_uid == 0))
        goto out;
    if (st->st_mode & S_IWOTH) {
        status = mb_fail(walk->err, MB_DENIED,
                         "refusing %s: %s is writable by everyone (chmod o-w %s)", walk->path,
                         what, entry);
        goto out;
    }
    if ((st->st_mode & S_IWGRP) && st->st_gid != walk->shared_group) {
        group_name(st->st_gid, name, sizeof name);
        status = mb_fail(walk->err, MB_DENIED,
                         "refusing %s: %s is writable by group %s (chmod g-w %s)", walk->path,
                         what, name, entry);
        goto out;
    }
out:
    free(what);
    return status;
}

/* The target of the link at entry, newly allocated; NULL with errno set. */
static char *read_link(const char *entry)
{
    for (size_t size = 256; size <= 1u << 20; size *= 2) {
        char *target = xmalloc(size);
        ssize_t len = readlink(entry, target, size);
        if (len >= 0 && (size_t)len < size) {
            target[len] = '\0';
            return target;
        }
        free(target);
        if (len < 0)
            return NULL;
    }
    errno = ENAMETOOLONG;
    return NULL;
}

/* The walk of trust_check_path; *parent (may be NULL) gets the directory
 * the last component is (or would be) in, newly allocated, when it exists
 * (NULL when an earlier directory is missing). */
static enum mb_status walk_path(const char *path, gid_t shared_group, struct mb_error *err,
                                char **parent)
{
    enum mb_status status = MB_OK;
    char *absolute = NULL, *pending = NULL, *resolved = NULL, *entry = NULL;
    if (path == NULL || path[0] == '\0')
        return mb_fail(err, MB_INVALID, "refusing an empty path");
    if (path[0] == '/') {
        absolute = xstrdup(path);
    } else {
        char *cwd = getcwd(NULL, 0);
        if (cwd == NULL)
            return mb_fail(err, MB_IO, "cannot check %s: no working directory: %s", path,
                           strerror(errno));
        absolute = xasprintf("%s/%s", cwd, path);
        free(cwd);
    }
    struct walk walk = {
        .path = path,
        .absolute = absolute,
        .uid = getuid(),
        .shared_group = shared_group,
        .err = err,
    };

    struct stat st;
    if (lstat("/", &st) != 0) {
        status = mb_fail(err, MB_IO, "cannot check %s: /: %s", path, strerror(errno));
        goto out;
    }
    status = check_entry(&walk, "/", &st, ENTRY_DIRECTORY);
    /* resolved: the directory reached, free of links ("" is "/");
     * pending: the components still to look up in it. */
    resolved = xstrdup("");
    pending = xstrdup(absolute);
    const char *next = pending;
    int links = 0;
    while (status == MB_OK) {
        while (*next == '/')
            next++;
        if (*next == '\0')
            break;
        size_t len = strcspn(next, "/");
        const char *rest = next + len;
        bool last = rest[strspn(rest, "/")] == '\0';
        if (len == 1 && next[0] == '.') {
            next = rest;
            continue;
        }
        if (len == 2 && next[0] == '.' && next[1] == '.') {
            /* resolved has no links, so its parent is the one the kernel
             * takes, and was checked on the way down. */
            char *slash = strrchr(resolved, '/');
            if (slash != NULL)
                *slash = '\0';
            next = rest;
            continue;
        }
        free(entry);
        entry = xasprintf("%s/%.*s", resolved, (int)len, next);
        if (last && parent != NULL) {
            free(*parent);
            *parent = xstrdup(resolved[0] != '\0' ? resolved : "/");
        }
        if (lstat(entry, &st) != 0) {
            if (errno != ENOENT)
                status = mb_fail(err, MB_IO, "cannot check %s: %s: %s", path, entry,
                                 strerror(errno));
            break; /* not there yet: it will be made in resolved, checked */
        }
        if (S_ISLNK(st.st_mode)) {
            if (++links > TRUST_MAX_LINKS) {
                status = mb_fail(err, MB_IO, "cannot check %s: too many symbolic links",
                                 path);
                break;
            }
            status = check_entry(&walk, entry, &st, ENTRY_LINK);
            if (status != MB_OK)
                break;
            char *target = read_link(entry);
            if (target == NULL) {
                status = mb_fail(err, MB_IO, "cannot check %s: %s: %s", path, entry,
                                 strerror(errno));
                break;
            }
            if (target[0] == '/')
                resolved[0] = '\0';
            char *followed = xasprintf("%s/%s", target, rest);
            free(target);
            free(pending);
            pending = followed;
            next = pending;
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            status = check_entry(&walk, entry, &st, ENTRY_DIRECTORY);
            free(resolved);
            resolved = entry;
            entry = NULL;
            next = rest;
            continue;
        }
        if (!last) {
            status = mb_fail(err, MB_IO, "cannot check %s: %s is not a directory", path,
                             entry);
            break;
        }
        status = check_entry(&walk, entry, &st, ENTRY_FILE);
        break;
    }
out:
    free(entry);
    free(pending);
    free(resolved);
    free(absolute);
    return status;
}

enum mb_status trust_check_path(const char *path, gid_t shared_group, struct mb_error *err)
{
    return walk_path(path, shared_group, err, NULL);
}

enum mb_status trust_check_database(const char *path, gid_t shared_group, struct mb_error *err)
{
    char *parent = NULL;
    struct stat st;
    enum mb_status status = walk_path(path, shared_group, err, &parent);
    /* SQLite opens NAME-wal, NAME-shm and NAME-journal by name, creating
     * them when missing: in a directory where others may add names, even
     * a sticky one, someone else's -wal would be read into the database. */
    if (status == MB_OK && parent != NULL && lstat(parent, &st) == 0 &&
        ((st.st_mode & S_IWOTH) ||
         ((st.st_mode & S_IWGRP) && st.st_gid != shared_group)))
        status = mb_fail(err, MB_DENIED,
                         "refusing %s: others can add files to directory %s, such as the "
                         "database's -wal and -journal (keep the database in a directory of "
                         "your own)", path, parent);
    free(parent);
    return status;
}
