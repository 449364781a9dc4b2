/* Opening the store the way every command does: the configuration (loaded
 * once, on first need), the database path, the migration policy and the
 * notices the store prints while opening. */
#include "cli/cli.h"

#include <stdlib.h>

/* ---- configuration and the store ------------------------------------- */

int cli_load_config(struct cli_context *context)
{
    if (context->config_loaded)
        return CLI_EXIT_OK;
    struct mb_error err = { { 0 } };
    enum mb_status status = config_load(&context->config, context->config_option, &err);
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
    status = config_make_parent_dirs(path, &err);
    if (status != MB_OK)
        goto fail;

    struct store_options options = {
        .path = path,
        .busy_timeout_ms = context->config.busy_timeout_ms,
        .password_strength = context->config.password_strength,
        .migrations = migrations,
    };
    if (mode == CLI_OPEN_DATA || mode == CLI_OPEN_INTERACTIVE) {
        /* The TUI holds a screenful of rows: 256 KiB of page cache keeps its
         * memory flat from 1k to 1M posts (bench/RESULTS.md). */
        if (mode == CLI_OPEN_INTERACTIVE)
            options.cache_kib = 256;
        options.migrate = context->config.auto_migrate ? STORE_MIGRATE_AUTO
                                                       : STORE_MIGRATE_REFUSE;
        options.notice = notice_stderr;
    } else {
        options.migrate = STORE_MIGRATE_NONE;
        options.notice = notice_stdout;
    }
    status = store_open(&options, out, &err);
    if (status != MB_OK)
        goto fail;
    free(path);
    return CLI_EXIT_OK;
fail:
    free(path);
    *out = NULL;
    return cli_fail("%s", err.message[0] ? err.message : mb_status_message(status));
}

