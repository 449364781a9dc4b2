/* Helpers shared by the cmocka unit tests: private temporary directories,
 * files read whole, a store opened on a real database (a SQLite file, or a
 * database in the private PostgreSQL cluster of tests/run.sh when
 * MB_BACKEND=postgresql), and the rows of a database dumped as text. */
#ifndef TESTS_UNIT_TESTUTIL_H
#define TESTS_UNIT_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdbool.h>
#include <cmocka.h>

#include "core/xalloc.h"
#include "store/store.h"

static inline char *testutil_tempdir(void)
{
    char *dir = xstrdup("/tmp/mbunit.XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static inline void testutil_rmtree(const char *dir)
{
    char *command = xasprintf("rm -rf '%s'", dir);
    assert_int_equal(system(command), 0);
    free(command);
}

static inline void testutil_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Whole file into a new buffer; *len set; NULL when missing. */
static inline char *testutil_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = xmalloc((size_t)size + 1);
    size_t got = fread(data, 1, (size_t)size, f);
    fclose(f);
    data[got] = '\0';
    *len = got;
    return data;
}

static inline struct store_options testutil_options(const char *path)
{
    struct store_options options = {
        .path = path,
        .busy_timeout_ms = 5000,
        .migrate = STORE_MIGRATE_AUTO,
        .password_strength = CRYPTO_STRENGTH_MINIMUM,
    };
    return options;
}

static inline struct store *testutil_open(const char *path)
{
    struct store_options options = testutil_options(path);
    struct store *store = NULL;
    struct mb_error err = {{0}};
    enum mb_status status = store_open(&options, &store, &err);
    if (status != MB_OK)
        fail_msg("store_open(%s): %s", path, err.message);
    return store;
}

/* A store opened for person in mode (shared or restricted), as the faces
 * open one; fails the test when it cannot be. */
static inline struct store *testutil_open_as(const char *path, enum store_mode mode,
                                             const char *person, bool admin)
{
    struct store_options options = testutil_options(path);
    options.mode = mode;
    options.person = person;
    options.person_is_admin = admin;
    struct store *store = NULL;
    struct mb_error err = { { 0 } };
    if (store_open(&options, &store, &err) != MB_OK)
        fail_msg("store_open as %s: %s", person, err.message);
    return store;
}

/* Output of a shell command (sqlite3 on the file, say), newly allocated. */
static inline char *testutil_shell(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char command[4096];
    vsnprintf(command, sizeof command, format, args);
    va_end(args);
    FILE *p = popen(command, "r");
    assert_non_null(p);
    char *out = NULL;
    size_t len = 0;
    char buffer[4096];
    size_t got;
    while ((got = fread(buffer, 1, sizeof buffer, p)) > 0) {
        out = xrealloc(out, len + got + 1);
        memcpy(out + len, buffer, got);
        len += got;
    }
    pclose(p);
    if (out == NULL)
        out = xstrdup("");
    else
        out[len] = '\0';
    return out;
}

/* The backend of this run: tests/run.sh sets MB_BACKEND=postgresql and
 * PG_DIR (its private cluster, scripts/pg-cluster.sh) for the unit-pg/
 * pass; SQLite otherwise. */
static inline bool testutil_postgres(void)
{
    const char *backend = getenv("MB_BACKEND");
    return backend != NULL && strcmp(backend, "postgresql") == 0;
}

/* psql of the cluster in use (PG_BINDIR), newly allocated. */
static inline char *testutil_psql(void)
{
    const char *bindir = getenv("PG_BINDIR");
    return bindir != NULL && *bindir != '\0' ? xasprintf("%s/psql", bindir) : xstrdup("psql");
}

/* The name of a new, empty database for the backend in use, newly
 * allocated: DIR/NAME (a SQLite file) or, on PostgreSQL, the URL of a
 * fresh database in the cluster at $PG_DIR. */
static inline char *testutil_new_db(const char *dir, const char *name)
{
    if (!testutil_postgres())
        return xasprintf("%s/%s", dir, name);
    const char *pg_dir = getenv("PG_DIR");
    const char *root = getenv("MB_ROOT");
    if (pg_dir == NULL || *pg_dir == '\0')
        fail_msg("MB_BACKEND=postgresql needs PG_DIR (tests/run.sh starts the cluster)");
    char *out = testutil_shell("sh '%s/scripts/pg-cluster.sh' createdb '%s' 2>&1",
                               root != NULL ? root : ".", pg_dir);
    out[strcspn(out, "\n")] = '\0';
    if (strncmp(out, "postgresql://", 13) != 0)
        fail_msg("cannot create a database in the cluster at %s: %s", pg_dir, out);
    return out;
}

/* The user and post rows of database DB (a file or a URL), one line each,
 * to compare before and after a refusal; fails the test when the database
 * cannot be read. "user" is quoted: a reserved word in PostgreSQL. */
static inline char *testutil_dump(const char *db)
{
    static const char users[] = "SELECT id, username, email, password_hash FROM \"user\" "
                                "ORDER BY id";
    static const char posts[] = "SELECT id, user_id, body, timestamp FROM post ORDER BY id";
    char *out;
    if (testutil_postgres()) {
        char *psql = testutil_psql();
        out = testutil_shell("'%s' -X -q -At -v ON_ERROR_STOP=1 -d '%s' -c '%s' -c '%s' 2>&1 "
                             "|| echo DUMP-FAILED",
                             psql, db, users, posts);
        free(psql);
    } else {
        out = testutil_shell("sqlite3 -bail '%s' '%s; %s;' 2>&1 || echo DUMP-FAILED", db, users,
                             posts);
    }
    if (strstr(out, "DUMP-FAILED") != NULL)
        fail_msg("cannot dump the rows of the database: %s", out);
    return out;
}

/* The output of the SQL `text` (any quotes; several statements) run by
 * sqlite3 or psql on database DB, through a file in dir: rows one a line,
 * columns separated by '|', NULL empty. Fails the test on an error. */
static inline char *testutil_sql(const char *db, const char *dir, const char *text)
{
    char *file = xasprintf("%s/testutil.sql", dir);
    testutil_write(file, text);
    char *out;
    if (testutil_postgres()) {
        char *psql = testutil_psql();
        out = testutil_shell("'%s' -X -q -At -v ON_ERROR_STOP=1 -d '%s' -f '%s' 2>&1 "
                             "|| echo SQL-FAILED", psql, db, file);
        free(psql);
    } else {
        out = testutil_shell("sqlite3 -bail '%s' < '%s' 2>&1 || echo SQL-FAILED", db, file);
    }
    free(file);
    if (strstr(out, "SQL-FAILED") != NULL)
        fail_msg("%s: %s", text, out);
    return out;
}

#endif
