/* Revisions as files: reading NNNN_name.up.sql / NNNN_name.down.sql from
 * a directory (--migrations) into a migration_set and freeing it, and
 * writing the next numbered empty pair (`db new`). The built-in set is a
 * C table the build makes from migrations/sqlite/ (scripts/embed-migrations.sh). */
#include "store/store.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"

struct owned_set {
    struct migration_set set; /* first, so the public pointer converts back */
    struct migration *items;
};

static bool parse_file_name(const char *file, int *revision, char **name, bool *up)
{
    size_t len = strlen(file);
    if (len < 5 || !isdigit((unsigned char)file[0]) || !isdigit((unsigned char)file[1]) ||
        !isdigit((unsigned char)file[2]) || !isdigit((unsigned char)file[3]) || file[4] != '_')
        return false;
    size_t suffix;
    if (len > 7 && strcmp(file + len - 7, ".up.sql") == 0) {
        *up = true;
        suffix = 7;
    } else if (len > 9 && strcmp(file + len - 9, ".down.sql") == 0) {
        *up = false;
        suffix = 9;
    } else {
        return false;
    }
    if (len - suffix <= 5)
        return false;
    *revision = (file[0] - '0') * 1000 + (file[1] - '0') * 100 + (file[2] - '0') * 10 +
                (file[3] - '0');
    *name = xstrndup(file + 5, len - suffix - 5);
    for (char *p = *name; *p != '\0'; p++)
        if (*p == '_')
            *p = ' ';
    return true;
}

static char *read_whole_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *data = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = (cap + 4096) * 2;
            data = xrealloc(data, cap);
        }
        size_t got = fread(data + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed) {
        free(data);
        return NULL;
    }
    data[len] = '\0';
    return data;
}

void migration_set_free(struct migration_set *set)
{
    if (set == NULL || set == migrations_builtin())
        return;
    struct owned_set *owned = (struct owned_set *)set;
    for (size_t i = 0; i < owned->set.count; i++) {
        free((char *)owned->items[i].name);
        free((char *)owned->items[i].up_sql);
        free((char *)owned->items[i].down_sql);
    }
    free(owned->items);
    free(owned);
}

enum mb_status migration_set_load_dir(const char *dir, struct migration_set **out,
                                      struct mb_error *err)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return mb_fail(err, MB_NOT_FOUND, "cannot read migrations directory %s: %s", dir,
                       strerror(errno));
    struct owned_set *owned = xcalloc(1, sizeof *owned);
    enum mb_status status = MB_OK;
    size_t capacity = 0;
    struct dirent *entry;
    while (status == MB_OK && (entry = readdir(d)) != NULL) {
        int revision;
        char *name = NULL;
        bool up;
        if (!parse_file_name(entry->d_name, &revision, &name, &up))
            continue;
        if (revision < 1) {
            status = mb_fail(err, MB_INVALID, "%s/%s: revisions start at 0001", dir,
                             entry->d_name);
            free(name);
            break;
        }
        if ((size_t)revision > capacity) {
            size_t grown = (size_t)revision * 2;
            owned->items = xreallocarray(owned->items, grown, sizeof *owned->items);
            memset(owned->items + capacity, 0, (grown - capacity) * sizeof *owned->items);
            capacity = grown;
        }
        struct migration *m = &owned->items[revision - 1];
        if ((size_t)revision > owned->set.count)
            owned->set.count = (size_t)revision;
        char *path = xasprintf("%s/%s", dir, entry->d_name);
        char *sql = read_whole_file(path);
        if (sql == NULL) {
            status = mb_fail(err, MB_IO, "cannot read %s: %s", path, strerror(errno));
        } else if ((up ? m->up_sql : m->down_sql) != NULL) {
            status = mb_fail(err, MB_INVALID, "%s: a second file for revision %04d", path,
                             revision);
            free(sql);
        } else {
            m->revision = revision;
            if (up)
                m->up_sql = sql;
            else
                m->down_sql = sql;
            if (m->name == NULL) {
                m->name = name;
                name = NULL;
            }
        }
        free(path);
        free(name);
    }
    closedir(d);
    for (size_t i = 0; status == MB_OK && i < owned->set.count; i++) {
        const struct migration *m = &owned->items[i];
        if (m->up_sql == NULL || m->down_sql == NULL)
            status = mb_fail(err, MB_INVALID, "%s: revision %04zu is missing its %s file", dir,
                             i + 1, m->revision == 0 ? "up and down" :
                                    m->up_sql == NULL ? "up" : "down");
    }
    if (status == MB_OK && owned->set.count == 0)
        status = mb_fail(err, MB_INVALID, "%s holds no revisions (NNNN_name.up.sql)", dir);
    owned->set.items = owned->items;
    if (status != MB_OK) {
        migration_set_free(&owned->set);
        return status;
    }
    *out = &owned->set;
    return MB_OK;
}

enum mb_status migration_new(const char *dir, const char *message, char **up_path,
                             char **down_path, struct mb_error *err)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return mb_fail(err, MB_NOT_FOUND, "cannot read migrations directory %s: %s", dir,
                       strerror(errno));
    int highest = 0;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        int revision;
        char *name = NULL;
        bool up;
        if (parse_file_name(entry->d_name, &revision, &name, &up) && revision > highest)
            highest = revision;
        free(name);
    }
    closedir(d);
    if (highest >= 9999)
        return mb_fail(err, MB_INVALID, "%s already holds revision 9999", dir);

    char slug[48];
    size_t j = 0;
    for (const char *p = message; *p != '\0' && j < sizeof slug - 1; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c) && c < 0x80)
            slug[j++] = (char)tolower(c);
        else if (j > 0 && slug[j - 1] != '_')
            slug[j++] = '_';
    }
    while (j > 0 && slug[j - 1] == '_')
        j--;
    slug[j] = '\0';
    if (j == 0)
        return mb_fail(err, MB_INVALID, "the message must contain letters or digits");

    int revision = highest + 1;
    char *paths[2] = {
        xasprintf("%s/%04d_%s.up.sql", dir, revision, slug),
        xasprintf("%s/%04d_%s.down.sql", dir, revision, slug),
    };
    enum mb_status status = MB_OK;
    int written = 0;
    for (int i = 0; i < 2 && status == MB_OK; i++) {
        int fd = open(paths[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
            status = mb_fail(err, MB_IO, "cannot create %s: %s", paths[i], strerror(errno));
            break;
        }
        char *body = xasprintf("-- Revision %04d (%s): %s.\n"
                               "-- %s SQL. The revision runs in one transaction with foreign\n"
                               "-- keys off and a foreign_key_check before COMMIT, so a table\n"
                               "-- may be rebuilt (SQLite's 12-step procedure).\n",
                               revision, i == 0 ? "upgrade" : "downgrade", message,
                               i == 0 ? "Upgrade" : "Downgrade");
        size_t len = strlen(body);
        if (write(fd, body, len) != (ssize_t)len)
            status = mb_fail(err, MB_IO, "cannot write %s: %s", paths[i], strerror(errno));
        free(body);
        if (close(fd) != 0 && status == MB_OK)
            status = mb_fail(err, MB_IO, "cannot write %s: %s", paths[i], strerror(errno));
        written++;
    }
    if (status != MB_OK) {
        for (int i = 0; i < written; i++)
            unlink(paths[i]);
        free(paths[0]);
        free(paths[1]);
        return status;
    }
    *up_path = paths[0];
    *down_path = paths[1];
    return MB_OK;
}
