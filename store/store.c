/* The store's handle, whatever the engine: choosing the backend from the
 * database name (a postgresql:// URL or a SQLite file), opening it and then
 * what every open does (lookalike keys filled in, the person's row), the
 * error buffer, the write transaction every change goes through (refusing a
 * newer database or a replaced file) and batches. The revision commands
 * are store/revisions.c's. */
#include "store/store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/xalloc.h"
#include "store/internal.h"
#include "store/private.h"
#include "store/words.h"

enum mb_status store_fail(struct store *store, enum mb_status status, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(store->error, sizeof store->error, format, args);
    va_end(args);
    return status;
}

void store_notify(struct store *store, const char *message)
{
    if (store->notice != NULL)
        store->notice(store->notice_context, message);
}

int64_t store_now(void)
{
    return (int64_t)time(NULL);
}

enum mb_status store_open(const struct store_options *options, struct store **out,
                          struct mb_error *err)
{
    *out = NULL;
    enum mb_status status = config_check_database_name(options->path, "database", err);
    if (status != MB_OK)
        return status;
    if (options->mode != STORE_MODE_PERSONAL &&
        (options->person == NULL || options->person[0] == '\0'))
        return mb_fail(err, MB_INVALID, "a shared mode needs a person to act for");

    bool server = config_is_server_url(options->path);
    struct store *store = xcalloc(1, sizeof *store);
    store->backend = server ? &store_backend_postgres : &store_backend_sqlite;
    store->path = xstrdup(options->path);
    store->migrations = options->migrations != NULL ? options->migrations
                        : server                    ? migrations_builtin_postgres()
                                                    : migrations_builtin();
    store->password_strength = options->password_strength;
    store->busy_timeout_ms = options->busy_timeout_ms;
    store->notice = options->notice;
    store->notice_context = options->notice_context;
    store->mode = options->mode;
    if (options->mode != STORE_MODE_PERSONAL) {
        store->person = xstrdup(options->person);
        store->person_is_admin = options->person_is_admin;
    }

    status = store->backend->open(store, options, err);
    /* What every open does once the schema is at head: users added
     * without the program get their lookalike keys, and the person of a
     * shared mode their row. */
    if (status == MB_OK && options->migrate != STORE_MIGRATE_NONE && !options->read_only &&
        !store->newer) {
        status = store_user_keys_backfill(store);
        if (status == MB_OK)
            status = store_person_prepare(store);
        if (status != MB_OK)
            mb_fail(err, status, "%s", store->error);
    }
    if (status != MB_OK) {
        store_close(store);
        return status;
    }
    *out = store;
    return MB_OK;
}

void store_close(struct store *store)
{
    if (store == NULL)
        return;
    store->backend->close(store);
    store_private_forget(store);
    store_tags_forget(store);
    free(store->path);
    free(store->person);
    free(store);
}

const char *store_error(const struct store *store)
{
    return store != NULL ? store->error : "no database";
}

const char *store_path(const struct store *store)
{
    return store->path;
}

const struct migration_set *store_migration_set(const struct store *store)
{
    return store->migrations;
}

enum mb_status store_file_check(struct store *store)
{
    return store->backend->file_check(store);
}

enum mb_status store_data_version(struct store *store, uint64_t *version)
{
    return store->backend->data_version(store, version);
}

int store_change_fd(struct store *store)
{
    return store->backend->change_fd != NULL ? store->backend->change_fd(store) : -1;
}

void store_change_drain(struct store *store)
{
    if (store->backend->change_drain != NULL)
        store->backend->change_drain(store);
}

enum mb_status store_write_begin(struct store *store)
{
    if (store->newer)
        return store_fail(store, MB_NEWER,
                          "%s is newer than this program: refusing to write", store->path);
    if (store->in_batch)
        return MB_OK;
    enum mb_status status = store->backend->begin(store);
    if (status != MB_OK)
        return status;
    /* Checked with the lock held: a file deleted or renamed over since it
     * was opened must not get this write, nor the old -wal that a new file
     * at the same path would read. */
    status = store->backend->file_check(store);
    if (status != MB_OK)
        store->backend->rollback(store);
    return status;
}

enum mb_status store_write_end(struct store *store, enum mb_status status)
{
    if (store->in_batch)
        return status;
    if (status == MB_OK) {
        status = store->backend->commit(store);
        if (status == MB_OK)
            return MB_OK;
    }
    store->backend->rollback(store);
    return status;
}

enum mb_status store_batch_begin(struct store *store)
{
    if (store->in_batch)
        return store_fail(store, MB_INVALID, "a batch is already open");
    enum mb_status status = store_write_begin(store);
    if (status == MB_OK)
        store->in_batch = true;
    return status;
}

enum mb_status store_batch_commit(struct store *store)
{
    if (!store->in_batch)
        return store_fail(store, MB_INVALID, "no batch is open");
    enum mb_status status = store_tags_flush(store);
    store->in_batch = false;
    store->importing = false;
    return store_write_end(store, status);
}

void store_batch_rollback(struct store *store)
{
    if (!store->in_batch)
        return;
    store_tags_forget(store);
    store->in_batch = false;
    store->importing = false;
    store_write_end(store, MB_INVALID);
}
