/* The command line's shared machinery: command tables with their help,
 * option parsing, the one-line error convention, opening the store the way
 * every command does (config, database path, migration policy), and the
 * small printing helpers that make sure nothing from the database reaches
 * the terminal unsanitized. Each command group (db, user, post) lives in
 * its own file and exports only its command table. */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/config.h"
#include "core/identity.h"
#include "store/store.h"

#define CLI_PROGRAM "microblog-tui"

/* Exit statuses: success, a failure (one line on stderr), bad usage. */
enum cli_exit {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FAILURE = 1,
    CLI_EXIT_USAGE = 2,
};

/* What the global options and the environment chose; the configuration is
 * loaded on first need, so that `--help` works even with a broken file. */
struct cli_context {
    const char *config_option;  /* --config FILE, or NULL */
    const char *db_option;      /* --db PATH, or NULL */
    struct identity identity;   /* the mode and the person (core/identity) */
    struct config config;
    bool config_loaded;
};

/* One option of a command: "--email" with value name "E", or a flag
 * (value_name NULL). The tables end with an entry whose name is NULL. */
struct cli_option {
    const char *name;
    const char *value_name;
    const char *help;
};

#define CLI_MAX_OPTIONS 16

struct cli_command;

/* A parsed command line: option values indexed like the command's option
 * table (flags that were given hold ""), and the positional arguments. */
struct cli_args {
    const struct cli_command *command;
    const char *path;            /* "user add": the words that chose the command */
    const char *values[CLI_MAX_OPTIONS];
    char **positional;
    int count;
};

/* A command, or a group of subcommands, or both (`post TEXT` beside
 * `post show ID`). run returns the process exit status. */
struct cli_command {
    const char *name;
    const char *synopsis;        /* after the command words, for usage */
    const char *summary;         /* one line for the command list */
    const char *description;     /* extra help text, may be NULL */
    const struct cli_option *options;
    int min_args;
    int max_args;                /* -1: any number */
    int (*run)(struct cli_context *context, const struct cli_args *args);
    const struct cli_command *subcommands;  /* ends with a NULL name */
};

/* Command tables of each group (cli/db.c, cli/user.c, cli/post.c). */
extern const struct cli_command cli_db_commands[];
extern const struct cli_command cli_user_commands[];
extern const struct cli_command cli_post_commands[];
extern const struct cli_command cli_admin_commands[];
/* `db copy URL` (cli/db_copy.c). */
int cli_db_copy_run(struct cli_context *context, const struct cli_args *args);
int cli_post_run(struct cli_context *context, const struct cli_args *args);
int cli_posts_run(struct cli_context *context, const struct cli_args *args);
extern const struct cli_option cli_post_options[];
extern const struct cli_option cli_posts_options[];
int cli_import_run(struct cli_context *context, const struct cli_args *args);
/* follow, unfollow, followers, following, mute, unmute, muted, mentions
 * (cli/social.c). */
int cli_follow_run(struct cli_context *context, const struct cli_args *args);
int cli_unfollow_run(struct cli_context *context, const struct cli_args *args);
int cli_followers_run(struct cli_context *context, const struct cli_args *args);
int cli_following_run(struct cli_context *context, const struct cli_args *args);
int cli_mute_run(struct cli_context *context, const struct cli_args *args);
int cli_unmute_run(struct cli_context *context, const struct cli_args *args);
int cli_muted_run(struct cli_context *context, const struct cli_args *args);
int cli_mentions_run(struct cli_context *context, const struct cli_args *args);
extern const struct cli_option cli_act_options[];
extern const struct cli_option cli_user_list_options[];
extern const struct cli_option cli_muted_options[];
extern const struct cli_option cli_mentions_options[];
/* post show ID (the conversation), post edit ID TEXT (cli/thread.c). */
int cli_post_show_run(struct cli_context *context, const struct cli_args *args);
int cli_post_edit_run(struct cli_context *context, const struct cli_args *args);
extern const struct cli_option cli_post_show_options[];
int cli_export_run(struct cli_context *context, const struct cli_args *args);
extern const struct cli_option cli_import_options[];
extern const struct cli_option cli_export_options[];

/* Finds the command named by argv[0] in table (descending into
 * subcommands), parses its options, handles --help, and runs it. prefix
 * is the words already consumed ("microblog-tui"). Returns the exit
 * status. */
int cli_dispatch(struct cli_context *context, const struct cli_command *table,
                 const char *prefix, int argc, char **argv);

/* Prints the list of commands of table with their summaries to out. */
void cli_print_command_list(FILE *out, const struct cli_command *table, int indent);

/* The value of option name ("--email") in args, NULL when not given. */
const char *cli_option(const struct cli_args *args, const char *name);
bool cli_flag(const struct cli_args *args, const char *name);

/* Prints "microblog-tui: MESSAGE" (sanitized) on stderr; returns
 * CLI_EXIT_FAILURE. */
int cli_fail(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Prints "microblog-tui: MESSAGE" (sanitized) on stderr. */
void cli_print_error_line(const char *message);

/* Prints "microblog-tui: MESSAGE" and the command's usage on stderr;
 * returns CLI_EXIT_USAGE. */
int cli_usage_error(const struct cli_args *args, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Loads the configuration once (an error is printed); returns an exit
 * status. */
int cli_load_config(struct cli_context *context);

/* How a command opens the database. */
enum cli_open_mode {
    CLI_OPEN_DATA,       /* auto-upgrade (or refuse) per auto_migrate */
    CLI_OPEN_INTERACTIVE,/* as DATA, with a small page cache (the TUI) */
    CLI_OPEN_REVISIONS,  /* as it is: the db commands */
};

/* Loads the config, decides the database path, creates its directories
 * and opens the store. migrations may be NULL (the built-in set). On
 * failure prints one line and returns CLI_EXIT_FAILURE with *out NULL. */
int cli_open_store(struct cli_context *context, enum cli_open_mode mode,
                   const struct migration_set *migrations, struct store **out);

/* Asks the store whether its person may take action (see store_authorize)
 * before a command asks for a password or a confirmation; the store checks
 * again when it writes. Prints the refusal; returns an exit status. */
int cli_authorize(struct store *store, enum store_action action, int64_t owner_id);

/* Parses a whole string as a decimal integer in [min, max]. */
bool cli_parse_int64(const char *text, int64_t min, int64_t max, int64_t *out);

/* Writes s through text_sanitize (flags as there) to out. */
void cli_print_clean(FILE *out, const char *s, unsigned flags);

/* Formats epoch seconds as local time ("2026-11-23 20:09", with_seconds:
 * "2026-11-23 20:09:38") into buf; $TZ is honoured. */
void cli_format_local_time(int64_t seconds, bool with_seconds, char *buf, size_t size);

/* Formats epoch seconds as UTC ISO 8601 ("2026-11-23T20:09:38Z"). */
void cli_format_utc_time(int64_t seconds, char *buf, size_t size);

/* Writes s as a JSON string (quotes included): control characters, DEL,
 * C1 controls, U+2028/U+2029 and bidi controls as \uXXXX, invalid UTF-8
 * as U+FFFD, everything else as UTF-8. */
void cli_print_json_string(FILE *out, const char *s);

/* Prints one post as a JSON line: {"id":..,"author":..,"timestamp":..,"body":..}. */
void cli_print_post_json(FILE *out, const struct post *post);

/* Prints one user as a JSON line: {"id":..,"username":..,"about":..,
 * "joined":..,"last_seen":..,"posts":..}, about and last_seen null when
 * there are none, and "followers" and "following" when counts is given. */
struct cli_follow_counts {
    int64_t followers;
    int64_t following;
};
void cli_print_user_json(FILE *out, const struct user *user,
                         const struct cli_follow_counts *counts);

/* Prints a page of posts (cli/post.c): with json as JSON Lines, else for a
 * terminal, one a line: the id, the author (as wide as the widest), local
 * time, what a reply answers ("↳ @bob #12") and the body, "(edited)"
 * after an edited one; with marked_id (0: none) a column where that post
 * has a '>'. */
void cli_print_posts(FILE *out, const struct post_list *page, int64_t marked_id, bool json);

/* Prints at most limit posts that match filter, newest first, older than
 * from (NULL: from the newest), in keyset pages (never holding them all).
 * Returns an exit status (the error printed). */
int cli_list_posts(struct store *store, const struct post_filter *filter,
                   const struct post_cursor *from, int64_t limit, bool json);

/* The text of a post from the command line (cli/post.c): the positional
 * words from first on joined by spaces, or stdin for a lone "-" (refused
 * with --password-stdin), validated. *out newly allocated on success. */
int cli_post_body(const struct cli_args *args, int first, char **out);

/* Parses positional[0] as a post id (a usage error otherwise). */
int cli_post_id(const struct cli_args *args, int64_t *id);

/* Reads post id ("no post N" when missing). Fills *post on success. */
int cli_get_post(struct store *store, int64_t id, struct post *post);

/* ---- the journal (cli/journal.c) -------------------------------------- */

/* `tags`. */
int cli_tags_run(struct cli_context *context, const struct cli_args *args);
extern const struct cli_option cli_tags_options[];

/* Asks author's passphrase for their private entries (a terminal, or a line
 * of stdin with from_stdin), twice when they have none yet; without
 * writing (a listing), an author without entries is refused. An exit
 * status; *passphrase as cli_read_password. */
int cli_private_passphrase(struct store *store, const char *author, int64_t author_id,
                           bool from_stdin, bool writing, char **passphrase);

/* The same for `post --private`, asked before the author is resolved or
 * created (no transaction is open while it is typed): the author is the
 * person in the shared modes, else as or the config's user (one that does
 * not exist yet writes a first entry). */
int cli_private_passphrase_to_write(struct cli_context *context, struct store *store,
                                    const char *as, bool from_stdin, char **passphrase);

/* Unlocks author_id's private entries on store (store_private_unlock);
 * prints the refusal ("wrong passphrase"). An exit status. */
int cli_private_unlock(struct store *store, int64_t author_id, const char *passphrase);

/* ---- who a command acts as (cli/whoami.c) ----------------------------- */

enum cli_who {
    CLI_WHO_VIEWER,  /* a listing: you if you exist (else out->id is 0: nobody) */
    CLI_WHO_READER,  /* reading what is yours: you must exist */
    CLI_WHO_ACTOR,   /* writing as you: you must exist, with your password */
};

/* Decides who the command acts as: in personal mode as (--as NAME) or
 * else the config's `user`, who must exist (except for a viewer) and,
 * for an actor with a password, give it (asked on a terminal, or the first
 * line of stdin with password_stdin); in the shared modes the person (the
 * store refuses --as anyone else). Fills *out (free with store_user_clear)
 * on success; prints the one-line error and returns an exit status. */
int cli_whoami(struct cli_context *context, struct store *store, const char *as,
               bool password_stdin, enum cli_who need, struct user *out);

/* Asks for user's password (a terminal, or stdin with from_stdin); an
 * exit status; *password as cli_read_password. */
int cli_ask_author_password(const struct user *user, bool from_stdin, char **password);

/* After a write as user: records that they were here (store_user_seen). */
int cli_seen(struct store *store, const struct user *user);

/* Finds a user by name (ignoring case) or, failing that, by id when text
 * is a number; "no user 'X'" otherwise. Fills *out on success. */
int cli_find_user(struct store *store, const char *text, struct user *out);

/* Asks question on stderr and reads y/N from stdin (a terminal). */
bool cli_confirm(const char *question);

/* True when stdin is a terminal. */
bool cli_stdin_is_tty(void);

/* Reads a password: with from_stdin one line from stdin; else on a
 * terminal without echo, twice when confirm is set. Returns an exit status
 * (error printed); on success *out is newly allocated (wipe and free with
 * cli_password_free). */
int cli_read_password(bool from_stdin, bool confirm, const char *username, char **out);
/* The same for another secret: what is "password" or "passphrase" (the
 * prompts and messages say it). */
int cli_read_secret(const char *what, bool from_stdin, bool confirm, const char *username,
                    char **out);
void cli_password_free(char *password);

#endif
