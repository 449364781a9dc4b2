/* Opening the store the way every command does: the configuration (loaded
 * once, on first need), the database path, the migration policy, the
 * notices the store prints while opening, and who the store acts for. In
 * shared mode the configuration is the system's alone and the shared group
 * is held only while it and the database are opened. */
#include "cli/cli.h"

#include <stdlib.h>

#include "core/trust.h"

/* ---- configuration and the store ------------------------------------- */

/* Shared mode: the system configuration, read with the group (it is
 * root:GROUP 0640), and nothing the person chose. */
static enum mb_status load_system_config(struct cli_context *context, struct mb_error *err)
{
    config_defaults(&context->config);
    identity_raise(&context->identity);
    enum mb_status status = config_load_file(&context->config, identity_system_config(), err);
    identity_lower(&context->identity);
    if (status == MB_OK && context->config.database == NULL)
        status = mb_fail(err, MB_CONFIG, "%s names no database", identity_system_config());
    return status;
}

int cli_load_config(struct cli_context *context)
{
    if (context->config_loaded)
        return CLI_EXIT_OK;
    struct mb_error err = { { 0 } };
    enum mb_status status;
    if (context->identity.mode == IDENTITY_SHARED)
        status = load_system_config(context, &err);
    else
        status = config_load(&context->config, context->config_option, &err);
    context->config_loaded = true;
    if (status != MB_OK)
        return cli_fail("%s", err.message[0] ? err.message : mb_status_message(status));
    return CLI_EXIT_OK;
}

static void notice_stderr(void *unused, const char *message)
{
    cli_print_error_line(message);
}

static void notice_stdout(void *unused, const char *message)
{
    cli_print_clean(stdout, message, 0);
    putchar('\n');
    fflush(stdout);
}

int cli_open_store(struct cli_context *context, enum cli_open_mode mode,
                   const struct migration_set *migrations, struct store **out)
{
    struct mb_error err = { { 0 } };
    char *path = NULL;
    enum mb_status status;
    int exit_status = cli_load_config(context);

    *out = NULL;
    if (exit_status != CLI_EXIT_OK)
        return exit_status;
    status = config_database_path(&context->config, context->db_option, &path, &err);
    if (status != MB_OK)
        goto fail;
    /* As OpenSSH's StrictModes: a database that someone else can change,
     * or replace through a directory above it, is refused (the shared
     * group's own rights excepted, checked with the group held since only
     * it can search the state directory). */
    const struct identity *identity = &context->identity;
    bool server = config_is_server_url(path);
    if (!server) {
        identity_raise(identity);
        status = trust_check_database(path, identity->mode == IDENTITY_SHARED
                                                ? identity->shared_gid : TRUST_NO_GROUP, &err);
        identity_lower(identity);
        if (status == MB_DENIED)
            goto fail;
    }
    /* The shared database exists (make install-shared made it): never
     * create directories with the group. */
    status = MB_OK;
    if (identity->mode != IDENTITY_SHARED && !server)
        status = config_make_parent_dirs(path, &err);
    if (status != MB_OK)
        goto fail;

    struct store_options options = {
        .path = path,
        .mode = identity->mode == IDENTITY_SHARED       ? STORE_MODE_SHARED
                : identity->mode == IDENTITY_RESTRICTED ? STORE_MODE_RESTRICTED
                                                        : STORE_MODE_PERSONAL,
        .person = identity->person,
        .person_is_admin = identity_is_admin(identity, &context->config),
        .checkpoint_after_write = true,
        .busy_timeout_ms = context->config.busy_timeout_ms,
        .password_strength = context->config.password_strength,
        .migrations = migrations,
    };
    if (mode == CLI_OPEN_DATA || mode == CLI_OPEN_INTERACTIVE) {
        /* The TUI holds a screenful of rows: 256 KiB of page cache keeps its
         * memory flat from 1k to 1M posts (bench/RESULTS.md). */
        if (mode == CLI_OPEN_INTERACTIVE) {
            options.cache_kib = 256;
            options.watch_changes = true;   /* live updates (store_change_fd) */
        }
        options.migrate = context->config.auto_migrate ? STORE_MIGRATE_AUTO
                                                       : STORE_MIGRATE_REFUSE;
        options.notice = notice_stderr;
    } else {
        options.migrate = STORE_MIGRATE_NONE;
        options.notice = notice_stdout;
    }
    identity_raise(identity);
    status = store_open(&options, out, &err);
    /* An admin's db commands keep the group for the backups they write
     * beside the database; everything else, and anyone else, gives it up
     * for good before reading a file, starting the TUI or running an
     * editor (a non-admin's `db check` runs revisions in a scratch
     * database: never with the group). */
    bool keep_group = mode == CLI_OPEN_REVISIONS && options.person_is_admin;
    if (status == MB_OK && !keep_group)
        status = identity_drop_for_good(&context->identity, &err);
    if (!keep_group)
        identity_lower(identity);
    if (status != MB_OK) {
        store_close(*out);
        goto fail;
    }
    free(path);
    return CLI_EXIT_OK;
fail:
    free(path);
    *out = NULL;
    return cli_fail("%s", err.message[0] ? err.message : mb_status_message(status));
}

int cli_authorize(struct store *store, enum store_action action, int64_t owner_id)
{
    if (store_authorize(store, action, owner_id) != MB_OK)
        return cli_fail("%s", store_error(store));
    return CLI_EXIT_OK;
}
