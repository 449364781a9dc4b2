/* Configuration: the microblog.conf keys (parsed with inih), where the
 * config file is found, and where the database is. */
#ifndef CORE_CONFIG_H
#define CORE_CONFIG_H

#include <stdbool.h>

#include "core/crypto.h"
#include "core/status.h"

enum config_color { CONFIG_COLOR_AUTO, CONFIG_COLOR_ALWAYS, CONFIG_COLOR_NEVER };

struct config {
    char *database;            /* `database` key, or NULL */
    char *user;                /* default author: `user` key, else $USER, else "me" */
    int busy_timeout_ms;       /* default 5000 */
    bool auto_migrate;         /* default true */
    enum crypto_strength password_strength; /* default interactive */
    enum config_color color;   /* default auto (NO_COLOR honoured by the TUI) */
    int refresh_ms;            /* TUI live-update poll interval, default 500 */
    char *source;              /* the file read, or NULL for defaults only */
    char *admins;              /* `admins`: usernames separated by commas/blanks */
    char *admin_group;         /* `admin_group`: members of this Unix group are admins */
};

/* Fills *config with the built-in defaults. Free with config_free(). */
void config_defaults(struct config *config);

/* Frees the strings inside config (not config itself). NULL is a no-op. */
void config_free(struct config *config);

/* Loads configuration into *config (which config_load first sets to the
 * defaults), choosing the file as: explicit_path (--config) >
 * $MICROBLOG_CONFIG > $XDG_CONFIG_HOME/microblog/microblog.conf (default
 * ~/.config/microblog/microblog.conf) > defaults only. A missing default
 * file is fine; a named file that is missing, an unknown section or key,
 * a bad value or a malformed line is MB_CONFIG with "FILE:LINE: what"
 * in err. On failure *config holds the defaults and must still be freed. */
enum mb_status config_load(struct config *config, const char *explicit_path,
                           struct mb_error *err);

/* Loads one file into *config over the values it already has (used by
 * config_load and by the tests / fuzzer). All or nothing: on failure
 * *config is unchanged. Sets config->source to path on success. */
enum mb_status config_load_file(struct config *config, const char *path,
                                struct mb_error *err);

/* Parses configuration text held in memory (name is used in messages).
 * All or nothing, as config_load_file. Lines are at most 199 bytes (inih's
 * INI_MAX_LINE); leading blanks are ignored, so there are no continuation
 * lines; a `database` value starting with ~/ is expanded to $HOME. */
enum mb_status config_load_string(struct config *config, const char *text,
                                  const char *name, struct mb_error *err);

/* Decides the database path: cli_db (--db) > $DATABASE_URL > config's
 * `database` > $XDG_DATA_HOME/microblog/microblog.db (default
 * ~/.local/share/microblog/microblog.db). DATABASE_URL is read as
 * SQLAlchemy does: sqlite:////abs/path, sqlite:///rel/path, or a plain
 * path, or a postgresql:// / postgres:// URL kept as it is; any other
 * scheme is MB_UNSUPPORTED.
 * Stores a newly allocated path in *out (caller frees). */
enum mb_status config_database_path(const struct config *config,
                                    const char *cli_db, char **out,
                                    struct mb_error *err);

/* True for a PostgreSQL URL (postgresql:// or postgres://), which names a
 * server's database rather than a file. */
bool config_is_server_url(const char *name);

/* The one check every database name goes through, wherever it came from
 * (what: "--db", "DATABASE_URL", "database"): refuses an empty name,
 * ":memory:" and SQLite URI names ("file:..."), which would lose every
 * post or create stray files, with MB_INVALID and a message naming it. */
enum mb_status config_check_database_name(const char *name, const char *what,
                                          struct mb_error *err);

/* True when username is exactly in the `admins` list (case counts: the
 * login "ALICE" is not the admin "alice"). */
bool config_names_admin(const struct config *config, const char *username);

/* A database name as a source gives it (what: "--db", "database", "db
 * copy", ... for messages): a plain path, a sqlite:// URL as SQLAlchemy
 * reads it, or a postgresql:// / postgres:// URL kept whole; any other
 * scheme is MB_UNSUPPORTED. A newly allocated name in *out (NULL on
 * failure). */
enum mb_status config_parse_database_name(const char *name, const char *what, char **out,
                                          struct mb_error *err);

/* Parses a DATABASE_URL-style value into a newly allocated path. In-memory
 * URLs (sqlite://, sqlite:///:memory:) and query parameters are
 * MB_UNSUPPORTED, a URL naming a host MB_INVALID; *out is NULL on failure. */
enum mb_status config_parse_database_url(const char *url, char **out,
                                         struct mb_error *err);

/* Creates every missing directory leading to file path with mode 0700
 * (existing ones are left as they are). MB_DENIED or MB_IO on failure,
 * with the directory named in err. */
enum mb_status config_make_parent_dirs(const char *path, struct mb_error *err);

#endif
