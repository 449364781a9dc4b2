/* Configuration: the keys of microblog.conf (one table, each with its
 * parser), where the file is looked for, and where the database lives.
 * inih does the INI syntax; we feed it lines through our own reader so
 * that every message can name FILE:LINE exactly (inih's handler is not
 * told the line), lines are stripped of leading blanks (so that inih never
 * reads an indented key as the continuation of the previous value), and
 * sections, over-long lines and NUL bytes are checked where inih would
 * pass them silently. A file is applied all or nothing: on any error the
 * configuration is left as it was. */
#include "core/config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "core/text.h"
#include "core/trust.h"
#include "core/xalloc.h"

#define SECTION_NAME "microblog"
/* A configuration file is a few hundred bytes; anything this big is a
 * mistake (a database given as --config, say), not a configuration. */
#define MAX_FILE_SIZE (1024 * 1024)
/* How much of a bad value a message quotes. */
#define QUOTE_COLS 48

/* The state of one parse: the text, the reader's position, and the first
 * error found by the reader or the key handlers. */
struct parse {
    struct config *config;
    const char *name;
    const char *text;
    size_t length;
    size_t offset;
    int line;
    int error_line;
    char error[400];
};

static void parse_error(struct parse *parse, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static void parse_error(struct parse *parse, const char *format, ...)
{
    va_list args;

    /* Lines come in order: the first error recorded is the earliest. */
    if (parse->error_line != 0)
        return;
    parse->error_line = parse->line;
    va_start(args, format);
    vsnprintf(parse->error, sizeof parse->error, format, args);
    va_end(args);
}

/* A value as it may appear in a message: sanitized (a hostile file must
 * not write escape sequences to the terminal) and shortened. */
static char *quote(const char *value)
{
    char *clean = text_sanitize(value, strlen(value), 0);
    size_t clean_len = strlen(clean);
    size_t fit = text_fit(clean, clean_len, QUOTE_COLS, NULL);

    if (fit < clean_len) {
        char *shortened = xasprintf("%.*s...", (int)fit, clean);
        free(clean);
        return shortened;
    }
    return clean;
}

static const char *home_directory(void)
{
    const char *home = getenv("HOME");
    if (home != NULL && home[0] != '\0')
        return home;
    struct passwd *pw = getpwuid(getuid());
    if (pw != NULL && pw->pw_dir != NULL && pw->pw_dir[0] != '\0')
        return pw->pw_dir;
    return NULL;
}

/* ---- values ----------------------------------------------------------- */

static bool parse_int_in_range(const char *value, int min, int max, int *out)
{
    char *end;
    long v;

    if (value[0] < '0' || value[0] > '9')
        return false;
    errno = 0;
    v = strtol(value, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = (int)v;
    return true;
}

static bool parse_boolean(const char *value, bool *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};

    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(value, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(value, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* The index of value in a NULL-terminated list of names, or -1. */
static int parse_choice(const char *value, const char *const *names)
{
    for (int i = 0; names[i] != NULL; i++)
        if (strcasecmp(value, names[i]) == 0)
            return i;
    return -1;
}

static const char *const strength_names[] = {
    [CRYPTO_STRENGTH_MINIMUM] = "minimum",
    [CRYPTO_STRENGTH_INTERACTIVE] = "interactive",
    [CRYPTO_STRENGTH_MODERATE] = "moderate",
    [CRYPTO_STRENGTH_SENSITIVE] = "sensitive",
    NULL,
};

static const char *const color_names[] = {
    [CONFIG_COLOR_AUTO] = "auto",
    [CONFIG_COLOR_ALWAYS] = "always",
    [CONFIG_COLOR_NEVER] = "never",
    NULL,
};

/* Expands a leading "~/" (or a lone "~") to the home directory. */
static char *expand_home(struct parse *parse, const char *value)
{
    if (value[0] != '~')
        return xstrdup(value);
    if (value[1] != '\0' && value[1] != '/') {
        char *q = quote(value);
        parse_error(parse, "database '%s': only ~/ is expanded, not ~user/", q);
        free(q);
        return NULL;
    }
    const char *home = home_directory();
    if (home == NULL) {
        parse_error(parse, "database: cannot expand ~ (no home directory)");
        return NULL;
    }
    return xasprintf("%s%s", home, value + 1);
}

/* ---- the keys --------------------------------------------------------- */

/* Each setter checks value and stores it, or records why not and returns
 * false. value is never empty (checked before). */
typedef bool option_setter(struct parse *parse, const char *key, const char *value);

static bool set_database(struct parse *parse, const char *key, const char *value)
{
    (void)key;
    char *path = expand_home(parse, value);
    if (path == NULL)
        return false;
    free(parse->config->database);
    parse->config->database = path;
    return true;
}

static bool set_user(struct parse *parse, const char *key, const char *value)
{
    (void)key;
    free(parse->config->user);
    parse->config->user = xstrdup(value);
    return true;
}

static bool set_busy_timeout(struct parse *parse, const char *key, const char *value)
{
    if (parse_int_in_range(value, 0, 600000, &parse->config->busy_timeout_ms))
        return true;
    char *q = quote(value);
    parse_error(parse, "%s must be a number of milliseconds from 0 to 600000, not '%s'", key, q);
    free(q);
    return false;
}

static bool set_refresh(struct parse *parse, const char *key, const char *value)
{
    if (parse_int_in_range(value, 50, 60000, &parse->config->refresh_ms))
        return true;
    char *q = quote(value);
    parse_error(parse, "%s must be a number of milliseconds from 50 to 60000, not '%s'", key, q);
    free(q);
    return false;
}

static bool set_auto_migrate(struct parse *parse, const char *key, const char *value)
{
    if (parse_boolean(value, &parse->config->auto_migrate))
        return true;
    char *q = quote(value);
    parse_error(parse, "%s must be yes or no (or true/false, on/off, 1/0), not '%s'", key, q);
    free(q);
    return false;
}

static bool set_password_strength(struct parse *parse, const char *key, const char *value)
{
    int choice = parse_choice(value, strength_names);
    if (choice >= 0) {
        parse->config->password_strength = (enum crypto_strength)choice;
        return true;
    }
    char *q = quote(value);
    parse_error(parse, "%s must be minimum, interactive, moderate or sensitive, not '%s'", key, q);
    free(q);
    return false;
}

static bool set_color(struct parse *parse, const char *key, const char *value)
{
    int choice = parse_choice(value, color_names);
    if (choice >= 0) {
        parse->config->color = (enum config_color)choice;
        return true;
    }
    char *q = quote(value);
    parse_error(parse, "%s must be auto, always or never, not '%s'", key, q);
    free(q);
    return false;
}

/* A list of names, separated by commas and/or blanks. */
static bool set_admins(struct parse *parse, const char *key, const char *value)
{
    for (const char *p = value; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            parse_error(parse, "%s: control character in the list of names", key);
            return false;
        }
    }
    free(parse->config->admins);
    parse->config->admins = xstrdup(value);
    return true;
}

static bool set_admin_group(struct parse *parse, const char *key, const char *value)
{
    for (const char *p = value; *p != '\0'; p++) {
        if (*p == ' ' || *p == ',' || *p == ':' || (unsigned char)*p < 0x20) {
            char *q = quote(value);
            parse_error(parse, "%s must be one Unix group name, not '%s'", key, q);
            free(q);
            return false;
        }
    }
    free(parse->config->admin_group);
    parse->config->admin_group = xstrdup(value);
    return true;
}

static const struct option {
    const char *name;
    option_setter *set;
} options[] = {
    {.name = "database", .set = set_database},
    {.name = "user", .set = set_user},
    {.name = "busy_timeout_ms", .set = set_busy_timeout},
    {.name = "auto_migrate", .set = set_auto_migrate},
    {.name = "password_strength", .set = set_password_strength},
    {.name = "color", .set = set_color},
    {.name = "refresh_ms", .set = set_refresh},
    {.name = "admins", .set = set_admins},
    {.name = "admin_group", .set = set_admin_group},
};

/* inih's handler: returns 0 (an error at this line) or 1. */
static int handle_key(void *user, const char *section, const char *name, const char *value)
{
    struct parse *parse = user;

    if (section[0] != '\0' && strcmp(section, SECTION_NAME) != 0) {
        /* Already reported by the reader at the section's own line. */
        parse_error(parse, "key outside the [" SECTION_NAME "] section");
        return 0;
    }
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        if (strcmp(name, options[i].name) != 0)
            continue;
        if (value[0] == '\0') {
            parse_error(parse, "%s has no value", name);
            return 0;
        }
        return options[i].set(parse, name, value) ? 1 : 0;
    }
    char *q = quote(name);
    parse_error(parse, "unknown key '%s'", q);
    free(q);
    return 0;
}

/* inih's reader: hands out one line at a time from parse->text, counting
 * lines (so parse->line is the line inih is working on), and checks what
 * inih would accept or mangle silently. */
static char *read_line(char *buffer, int size, void *stream)
{
    struct parse *parse = stream;
    const char *start, *newline;
    size_t length;

    if (parse->offset >= parse->length || size < 2)
        return NULL;
    start = parse->text + parse->offset;
    newline = memchr(start, '\n', parse->length - parse->offset);
    length = newline != NULL ? (size_t)(newline - start) : parse->length - parse->offset;
    parse->offset += length + (newline != NULL ? 1 : 0);
    parse->line++;

    if (parse->line == 1 && length >= 3 && memcmp(start, "\xEF\xBB\xBF", 3) == 0) {
        start += 3;
        length -= 3;
    }
    while (length > 0 && (*start == ' ' || *start == '\t')) {
        start++;
        length--;
    }
    if (memchr(start, '\0', length) != NULL)
        parse_error(parse, "NUL byte in line");
    if (length > (size_t)size - 1) {
        parse_error(parse, "line too long (more than %d bytes)", size - 1);
        length = (size_t)size - 1;
    }
    memcpy(buffer, start, length);
    buffer[length] = '\0';

    /* inih calls the handler for keys only, so an empty unknown section
     * would go unnoticed; its name is what inih will see (untrimmed). */
    if (buffer[0] == '[') {
        char *end = strchr(buffer, ']');
        if (end != NULL) {
            *end = '\0';
            if (strcmp(buffer + 1, SECTION_NAME) != 0) {
                char *q = quote(buffer + 1);
                parse_error(parse, "unknown section '%s' (only [" SECTION_NAME "])", q);
                free(q);
            }
            *end = ']';
        }
    }
    return buffer;
}

static char *copy_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

/* Parses text[0..length) over a copy of *config, replacing *config only
 * when the whole text is valid. */
static enum mb_status parse_text(struct config *config, const char *text, size_t length,
                                 const char *name, struct mb_error *err)
{
    struct config draft = *config;
    struct parse parse = {
        .config = &draft,
        .name = name,
        .text = text,
        .length = length,
    };
    enum mb_status status = MB_OK;

    draft.database = copy_or_null(config->database);
    draft.user = copy_or_null(config->user);
    draft.source = copy_or_null(config->source);
    draft.admins = copy_or_null(config->admins);
    draft.admin_group = copy_or_null(config->admin_group);

    int first_bad_line = ini_parse_stream(read_line, &parse, handle_key, &parse);
    if (first_bad_line < 0) {
        status = mb_fail(err, MB_NOMEM, "%s: out of memory while parsing", name);
        goto out;
    }
    /* inih reports the first line it or a handler rejected; the reader and
     * the handlers recorded their own first error. The earlier one wins,
     * and an inih error at a line we have no message for is syntax. */
    if (parse.error_line != 0 && (first_bad_line == 0 || parse.error_line <= first_bad_line)) {
        status = mb_fail(err, MB_CONFIG, "%s:%d: %s", name, parse.error_line, parse.error);
        goto out;
    }
    if (first_bad_line > 0) {
        status = mb_fail(err, MB_CONFIG,
                         "%s:%d: malformed line (expected 'key = value' or '[" SECTION_NAME "]')",
                         name, first_bad_line);
        goto out;
    }
    config_free(config);
    *config = draft;
    return MB_OK;
out:
    config_free(&draft);
    return status;
}

/* ---- public API ------------------------------------------------------- */

void config_defaults(struct config *config)
{
    const char *user = getenv("USER");

    *config = (struct config){
        .database = NULL,
        .user = xstrdup(user != NULL && user[0] != '\0' ? user : "me"),
        .busy_timeout_ms = 5000,
        .auto_migrate = true,
        .password_strength = CRYPTO_STRENGTH_INTERACTIVE,
        .color = CONFIG_COLOR_AUTO,
        .refresh_ms = 500,
        .source = NULL,
    };
}

void config_free(struct config *config)
{
    if (config == NULL)
        return;
    free(config->database);
    free(config->user);
    free(config->source);
    free(config->admins);
    free(config->admin_group);
    config->database = NULL;
    config->user = NULL;
    config->source = NULL;
    config->admins = NULL;
    config->admin_group = NULL;
}

enum mb_status config_load_string(struct config *config, const char *text,
                                  const char *name, struct mb_error *err)
{
    if (name == NULL)
        name = "(configuration)";
    if (text == NULL)
        return mb_fail(err, MB_INVALID, "%s: no configuration text", name);
    return parse_text(config, text, strlen(text), name, err);
}

/* Reads path whole into *text. On failure returns the errno value (for
 * config_load to tell a missing default file from a broken one). */
static int read_file(const char *path, char **text, size_t *length)
{
    struct stat st;
    char *buffer = NULL;
    size_t used = 0;
    int error = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return errno;
    if (fstat(fd, &st) != 0) {
        error = errno;
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        error = EISDIR;
        goto out;
    }
    buffer = xmalloc(MAX_FILE_SIZE + 1);
    for (;;) {
        ssize_t n = read(fd, buffer + used, MAX_FILE_SIZE + 1 - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error = errno;
            goto out;
        }
        if (n == 0)
            break;
        used += (size_t)n;
        if (used > MAX_FILE_SIZE) {
            error = EFBIG;
            goto out;
        }
    }
    buffer[used] = '\0';
    *text = buffer;
    *length = used;
    buffer = NULL;
out:
    free(buffer);
    close(fd);
    return error;
}

static enum mb_status load_file(struct config *config, const char *path,
                                struct mb_error *err, int *error)
{
    char *text = NULL;
    size_t length = 0;

    /* A configuration that others can change can redirect the database. */
    *error = 0;
    enum mb_status trusted = trust_check_path(path, TRUST_NO_GROUP, err);
    if (trusted == MB_DENIED)
        return trusted;
    *error = read_file(path, &text, &length);
    if (*error != 0) {
        if (*error == EFBIG)
            return mb_fail(err, MB_CONFIG, "%s: too large for a configuration file", path);
        return mb_fail(err, MB_CONFIG, "%s: %s", path, strerror(*error));
    }
    enum mb_status status = parse_text(config, text, length, path, err);
    free(text);
    if (status == MB_OK) {
        free(config->source);
        config->source = xstrdup(path);
    }
    return status;
}

enum mb_status config_load_file(struct config *config, const char *path,
                                struct mb_error *err)
{
    int error;
    if (path == NULL)
        return mb_fail(err, MB_INVALID, "no configuration file given");
    return load_file(config, path, err, &error);
}

/* $XDG_..._HOME when set to an absolute path (the XDG spec says to ignore
 * a relative one), else HOME/fallback; NULL when there is no home. */
static char *xdg_directory(const char *variable, const char *fallback)
{
    const char *value = getenv(variable);
    if (value != NULL && value[0] == '/')
        return xstrdup(value);
    const char *home = home_directory();
    if (home == NULL)
        return NULL;
    return xasprintf("%s/%s", home, fallback);
}

enum mb_status config_load(struct config *config, const char *explicit_path,
                           struct mb_error *err)
{
    const char *named = explicit_path;
    char *directory = NULL, *path = NULL;
    enum mb_status status = MB_OK;
    int error;

    config_defaults(config);
    if (named != NULL && named[0] == '\0') {
        status = mb_fail(err, MB_CONFIG, "--config needs a file name");
        goto out;
    }
    if (named == NULL) {
        named = getenv("MICROBLOG_CONFIG");
        if (named != NULL && named[0] == '\0')
            named = NULL;
    }
    if (named != NULL) {
        status = load_file(config, named, err, &error);
        goto out;
    }
    directory = xdg_directory("XDG_CONFIG_HOME", ".config");
    if (directory == NULL)
        goto out; /* no home: built-in defaults only */
    path = xasprintf("%s/microblog/microblog.conf", directory);
    status = load_file(config, path, err, &error);
    if (status != MB_OK && (error == ENOENT || error == ENOTDIR))
        status = MB_OK; /* no default file: the defaults are the configuration */
out:
    if (status != MB_OK) {
        config_free(config);
        config_defaults(config);
    }
    free(directory);
    free(path);
    return status;
}

/* The scheme of url when it has the form "scheme://", else 0 length. */
static size_t url_scheme_length(const char *url)
{
    size_t i = 0;

    if (!((url[0] >= 'a' && url[0] <= 'z') || (url[0] >= 'A' && url[0] <= 'Z')))
        return 0;
    while ((url[i] >= 'a' && url[i] <= 'z') || (url[i] >= 'A' && url[i] <= 'Z') ||
           (url[i] >= '0' && url[i] <= '9') || url[i] == '+' || url[i] == '-' || url[i] == '.')
        i++;
    return strncmp(url + i, "://", 3) == 0 ? i : 0;
}

/* A database name as --db, DATABASE_URL or the config's `database` gives
 * it (what names the source in messages): a plain path, a sqlite:// URL as
 * SQLAlchemy reads it, or a PostgreSQL URL kept whole; any other scheme is
 * refused, so that no URL is ever taken for a path (and its password for
 * directory names). */
enum mb_status config_parse_database_name(const char *url, const char *what, char **out,
                                          struct mb_error *err)
{
    size_t scheme = url != NULL ? url_scheme_length(url) : 0;

    *out = NULL;
    if (url == NULL || url[0] == '\0')
        return mb_fail(err, MB_INVALID, "%s: the database name is empty", what);
    if (scheme == 0) {
        *out = xstrdup(url); /* a plain path */
        return MB_OK;
    }
    /* A server: libpq reads the URL itself (user, password, host, port,
     * dbname, ?host=/socket/dir, sslmode, ...). */
    if (config_is_server_url(url)) {
        *out = xstrdup(url);
        return MB_OK;
    }
    /* "sqlite" or "sqlite+driver", as SQLAlchemy names its dialects. */
    if (!((scheme == 6 || (scheme > 6 && url[6] == '+')) && strncasecmp(url, "sqlite", 6) == 0))
        return mb_fail(err, MB_UNSUPPORTED,
                       "%s scheme '%.*s' is not supported (sqlite or postgresql)", what,
                       scheme > 40 ? 40 : (int)scheme, url);
    const char *rest = url + scheme + 3;
    /* SQLAlchemy: sqlite:// and sqlite:///:memory: are in-memory databases,
     * which would lose every post at exit. */
    const char *problem = NULL;
    enum mb_status status = MB_UNSUPPORTED;
    if (rest[0] == '\0' || strcmp(rest, "/") == 0 || strcmp(rest, "/:memory:") == 0) {
        problem = "is an in-memory database, which is not supported";
    } else if (rest[0] != '/') {
        problem = "names a host; use sqlite:////absolute/path or sqlite:///relative/path";
        status = MB_INVALID;
    } else if (strchr(rest, '?') != NULL) {
        problem = "has query parameters, which are not supported";
    }
    if (problem != NULL) {
        char *q = quote(url);
        mb_fail(err, status, "%s '%s' %s", what, q, problem);
        free(q);
        return status;
    }
    /* sqlite:///rel/path is relative, sqlite:////abs/path is absolute:
     * drop the one slash that ends the empty host part. */
    *out = xstrdup(rest + 1);
    return MB_OK;
}

enum mb_status config_parse_database_url(const char *url, char **out,
                                         struct mb_error *err)
{
    return config_parse_database_name(url, "DATABASE_URL", out, err);
}

bool config_is_server_url(const char *name)
{
    /* Exactly as libpq recognises a URL: any other spelling would reach it
     * as a database name, password and all. */
    return name != NULL && (strncmp(name, "postgresql://", 13) == 0 ||
                            strncmp(name, "postgres://", 11) == 0);
}

enum mb_status config_check_database_name(const char *name, const char *what,
                                          struct mb_error *err)
{
    if (name == NULL || name[0] == '\0')
        return mb_fail(err, MB_INVALID, "%s: the database name is empty", what);
    /* SQLite reads these as an in-memory database, or as a URI whose query
     * may make it one: every post would be lost at exit. */
    const char *problem = NULL;
    if (strcmp(name, ":memory:") == 0)
        problem = "is an in-memory database, which would lose every post";
    else if (strncasecmp(name, "file:", 5) == 0)
        problem = "is a SQLite URI, which is not supported (for a file of that name, "
                  "write ./ before it)";
    if (problem == NULL)
        return MB_OK;
    char *q = quote(name);
    mb_fail(err, MB_INVALID, "%s '%s' %s", what, q, problem);
    free(q);
    return MB_INVALID;
}

/* The path, once its name was checked; *out NULL on failure. */
static enum mb_status checked_copy(const char *name, const char *what, char **out,
                                   struct mb_error *err)
{
    enum mb_status status = config_check_database_name(name, what, err);
    *out = status == MB_OK ? xstrdup(name) : NULL;
    return status;
}

enum mb_status config_database_path(const struct config *config,
                                    const char *cli_db, char **out,
                                    struct mb_error *err)
{
    const char *url = getenv("DATABASE_URL");

    *out = NULL;
    const char *name = NULL, *what = NULL;
    if (cli_db != NULL)
        name = cli_db, what = "--db";
    else if (url != NULL && url[0] != '\0')
        name = url, what = "DATABASE_URL";
    else if (config != NULL && config->database != NULL)
        name = config->database, what = "database";
    if (name != NULL) {
        char *path = NULL;
        enum mb_status status = config_parse_database_name(name, what, &path, err);
        if (status == MB_OK)
            status = checked_copy(path, what, out, err);
        free(path);
        return status;
    }
    char *directory = xdg_directory("XDG_DATA_HOME", ".local/share");
    if (directory == NULL)
        return mb_fail(err, MB_CONFIG,
                       "no home directory for the default database; use --db PATH");
    *out = xasprintf("%s/microblog/microblog.db", directory);
    free(directory);
    return MB_OK;
}

enum mb_status config_make_parent_dirs(const char *path, struct mb_error *err)
{
    enum mb_status status = MB_OK;
    char *copy;
    char *slash;

    if (path == NULL)
        return mb_fail(err, MB_INVALID, "no path given");
    copy = xstrdup(path);
    slash = strrchr(copy, '/');
    if (slash == NULL)
        goto out; /* in the current directory */
    *slash = '\0';
    /* Each prefix that ends before a '/', then the whole directory; "a//b"
     * has an empty component, and "/" needs no creating. */
    for (char *p = copy; ; p++) {
        char separator = *p;
        if (separator != '/' && separator != '\0')
            continue;
        *p = '\0';
        if (p > copy && p[-1] != '/' && mkdir(copy, 0700) != 0) {
            int error = errno;
            struct stat st;
            if (error != EEXIST) {
                status = mb_fail(err, error == EACCES || error == EPERM || error == EROFS
                                          ? MB_DENIED : MB_IO,
                                 "cannot create directory '%s': %s", copy, strerror(error));
                goto out;
            }
            if (stat(copy, &st) != 0 || !S_ISDIR(st.st_mode)) {
                status = mb_fail(err, MB_IO, "'%s' exists and is not a directory", copy);
                goto out;
            }
        }
        if (separator == '\0')
            break;
        *p = separator;
    }
out:
    free(copy);
    return status;
}

bool config_names_admin(const struct config *config, const char *username)
{
    if (config->admins == NULL || username == NULL)
        return false;
    size_t length = strlen(username);
    const char *p = config->admins;
    while (*p != '\0') {
        p += strspn(p, ", \t");
        size_t word = strcspn(p, ", \t");
        if (word > 0 && word == length && strncmp(p, username, length) == 0)
            return true;
        p += word;
    }
    return false;
}
