/* `microblog-tui db copy URL`: every user and post of the current database
 * into an empty one at URL (a SQLite file or a PostgreSQL server, either
 * way), in one transaction, then verified by row counts and a SHA-256 of
 * the rows (store_copy). Admins only in the shared modes, and only to a
 * server there. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/trust.h"
#include "core/xalloc.h"

/* db copy URL: the target is opened apart from the configured database, in
 * personal mode (no person's row is created in it), first as it is to see
 * that it is empty (nothing is written into a database that is not), then
 * brought to head (a new file, an empty server database). */
static int open_copy_target(struct cli_context *context, const char *name,
                            enum store_migrate_policy migrate, struct store **out)
{
    struct mb_error err = { { 0 } };
    struct store_options options = {
        .path = name,
        .mode = STORE_MODE_PERSONAL,
        .busy_timeout_ms = context->config.busy_timeout_ms,
        .password_strength = context->config.password_strength,
        .migrate = migrate,
    };
    enum mb_status status = store_open(&options, out, &err);
    if (status != MB_OK)
        return cli_fail("%s", err.message[0] ? err.message : mb_status_message(status));
    return CLI_EXIT_OK;
}

static const char *plural(int64_t count, const char *one, const char *many)
{
    return count == 1 ? one : many;
}

int cli_db_copy_run(struct cli_context *context, const struct cli_args *args)
{
    struct store *from = NULL, *to = NULL;
    struct copy_report report;
    struct mb_error err = { { 0 } };
    char *target = NULL, *display = NULL;
    int current = 0, head = 0;
    bool empty = false;
    const char *given = args->positional[0];
    int status = CLI_EXIT_OK;

    /* As DATABASE_URL takes it: a path, sqlite:///path or a server URL;
     * any other scheme is refused (it would become a path, password and
     * all). */
    if (config_parse_database_name(given, "db copy", &target, &err) != MB_OK) {
        status = cli_fail("%s", err.message);
        goto out;
    }
    display = store_display_name(target);
    /* A file nobody else can change, in a directory nobody else can add
     * to (core/trust.h), as for the database itself. */
    if (!config_is_server_url(target) &&
        trust_check_database(target, TRUST_NO_GROUP, &err) == MB_DENIED) {
        status = cli_fail("%s", err.message);
        goto out;
    }
    /* The shared modes write nothing the person chose with the group's
     * rights: a server is reached with its own password. */
    if (context->identity.mode != IDENTITY_PERSONAL && !config_is_server_url(target)) {
        status = cli_fail("in a shared mode db copy writes only to a server "
                          "(postgresql://...)");
        goto out;
    }
    status = cli_open_store(context, CLI_OPEN_REVISIONS, NULL, &from);
    if (status == CLI_EXIT_OK)
        status = cli_authorize(from, STORE_ACTION_MIGRATE, 0);
    if (status != CLI_EXIT_OK)
        goto out;
    if (store_revision(from, &current, &head) != MB_OK) {
        status = cli_fail("%s", store_error(from));
        goto out;
    }
    if (current != head) {
        status = cli_fail("the database is at revision %04d, not at head %04d%s", current,
                          head, current < head ? ": run db upgrade first" : "");
        goto out;
    }
    status = open_copy_target(context, target, STORE_MIGRATE_NONE, &to);
    if (status != CLI_EXIT_OK)
        goto out;
    if (store_is_empty(to, &empty) != MB_OK) {
        status = cli_fail("%s", store_error(to));
        goto out;
    }
    if (!empty) {
        status = cli_fail("%s is not empty: db copy writes only into an empty database",
                          display);
        goto out;
    }
    store_close(to);
    to = NULL;
    status = open_copy_target(context, target, STORE_MIGRATE_AUTO, &to);
    if (status != CLI_EXIT_OK)
        goto out;
    if (store_copy(from, to, &report) != MB_OK) {
        status = cli_fail("%s", store_error(to));
        goto out;
    }
    printf("copied %lld %s, %lld %s and %lld %s (follows, mentions, tags ...) to ",
           (long long)report.users, plural(report.users, "user", "users"),
           (long long)report.posts, plural(report.posts, "post", "posts"),
           (long long)report.links, plural(report.links, "other row", "other rows"));
    cli_print_clean(stdout, display, 0);
    printf("; verified (sha256 %s)\n", report.sha256);
out:
    store_close(to);
    store_close(from);
    if (target != NULL)
        crypto_wipe(target, strlen(target));
    free(target);
    free(display);
    return status;
}

