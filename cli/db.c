/* `microblog-tui db ...`: the schema revision commands, as `flask db`
 * offers them (upgrade, downgrade, current, history, show, stamp, check,
 * new), and copy (every row into an empty database elsewhere, verified:
 * cli/db_copy.c).
 * They open the database as it is (STORE_MIGRATE_NONE) and, with
 * --migrations DIR, run a migrations directory instead of the revisions
 * built into the binary (for testing a new revision before release). */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/text.h"
#include "core/xalloc.h"

static const struct cli_option migrations_only[] = {
    { "--migrations", "DIR", "use the revisions in DIR instead of the built-in ones" },
    { NULL, NULL, NULL },
};

static const struct cli_option new_options[] = {
    { "--migrations", "DIR", "the migrations directory (default ./migrations/sqlite)" },
    { NULL, NULL, NULL },
};

/* The revisions to use: the built-in set, or --migrations DIR (*owned is
 * then set and must be freed with migration_set_free). */
static int load_migrations(struct cli_context *context, const struct cli_args *args,
                           const struct migration_set **set, struct migration_set **owned)
{
    const char *dir = cli_option(args, "--migrations");
    struct mb_error err = { { 0 } };
    *owned = NULL;
    if (dir == NULL) {
        /* The engine's own revisions: the same numbers and names, each
         * engine's SQL (db show prints what would run). */
        char *path = NULL;
        bool server = cli_load_config(context) == CLI_EXIT_OK &&
                      config_database_path(&context->config, context->db_option, &path,
                                           &err) == MB_OK &&
                      config_is_server_url(path);
        free(path);
        *set = server ? migrations_builtin_postgres() : migrations_builtin();
        return CLI_EXIT_OK;
    }
    /* Revisions the person wrote are SQL run near the shared database. */
    if (context->identity.mode == IDENTITY_SHARED)
        return cli_fail("--migrations is not allowed in shared mode (use an ordinary build "
                        "on a copy of the database)");
    enum mb_status status = migration_set_load_dir(dir, owned, &err);
    if (status != MB_OK)
        return cli_fail("%s", err.message[0] ? err.message : mb_status_message(status));
    *set = *owned;
    return CLI_EXIT_OK;
}

static const char *revision_name(const struct migration_set *set, int revision)
{
    for (size_t i = 0; i < set->count; i++)
        if (set->items[i].revision == revision)
            return set->items[i].name;
    return "(unknown)";
}

/* "0002 posts table", or "base". */
static void format_revision(const struct migration_set *set, int revision, char *buf,
                            size_t size)
{
    if (revision == 0)
        snprintf(buf, size, "base");
    else
        snprintf(buf, size, "%04d %s", revision, revision_name(set, revision));
}

static int head_of(const struct migration_set *set)
{
    return set->count == 0 ? 0 : set->items[set->count - 1].revision;
}

/* REV: "base", "head", or a revision number ("2" or "0002"). A malformed
 * REV is a usage error; a revision the set does not have is a failure. */
static int parse_revision(const struct cli_args *args, const struct migration_set *set,
                          const char *text, bool allow_base, int *out)
{
    int64_t number;
    int head = head_of(set);
    if (strcmp(text, "head") == 0) {
        *out = head;
        return CLI_EXIT_OK;
    }
    if (strcmp(text, "base") == 0) {
        if (!allow_base)
            return cli_usage_error(args, "'base' is not a revision here");
        *out = 0;
        return CLI_EXIT_OK;
    }
    if (text[0] == '-' || !cli_parse_int64(text, 0, 9999, &number))
        return cli_usage_error(args, "invalid revision '%s' (a number, 'head' or 'base')", text);
    if (number == 0 && allow_base) {
        *out = 0;
        return CLI_EXIT_OK;
    }
    if (number < 1 || number > head)
        return cli_fail("unknown revision '%s' (the revisions are 0001 to %04d)", text, head);
    *out = (int)number;
    return CLI_EXIT_OK;
}

/* What a db command that opens the database holds. */
struct db_session {
    struct store *store;
    const struct migration_set *set;
    struct migration_set *owned; /* --migrations DIR, else NULL */
    int current;                 /* the database's revision */
};

/* Loads the revisions (unless session->set is already chosen), opens the
 * database as it is and reads its revision. Unless allow_newer, a database
 * newer than the revisions known is refused: nothing may change it. A
 * command that changes_schema is refused at once to anyone the store does
 * not let migrate (even when there would be nothing to do). On failure the
 * error is printed; db_session_close frees what was opened. */
static int db_session_open(struct cli_context *context, const struct cli_args *args,
                           bool allow_newer, bool changes_schema, struct db_session *session)
{
    int head, status = CLI_EXIT_OK;
    if (session->set == NULL)
        status = load_migrations(context, args, &session->set, &session->owned);
    /* The built-in revisions are the engine's own (the same numbers and
     * names for SQLite and PostgreSQL): the store picks them. */
    if (status == CLI_EXIT_OK)
        status = cli_open_store(context, CLI_OPEN_REVISIONS, session->owned, &session->store);
    if (status == CLI_EXIT_OK)
        session->set = store_migration_set(session->store);
    if (status == CLI_EXIT_OK && changes_schema)
        status = cli_authorize(session->store, STORE_ACTION_MIGRATE, 0);
    if (status != CLI_EXIT_OK)
        return status;
    if (store_revision(session->store, &session->current, &head) != MB_OK)
        return cli_fail("%s", store_error(session->store));
    if (!allow_newer && session->current > head_of(session->set))
        return cli_fail("the database is at revision %04d, newer than this program knows "
                        "(head %04d): refusing to touch it",
                        session->current, head_of(session->set));
    return CLI_EXIT_OK;
}

static void db_session_close(struct db_session *session)
{
    store_close(session->store);
    migration_set_free(session->owned);
}

static int db_upgrade(struct cli_context *context, const struct cli_args *args)
{
    struct db_session session = { 0 };
    int target;
    char label[200];
    int status = db_session_open(context, args, false, true, &session);
    if (status != CLI_EXIT_OK)
        goto out;
    target = head_of(session.set);
    if (args->count > 0) {
        status = parse_revision(args, session.set, args->positional[0], true, &target);
        if (status != CLI_EXIT_OK)
            goto out;
    }
    if (target < session.current) {
        char wanted[200];
        format_revision(session.set, session.current, label, sizeof label);
        format_revision(session.set, target, wanted, sizeof wanted);
        status = cli_fail("the database is at %s, past %s: use 'db downgrade'", label, wanted);
        goto out;
    }
    if (target == session.current) {
        format_revision(session.set, session.current, label, sizeof label);
        printf("already at %s%s\n", label,
               session.current == head_of(session.set) ? " (head)" : "");
        goto out;
    }
    if (store_upgrade(session.store, target, NULL) != MB_OK) {
        status = cli_fail("%s", store_error(session.store));
        goto out;
    }
    for (int revision = session.current + 1; revision <= target; revision++) {
        format_revision(session.set, revision, label, sizeof label);
        fputs("upgraded to ", stdout);
        cli_print_clean(stdout, label, 0);
        printf("%s\n", revision == head_of(session.set) ? " (head)" : "");
    }
out:
    db_session_close(&session);
    return status;
}

static int db_downgrade(struct cli_context *context, const struct cli_args *args)
{
    struct db_session session = { 0 };
    int target;
    char label[200];
    int status = db_session_open(context, args, false, true, &session);
    if (status != CLI_EXIT_OK)
        goto out;
    target = session.current - 1;
    if (args->count > 0) {
        status = parse_revision(args, session.set, args->positional[0], true, &target);
        if (status != CLI_EXIT_OK)
            goto out;
    }
    if (session.current == 0 && args->count == 0) {
        status = cli_fail("the database is at base: there is nothing to downgrade");
        goto out;
    }
    if (target > session.current) {
        char wanted[200];
        format_revision(session.set, session.current, label, sizeof label);
        format_revision(session.set, target, wanted, sizeof wanted);
        status = cli_fail("the database is at %s, before %s: use 'db upgrade'", label, wanted);
        goto out;
    }
    if (target == session.current) {
        format_revision(session.set, session.current, label, sizeof label);
        printf("already at %s\n", label);
        goto out;
    }
    if (store_downgrade(session.store, target, NULL) != MB_OK) {
        status = cli_fail("%s", store_error(session.store));
        goto out;
    }
    for (int revision = session.current; revision > target; revision--) {
        format_revision(session.set, revision, label, sizeof label);
        fputs("reverted ", stdout);
        cli_print_clean(stdout, label, 0);
        putchar('\n');
    }
    format_revision(session.set, target, label, sizeof label);
    fputs("now at ", stdout);
    cli_print_clean(stdout, label, 0);
    putchar('\n');
out:
    db_session_close(&session);
    return status;
}

static int db_current(struct cli_context *context, const struct cli_args *args)
{
    struct db_session session = { 0 };
    int status = db_session_open(context, args, true, false, &session);
    if (status != CLI_EXIT_OK)
        goto out;
    int current = session.current, head = head_of(session.set);
    if (current == 0)
        printf("base\n");
    else if (current > head)
        printf("%04d (unknown: newer than this program, whose head is %04d)\n", current, head);
    else {
        printf("%04d ", current);
        cli_print_clean(stdout, revision_name(session.set, current), 0);
        printf("%s\n", current == head ? " (head)" : "");
    }
out:
    db_session_close(&session);
    return status;
}

static int db_history(struct cli_context *context, const struct cli_args *args)
{
    struct db_session session = { 0 };
    struct revision_info *history = NULL;
    size_t count = 0;
    int status = db_session_open(context, args, true, false, &session);
    if (status != CLI_EXIT_OK)
        goto out;
    if (store_history(session.store, &history, &count) != MB_OK) {
        status = cli_fail("%s", store_error(session.store));
        goto out;
    }
    int current = session.current;
    const struct migration_set *set = session.set;
    int width = 0;
    for (size_t i = 0; i < count; i++) {
        int w = text_width(history[i].name, strlen(history[i].name));
        if (w > width)
            width = w;
    }
    for (size_t i = 0; i < count; i++) {
        const struct revision_info *info = &history[i];
        char when[64] = "not applied";
        if (info->applied) {
            char stamp[48];
            cli_format_local_time(info->applied_at, true, stamp, sizeof stamp);
            snprintf(when, sizeof when, "applied %s", stamp);
        }
        printf("%c %04d ", info->revision == current ? '*' : ' ', info->revision);
        cli_print_clean(stdout, info->name, 0);
        printf("%*s  %s", width - text_width(info->name, strlen(info->name)), "", when);
        const char *tags[3];
        int tag_count = 0;
        if (info->revision == current)
            tags[tag_count++] = "current";
        if (info->revision == head_of(set))
            tags[tag_count++] = "head";
        if (info->checksum_changed)
            tags[tag_count++] = "SQL changed since applied";
        if (tag_count > 0) {
            /* Tags line up after the longest "applied <time>". */
            printf("%*s  (", (int)(27 - strlen(when)) > 0 ? (int)(27 - strlen(when)) : 0, "");
            for (int t = 0; t < tag_count; t++)
                printf("%s%s", t ? ", " : "", tags[t]);
            printf(")");
        }
        putchar('\n');
    }
    if (current == 0)
        printf("* base  (current)\n");
out:
    free(history);
    db_session_close(&session);
    return status;
}

static void print_sql(const char *sql)
{
    cli_print_clean(stdout, sql, TEXT_KEEP_NEWLINES);
    size_t length = strlen(sql);
    if (length > 0 && sql[length - 1] != '\n')
        putchar('\n');
}

static int db_show(struct cli_context *context, const struct cli_args *args)
{
    const struct migration_set *set;
    struct migration_set *owned = NULL;
    int revision;
    int status = load_migrations(context, args, &set, &owned);
    if (status != CLI_EXIT_OK)
        goto out;
    status = parse_revision(args, set, args->positional[0], false, &revision);
    if (status != CLI_EXIT_OK)
        goto out;
    for (size_t i = 0; i < set->count; i++) {
        const struct migration *m = &set->items[i];
        if (m->revision != revision)
            continue;
        printf("-- %04d ", m->revision);
        cli_print_clean(stdout, m->name, 0);
        printf(": upgrade\n");
        print_sql(m->up_sql);
        printf("\n-- %04d ", m->revision);
        cli_print_clean(stdout, m->name, 0);
        printf(": downgrade\n");
        print_sql(m->down_sql);
    }
out:
    migration_set_free(owned);
    return status;
}

static int db_stamp(struct cli_context *context, const struct cli_args *args)
{
    struct db_session session = { 0 };
    int target;
    char label[200];
    int status = load_migrations(context, args, &session.set, &session.owned);
    if (status != CLI_EXIT_OK)
        goto out;
    /* Parse before opening: a bad REV must not create a database. */
    status = parse_revision(args, session.set, args->positional[0], true, &target);
    if (status != CLI_EXIT_OK)
        goto out;
    status = db_session_open(context, args, false, true, &session);
    if (status != CLI_EXIT_OK)
        goto out;
    if (store_stamp(session.store, target) != MB_OK) {
        status = cli_fail("%s", store_error(session.store));
        goto out;
    }
    format_revision(session.set, target, label, sizeof label);
    fputs("stamped ", stdout);
    cli_print_clean(stdout, label, 0);
    printf("%s (no SQL was run)\n",
           target == head_of(session.set) && target > 0 ? " (head)" : "");
out:
    db_session_close(&session);
    return status;
}

/* Usernames that look alike, kept from before revision 3 refused them: a
 * shared database with such a pair lets one impersonate the other. */
static int print_lookalikes(struct store *store)
{
    char *pairs = NULL;
    if (store_user_lookalikes(store, &pairs) != MB_OK)
        return cli_fail("%s", store_error(store));
    if (pairs == NULL)
        return CLI_EXIT_OK;
    cli_print_clean(stdout, pairs, TEXT_KEEP_NEWLINES);
    free(pairs);
    return cli_fail("some usernames look alike (rename or delete one of each pair)");
}

static int db_check(struct cli_context *context, const struct cli_args *args)
{
    struct db_session session = { 0 };
    char *report = NULL;
    char label[200];
    int status = db_session_open(context, args, false, false, &session);
    if (status != CLI_EXIT_OK)
        goto out;
    enum mb_status result = store_check(session.store, &report);
    format_revision(session.set, session.current, label, sizeof label);
    if (result == MB_OK) {
        fputs("ok: the schema is what ", stdout);
        cli_print_clean(stdout, label, 0);
        printf(" produces\n");
    } else if (result == MB_DRIFT) {
        if (report != NULL)
            print_sql(report);
        status = cli_fail("the schema differs from what %s produces", label);
    } else {
        status = cli_fail("%s", store_error(session.store));
    }
    if (status == CLI_EXIT_OK)
        status = print_lookalikes(session.store);
out:
    free(report);
    db_session_close(&session);
    return status;
}

static int db_new(struct cli_context *context, const struct cli_args *args)
{
    const char *dir = cli_option(args, "--migrations");
    const char *message = args->positional[0];
    char *up = NULL, *down = NULL;
    struct mb_error err = { { 0 } };
    if (dir == NULL)
        dir = "migrations/sqlite";
    if (message[0] == '\0')
        return cli_usage_error(args, "the message is empty");
    enum mb_status status = migration_new(dir, message, &up, &down, &err);
    if (status != MB_OK)
        return cli_fail("%s", err.message[0] ? err.message : mb_status_message(status));
    cli_print_clean(stdout, up, 0);
    putchar('\n');
    cli_print_clean(stdout, down, 0);
    putchar('\n');
    free(up);
    free(down);
    return CLI_EXIT_OK;
}

const struct cli_command cli_db_commands[] = {
    {
        .name = "upgrade",
        .synopsis = "[REV] [--migrations DIR]",
        .summary = "apply pending revisions up to REV (default: head)",
        .description =
            "Each revision runs in one transaction with its version bump; a failing\n"
            "revision leaves the database as it was. A database that holds data is\n"
            "first copied beside itself (the backup's path is printed).\n",
        .options = migrations_only, .max_args = 1, .run = db_upgrade,
    },
    {
        .name = "downgrade",
        .synopsis = "[REV|base] [--migrations DIR]",
        .summary = "revert revisions down to REV (default: one step back; base: all)",
        .options = migrations_only, .max_args = 1, .run = db_downgrade,
    },
    {
        .name = "current",
        .synopsis = "[--migrations DIR]",
        .summary = "print the database's revision, e.g. `0002 posts table (head)` or `base`",
        .options = migrations_only, .max_args = 0, .run = db_current,
    },
    {
        .name = "history",
        .synopsis = "[--migrations DIR]",
        .summary = "list the revisions, oldest first: applied (when), current (*), head",
        .options = migrations_only, .max_args = 0, .run = db_history,
    },
    {
        .name = "show",
        .synopsis = "REV [--migrations DIR]",
        .summary = "print a revision's upgrade and downgrade SQL",
        .options = migrations_only, .min_args = 1, .max_args = 1, .run = db_show,
    },
    {
        .name = "stamp",
        .synopsis = "REV|base [--migrations DIR]",
        .summary = "record REV as the current revision without running any SQL",
        .options = migrations_only, .min_args = 1, .max_args = 1, .run = db_stamp,
    },
    {
        .name = "check",
        .synopsis = "[--migrations DIR]",
        .summary = "compare the schema with what the applied revisions produce (1: differs)",
        .options = migrations_only, .max_args = 0, .run = db_check,
    },
    {
        .name = "new",
        .synopsis = "MESSAGE [--migrations DIR]",
        .summary = "write the next numbered, empty .up.sql/.down.sql pair; print their paths",
        .options = new_options, .min_args = 1, .max_args = 1, .run = db_new,
    },
    {
        .name = "copy",
        .synopsis = "URL",
        .summary = "copy every user and post into the empty database at URL, and verify it",
        .description =
            "Copies users (with their password hashes) and posts, ids kept, from the\n"
            "current database into URL: a postgresql:// URL or a SQLite file, which\n"
            "must be empty (a new file or an empty server database is brought to head\n"
            "first; one that holds rows is refused untouched). The source must be at\n"
            "head. Everything is written in one transaction; afterwards both sides are\n"
            "read back and their row counts and SHA-256 of the rows compared. Admins\n"
            "only in the shared modes, and only to a server there.\n",
        .options = NULL, .min_args = 1, .max_args = 1, .run = cli_db_copy_run,
    },
    { .name = NULL },
};
