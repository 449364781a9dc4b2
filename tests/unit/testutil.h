/* Helpers shared by the cmocka unit tests: private temporary directories,
 * files read whole, and a store opened on a real SQLite file. */
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

#endif
