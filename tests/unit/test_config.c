/* Unit tests for core/config: which file is read (--config, then
 * $MICROBLOG_CONFIG, then the XDG default, then nothing), what each key
 * accepts, the FILE:LINE messages for every kind of mistake, where the
 * database is (--db, $DATABASE_URL as SQLAlchemy reads it, the `database`
 * key, the XDG default), and the 0700 directories made for it. Every test
 * runs in its own temporary directory with HOME, the XDG variables and the
 * other variables we read set or cleared explicitly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"

static const char *const variables[] = {
    "HOME", "USER", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "MICROBLOG_CONFIG", "DATABASE_URL",
};
#define VARIABLE_COUNT (sizeof variables / sizeof variables[0])

struct fixture {
    char dir[64];
    char *saved[VARIABLE_COUNT];
    mode_t saved_umask;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/mb-test-config.XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    for (size_t i = 0; i < VARIABLE_COUNT; i++) {
        const char *value = getenv(variables[i]);
        f->saved[i] = value ? strdup(value) : NULL;
        unsetenv(variables[i]);
    }
    setenv("HOME", f->dir, 1);
    setenv("USER", "tester", 1);
    f->saved_umask = umask(022);
    *state = f;
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    for (size_t i = 0; i < VARIABLE_COUNT; i++) {
        if (f->saved[i] != NULL)
            setenv(variables[i], f->saved[i], 1);
        else
            unsetenv(variables[i]);
        free(f->saved[i]);
    }
    umask(f->saved_umask);
    free(f);
    return 0;
}

/* Writes text to dir/relative, creating the directories on the way. */
static char *write_file(const struct fixture *f, const char *relative, const char *text, size_t len)
{
    char *path = NULL;
    assert_true(asprintf(&path, "%s/%s", f->dir, relative) > 0);
    struct mb_error err = {{0}};
    assert_int_equal(config_make_parent_dirs(path, &err), MB_OK);
    FILE *file = fopen(path, "w");
    assert_non_null(file);
    assert_int_equal(fwrite(text, 1, len, file), len);
    assert_int_equal(fclose(file), 0);
    return path;
}

static char *write_text(const struct fixture *f, const char *relative, const char *text)
{
    return write_file(f, relative, text, strlen(text));
}

static char *in_dir(const struct fixture *f, const char *relative)
{
    char *path = NULL;
    assert_true(asprintf(&path, "%s/%s", f->dir, relative) > 0);
    return path;
}

/* Loads text (named "microblog.conf") over the defaults; returns status. */
static enum mb_status load_text(const char *text, struct config *config, struct mb_error *err)
{
    config_defaults(config);
    memset(err, 0, sizeof *err);
    return config_load_string(config, text, "microblog.conf", err);
}

static void assert_config_error(const char *text, const char *expected)
{
    struct config config;
    struct mb_error err;
    assert_int_equal(load_text(text, &config, &err), MB_CONFIG);
    assert_string_equal(err.message, expected);
    config_free(&config);
}

static void assert_is_defaults(const struct config *config, const char *user)
{
    assert_null(config->database);
    assert_string_equal(config->user, user);
    assert_int_equal(config->busy_timeout_ms, 5000);
    assert_true(config->auto_migrate);
    assert_int_equal(config->password_strength, CRYPTO_STRENGTH_INTERACTIVE);
    assert_int_equal(config->color, CONFIG_COLOR_AUTO);
    assert_int_equal(config->refresh_ms, 500);
}

static void test_defaults(void **state)
{
    (void)state;
    struct config config;
    config_defaults(&config);
    assert_is_defaults(&config, "tester");
    assert_null(config.source);
    config_free(&config);
    config_free(&config); /* freeing twice is harmless */
    config_free(NULL);

    unsetenv("USER");
    config_defaults(&config);
    assert_string_equal(config.user, "me");
    config_free(&config);
}

static void test_every_key(void **state)
{
    (void)state;
    struct config config;
    struct mb_error err;
    const char *text =
        "; a comment\n"
        "# another\n"
        "database = /srv/journal.db\n"
        "user = susan\n"
        "busy_timeout_ms = 0\n"
        "auto_migrate = no\n"
        "password_strength = minimum\n"
        "color = never\n"
        "refresh_ms = 60000 ; inline comment\n";
    assert_int_equal(load_text(text, &config, &err), MB_OK);
    assert_string_equal(config.database, "/srv/journal.db");
    assert_string_equal(config.user, "susan");
    assert_int_equal(config.busy_timeout_ms, 0);
    assert_false(config.auto_migrate);
    assert_int_equal(config.password_strength, CRYPTO_STRENGTH_MINIMUM);
    assert_int_equal(config.color, CONFIG_COLOR_NEVER);
    assert_int_equal(config.refresh_ms, 60000);
    config_free(&config);
}

static void test_section_and_indentation(void **state)
{
    (void)state;
    struct config config;
    struct mb_error err;
    /* inih would read an indented line as the previous value continued. */
    const char *text =
        "\xEF\xBB\xBF"
        "[microblog]\n"
        "  user = john\n"
        "  color = ALWAYS\n"
        "\tauto_migrate = On\r\n"
        "password_strength: sensitive\n";
    assert_int_equal(load_text(text, &config, &err), MB_OK);
    assert_string_equal(config.user, "john");
    assert_int_equal(config.color, CONFIG_COLOR_ALWAYS);
    assert_true(config.auto_migrate);
    assert_int_equal(config.password_strength, CRYPTO_STRENGTH_SENSITIVE);
    config_free(&config);
}

static void test_boolean_and_choice_spellings(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool value;
    } booleans[] = {
        {"yes", true}, {"no", false}, {"true", true}, {"false", false},
        {"on", true},  {"off", false}, {"1", true},   {"0", false},
    };
    for (size_t i = 0; i < sizeof booleans / sizeof booleans[0]; i++) {
        struct config config;
        struct mb_error err;
        char text[64];
        snprintf(text, sizeof text, "auto_migrate = %s\n", booleans[i].text);
        assert_int_equal(load_text(text, &config, &err), MB_OK);
        assert_int_equal(config.auto_migrate, booleans[i].value);
        config_free(&config);
    }
    static const char *const strengths[] = {"minimum", "interactive", "moderate", "sensitive"};
    for (int i = 0; i < 4; i++) {
        struct config config;
        struct mb_error err;
        char text[64];
        snprintf(text, sizeof text, "password_strength = %s", strengths[i]);
        assert_int_equal(load_text(text, &config, &err), MB_OK);
        assert_int_equal(config.password_strength, i);
        config_free(&config);
    }
}

static void test_unknown_key_names_file_and_line(void **state)
{
    (void)state;
    assert_config_error("user = a\n\ncolour = never\n",
                        "microblog.conf:3: unknown key 'colour'");
}

static void test_bad_values_name_file_and_line(void **state)
{
    (void)state;
    assert_config_error("busy_timeout_ms = soon\n",
                        "microblog.conf:1: busy_timeout_ms must be a number of milliseconds "
                        "from 0 to 600000, not 'soon'");
    assert_config_error("\nbusy_timeout_ms = 600001\n",
                        "microblog.conf:2: busy_timeout_ms must be a number of milliseconds "
                        "from 0 to 600000, not '600001'");
    assert_config_error("busy_timeout_ms = -1\n",
                        "microblog.conf:1: busy_timeout_ms must be a number of milliseconds "
                        "from 0 to 600000, not '-1'");
    assert_config_error("busy_timeout_ms = 99999999999999999999\n",
                        "microblog.conf:1: busy_timeout_ms must be a number of milliseconds "
                        "from 0 to 600000, not '99999999999999999999'");
    assert_config_error("refresh_ms = 49\n",
                        "microblog.conf:1: refresh_ms must be a number of milliseconds "
                        "from 50 to 60000, not '49'");
    assert_config_error("refresh_ms = 500 # not a comment here\n",
                        "microblog.conf:1: refresh_ms must be a number of milliseconds "
                        "from 50 to 60000, not '500 # not a comment here'");
    assert_config_error("auto_migrate = maybe\n",
                        "microblog.conf:1: auto_migrate must be yes or no (or true/false, "
                        "on/off, 1/0), not 'maybe'");
    assert_config_error("password_strength = max\n",
                        "microblog.conf:1: password_strength must be minimum, interactive, "
                        "moderate or sensitive, not 'max'");
    assert_config_error("color = blue\n",
                        "microblog.conf:1: color must be auto, always or never, not 'blue'");
    assert_config_error("user =\n", "microblog.conf:1: user has no value");
    assert_config_error("database = ~bob/x.db\n",
                        "microblog.conf:1: database '~bob/x.db': only ~/ is expanded, not ~user/");
}

static void test_messages_do_not_carry_escape_sequences(void **state)
{
    (void)state;
    struct config config;
    struct mb_error err;
    assert_int_equal(load_text("color = \x1b]0;pwned\x07\n", &config, &err), MB_CONFIG);
    assert_null(strchr(err.message, '\x1b'));
    assert_null(strchr(err.message, '\x07'));
    config_free(&config);
}

static void test_malformed_lines(void **state)
{
    (void)state;
    assert_config_error("user = a\njust some words\n",
                        "microblog.conf:2: malformed line (expected 'key = value' or '[microblog]')");
    assert_config_error("[microblog\nuser = a\n",
                        "microblog.conf:1: malformed line (expected 'key = value' or '[microblog]')");
    /* The earliest problem is the one reported, whichever kind it is. */
    assert_config_error("\nnonsense\ncolour = x\n",
                        "microblog.conf:2: malformed line (expected 'key = value' or '[microblog]')");
    assert_config_error("colour = x\nnonsense\n", "microblog.conf:1: unknown key 'colour'");
}

static void test_unknown_section(void **state)
{
    (void)state;
    assert_config_error("user = a\n[server]\nport = 80\n",
                        "microblog.conf:2: unknown section 'server' (only [microblog])");
    /* Even an empty one. */
    assert_config_error("user = a\n\n[extra]\n",
                        "microblog.conf:3: unknown section 'extra' (only [microblog])");
}

static void test_long_lines_and_nul_bytes(void **state)
{
    struct fixture *f = *state;
    char text[400];
    memset(text, 'x', sizeof text);
    memcpy(text, "user = ", 7);
    text[sizeof text - 1] = '\0';
    char expected[128];
    struct config config;
    struct mb_error err;
    assert_int_equal(load_text(text, &config, &err), MB_CONFIG);
    snprintf(expected, sizeof expected, "microblog.conf:1: line too long");
    assert_memory_equal(err.message, expected, strlen(expected));
    config_free(&config);

    char *path = write_file(f, "nul.conf", "user = a\nuser = b\0c\n", 20);
    config_defaults(&config);
    assert_int_equal(config_load_file(&config, path, &err), MB_CONFIG);
    snprintf(expected, sizeof expected, "%s:2: NUL byte in line", path);
    assert_string_equal(err.message, expected);
    config_free(&config);
    free(path);
}

static void test_a_failed_load_changes_nothing(void **state)
{
    (void)state;
    struct config config;
    struct mb_error err;
    config_defaults(&config);
    assert_int_equal(config_load_string(&config, "user = kept\n", "a.conf", &err), MB_OK);
    assert_int_equal(config_load_string(&config, "user = lost\ncolor = never\nbad\n", "b.conf", &err),
                     MB_CONFIG);
    assert_string_equal(config.user, "kept");
    assert_int_equal(config.color, CONFIG_COLOR_AUTO);
    config_free(&config);
}

static void test_home_is_expanded_in_database(void **state)
{
    struct fixture *f = *state;
    struct config config;
    struct mb_error err;
    assert_int_equal(load_text("database = ~/notes/journal.db\n", &config, &err), MB_OK);
    char *expected = in_dir(f, "notes/journal.db");
    assert_string_equal(config.database, expected);
    free(expected);
    config_free(&config);
}

static void load(const char *explicit_path, struct config *config, enum mb_status expected,
                 struct mb_error *err)
{
    memset(err, 0, sizeof *err);
    assert_int_equal(config_load(config, explicit_path, err), expected);
}

static void test_precedence_of_config_files(void **state)
{
    struct fixture *f = *state;
    struct config config;
    struct mb_error err;
    char *xdg = in_dir(f, "xdg");
    setenv("XDG_CONFIG_HOME", xdg, 1);
    char *home_file = write_text(f, ".config/microblog/microblog.conf", "user = from_home\n");
    char *xdg_file = write_text(f, "xdg/microblog/microblog.conf", "user = from_xdg\n");
    char *env_file = write_text(f, "env.conf", "user = from_env\n");
    char *explicit_file = write_text(f, "explicit.conf", "user = from_explicit\n");

    /* --config beats everything. */
    setenv("MICROBLOG_CONFIG", env_file, 1);
    load(explicit_file, &config, MB_OK, &err);
    assert_string_equal(config.user, "from_explicit");
    assert_string_equal(config.source, explicit_file);
    config_free(&config);

    /* Then $MICROBLOG_CONFIG. */
    load(NULL, &config, MB_OK, &err);
    assert_string_equal(config.user, "from_env");
    assert_string_equal(config.source, env_file);
    config_free(&config);

    /* Then $XDG_CONFIG_HOME/microblog/microblog.conf. */
    unsetenv("MICROBLOG_CONFIG");
    load(NULL, &config, MB_OK, &err);
    assert_string_equal(config.user, "from_xdg");
    assert_string_equal(config.source, xdg_file);
    config_free(&config);

    /* Then ~/.config/microblog/microblog.conf (a relative XDG_CONFIG_HOME
     * is ignored, as the XDG specification says). */
    setenv("XDG_CONFIG_HOME", "relative/dir", 1);
    load(NULL, &config, MB_OK, &err);
    assert_string_equal(config.user, "from_home");
    config_free(&config);
    unsetenv("XDG_CONFIG_HOME");
    load(NULL, &config, MB_OK, &err);
    assert_string_equal(config.user, "from_home");
    assert_string_equal(config.source, home_file);
    config_free(&config);

    /* Then the built-in defaults: a missing default file is fine. */
    assert_int_equal(unlink(home_file), 0);
    load(NULL, &config, MB_OK, &err);
    assert_is_defaults(&config, "tester");
    assert_null(config.source);
    config_free(&config);

    free(xdg);
    free(home_file);
    free(xdg_file);
    free(env_file);
    free(explicit_file);
}

static void test_missing_named_file_is_an_error(void **state)
{
    struct fixture *f = *state;
    struct config config;
    struct mb_error err;
    char *missing = in_dir(f, "missing.conf");
    char expected[256];
    snprintf(expected, sizeof expected, "%s: No such file or directory", missing);

    load(missing, &config, MB_CONFIG, &err);
    assert_string_equal(err.message, expected);
    assert_is_defaults(&config, "tester");
    config_free(&config);

    setenv("MICROBLOG_CONFIG", missing, 1);
    load(NULL, &config, MB_CONFIG, &err);
    assert_string_equal(err.message, expected);
    config_free(&config);

    load("", &config, MB_CONFIG, &err);
    config_free(&config);

    /* A directory is not a configuration file either. */
    load(f->dir, &config, MB_CONFIG, &err);
    config_free(&config);
    free(missing);
}

static void test_broken_default_file_is_an_error(void **state)
{
    struct fixture *f = *state;
    struct config config;
    struct mb_error err;
    char *path = write_text(f, ".config/microblog/microblog.conf", "user = x\ncolour = red\n");
    char expected[256];
    snprintf(expected, sizeof expected, "%s:2: unknown key 'colour'", path);
    load(NULL, &config, MB_CONFIG, &err);
    assert_string_equal(err.message, expected);
    assert_is_defaults(&config, "tester"); /* on failure: the defaults */
    config_free(&config);
    free(path);
}

static void test_example_config_changes_nothing(void **state)
{
    (void)state;
    const char *root = getenv("MB_ROOT");
    char path[4096];
    snprintf(path, sizeof path, "%s/microblog.conf", root != NULL ? root : ".");
    if (access(path, R_OK) != 0)
        skip();
    struct config config;
    struct mb_error err = {{0}};
    config_defaults(&config);
    if (config_load_file(&config, path, &err) != MB_OK)
        fail_msg("%s", err.message);
    assert_is_defaults(&config, "tester");
    config_free(&config);

    /* Every key it documents, uncommented, is accepted as written. */
    FILE *file = fopen(path, "r");
    assert_non_null(file);
    char line[512];
    size_t keys = 0;
    config_defaults(&config);
    while (fgets(line, sizeof line, file) != NULL) {
        char key[64];
        if (sscanf(line, "# %63[a-z_] = ", key) == 1 && strchr(line, '=') != NULL) {
            if (config_load_string(&config, line + 2, path, &err) != MB_OK)
                fail_msg("%s", err.message);
            keys++;
        }
    }
    fclose(file);
    assert_int_equal(keys, 9);
    config_free(&config);
}

static char *database_path(const struct config *config, const char *cli_db, enum mb_status expected,
                           struct mb_error *err)
{
    char *path = NULL;
    memset(err, 0, sizeof *err);
    assert_int_equal(config_database_path(config, cli_db, &path, err), expected);
    return path;
}

static void test_precedence_of_database_paths(void **state)
{
    struct fixture *f = *state;
    struct config config;
    struct mb_error err;
    char *path;
    config_defaults(&config);
    config.database = strdup("/from/config.db");
    setenv("DATABASE_URL", "sqlite:////from/env.db", 1);

    path = database_path(&config, "cli.db", MB_OK, &err);
    assert_string_equal(path, "cli.db");
    free(path);

    path = database_path(&config, NULL, MB_OK, &err);
    assert_string_equal(path, "/from/env.db");
    free(path);

    unsetenv("DATABASE_URL");
    path = database_path(&config, NULL, MB_OK, &err);
    assert_string_equal(path, "/from/config.db");
    free(path);

    free(config.database);
    config.database = NULL;
    setenv("XDG_DATA_HOME", "/data", 1);
    path = database_path(&config, NULL, MB_OK, &err);
    assert_string_equal(path, "/data/microblog/microblog.db");
    free(path);

    unsetenv("XDG_DATA_HOME");
    path = database_path(&config, NULL, MB_OK, &err);
    char *expected = in_dir(f, ".local/share/microblog/microblog.db");
    assert_string_equal(path, expected);
    free(expected);
    free(path);

    /* An empty DATABASE_URL counts as unset. */
    setenv("DATABASE_URL", "", 1);
    path = database_path(&config, NULL, MB_OK, &err);
    assert_non_null(strstr(path, "/.local/share/microblog/microblog.db"));
    free(path);

    /* A bad DATABASE_URL is an error even when the config names a file. */
    config.database = strdup("/from/config.db");
    setenv("DATABASE_URL", "mysql://localhost/microblog", 1);
    path = database_path(&config, NULL, MB_UNSUPPORTED, &err);
    assert_null(path);
    /* A server's URL wins over the config's file, kept whole for libpq. */
    setenv("DATABASE_URL", "postgresql://localhost/microblog", 1);
    path = database_path(&config, NULL, MB_OK, &err);
    assert_string_equal(path, "postgresql://localhost/microblog");
    free(path);
    config_free(&config);
}

static void assert_url(const char *url, const char *expected_path)
{
    char *path = NULL;
    struct mb_error err = {{0}};
    if (config_parse_database_url(url, &path, &err) != MB_OK)
        fail_msg("%s: %s", url, err.message);
    assert_string_equal(path, expected_path);
    free(path);
}

static void assert_url_refused(const char *url, enum mb_status status, const char *message)
{
    char *path = (char *)"untouched";
    struct mb_error err = {{0}};
    assert_int_equal(config_parse_database_url(url, &path, &err), status);
    assert_null(path);
    if (message != NULL)
        assert_string_equal(err.message, message);
    else
        assert_true(err.message[0] != '\0');
}

static void test_database_url_forms(void **state)
{
    (void)state;
    assert_url("sqlite:////abs/path/app.db", "/abs/path/app.db");
    assert_url("sqlite:///rel/path/app.db", "rel/path/app.db");
    assert_url("sqlite:///app.db", "app.db");
    assert_url("SQLite:///app.db", "app.db");
    assert_url("sqlite+pysqlite:////abs/app.db", "/abs/app.db");
    assert_url("/plain/path.db", "/plain/path.db");
    assert_url("plain.db", "plain.db");
    assert_url("./odd://name.db", "./odd://name.db");

    /* PostgreSQL URLs are kept whole for libpq. */
    assert_url("postgresql://user:secret@localhost/microblog",
               "postgresql://user:secret@localhost/microblog");
    assert_url("postgres://localhost:5433/db?sslmode=disable",
               "postgres://localhost:5433/db?sslmode=disable");
    assert_url_refused("postgresql+psycopg2://localhost/db", MB_UNSUPPORTED,
                       "DATABASE_URL scheme 'postgresql+psycopg2' is not supported (sqlite or "
                       "postgresql)");
    assert_url_refused("mysql://localhost/db", MB_UNSUPPORTED,
                       "DATABASE_URL scheme 'mysql' is not supported (sqlite or postgresql)");
    assert_url_refused("sqlite://", MB_UNSUPPORTED,
                       "DATABASE_URL 'sqlite://' is an in-memory database, which is not supported");
    assert_url_refused("sqlite:///:memory:", MB_UNSUPPORTED, NULL);
    assert_url_refused("sqlite:///", MB_UNSUPPORTED, NULL);
    assert_url_refused("sqlite://host/app.db", MB_INVALID, NULL);
    assert_url_refused("sqlite:///app.db?mode=ro", MB_UNSUPPORTED, NULL);
    assert_url_refused("", MB_INVALID, NULL);
}

static void test_parent_directories_are_private(void **state)
{
    struct fixture *f = *state;
    struct mb_error err = {{0}};
    char *db = in_dir(f, "a/b//c/microblog.db");
    assert_int_equal(config_make_parent_dirs(db, &err), MB_OK);
    assert_int_equal(config_make_parent_dirs(db, &err), MB_OK); /* again: nothing to do */

    static const char *const made[] = {"a", "a/b", "a/b/c"};
    for (size_t i = 0; i < 3; i++) {
        char *dir = in_dir(f, made[i]);
        struct stat st;
        assert_int_equal(stat(dir, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(st.st_mode & 0777, 0700);
        free(dir);
    }
    struct stat st;
    assert_int_not_equal(stat(db, &st), 0); /* the file itself is not created */
    free(db);

    assert_int_equal(config_make_parent_dirs("bare.db", &err), MB_OK);
    assert_int_equal(config_make_parent_dirs("/bare.db", &err), MB_OK);

    char *blocker = write_text(f, "file", "x");
    char *under = in_dir(f, "file/sub/microblog.db");
    assert_int_not_equal(config_make_parent_dirs(under, &err), MB_OK);
    assert_non_null(strstr(err.message, "file"));
    free(blocker);
    free(under);
}

int main(void)
{
#define TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        TEST(test_defaults),
        TEST(test_every_key),
        TEST(test_section_and_indentation),
        TEST(test_boolean_and_choice_spellings),
        TEST(test_unknown_key_names_file_and_line),
        TEST(test_bad_values_name_file_and_line),
        TEST(test_messages_do_not_carry_escape_sequences),
        TEST(test_malformed_lines),
        TEST(test_unknown_section),
        TEST(test_long_lines_and_nul_bytes),
        TEST(test_a_failed_load_changes_nothing),
        TEST(test_home_is_expanded_in_database),
        TEST(test_precedence_of_config_files),
        TEST(test_missing_named_file_is_an_error),
        TEST(test_broken_default_file_is_an_error),
        TEST(test_example_config_changes_nothing),
        TEST(test_precedence_of_database_paths),
        TEST(test_database_url_forms),
        TEST(test_parent_directories_are_private),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
