/* The PostgreSQL backend's connection (libpq): connecting to the URL as
 * libpq reads it, the session's settings (lock and statement timeouts from
 * busy_timeout_ms, application_name microblog-tui, UTF-8), reconnecting
 * after the server went away, write transactions at READ COMMITTED (the
 * post counts need no more: migrations/postgres/0002), live updates with
 * LISTEN/NOTIFY, and the table of operations, store_backend_postgres. The
 * URL's password is kept only to connect: messages name the server by its
 * display form (store/postgres/url.h). */
#include "store/postgres/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/xalloc.h"
#include "store/backend.h"
#include "store/postgres/url.h"

/* libpq prints the server's NOTICEs on stderr by default: not over the TUI. */
static void ignore_notice(void *context, const char *message)
{
    (void)context, (void)message;
}

/* The settings of a new (or reset) session. A lock is waited for as long as
 * SQLite's busy handler would; a statement may run a little longer. No JIT:
 * every statement here reads a page or a row, and compiling (milliseconds)
 * is what a high estimate of a branch that never runs would buy (the
 * following timeline's, store/post_query.c). */
static enum mb_status set_up_session(struct store *store)
{
    struct postgres_engine *engine = postgres_engine(store);
    int lock_ms = store->busy_timeout_ms > 0 ? store->busy_timeout_ms : 1;
    char *sql = xasprintf("SET lock_timeout = %d; SET statement_timeout = %d; "
                          "SET default_transaction_read_only = %s; SET jit = off",
                          lock_ms, lock_ms * 2 + 10000, engine->read_only ? "on" : "off");
    enum mb_status status = postgres_exec(store, sql, "setting up the session", NULL);
    free(sql);
    if (status == MB_OK && engine->listening)
        status = postgres_exec(store, "LISTEN " POSTGRES_CHANNEL, "listening for changes",
                               NULL);
    return status;
}

enum mb_status postgres_ensure_connection(struct store *store)
{
    struct postgres_engine *engine = postgres_engine(store);
    if (PQstatus(engine->conn) == CONNECTION_OK)
        return MB_OK;
    PQreset(engine->conn);
    memset(engine->prepared, 0, sizeof engine->prepared);
    memset(engine->queries_prepared, 0, sizeof engine->queries_prepared);
    if (PQstatus(engine->conn) != CONNECTION_OK) {
        char message[400];
        snprintf(message, sizeof message, "%s", PQerrorMessage(engine->conn));
        message[strcspn(message, "\n")] = '\0';
        store_postgres_scrub(message, sizeof message, engine->password);
        store_postgres_scrub(message, sizeof message, engine->raw_password);
        return store_fail(store, MB_IO, "lost the connection to the database server %s and "
                          "cannot reach it again: %s", engine->display, message);
    }
    /* Changes made while it was away were not announced to this session. */
    engine->notifications++;
    return set_up_session(store);
}

/* The password libpq reads from the URL, to keep it out of messages. */
static char *password_of(const char *url)
{
    char *error = NULL;
    PQconninfoOption *options = PQconninfoParse(url, &error);
    char *password = NULL;
    for (PQconninfoOption *o = options; o != NULL && o->keyword != NULL; o++)
        if (strcmp(o->keyword, "password") == 0 && o->val != NULL && o->val[0] != '\0')
            password = xstrdup(o->val);
    PQconninfoFree(options);
    PQfreemem(error);
    return password;
}

static enum mb_status connect_failed(struct store *store, struct mb_error *err)
{
    struct postgres_engine *engine = postgres_engine(store);
    char message[400];
    snprintf(message, sizeof message, "%s",
             engine->conn != NULL ? PQerrorMessage(engine->conn) : "out of memory");
    for (char *p = message; *p != '\0'; p++)
        if (*p == '\n')
            *p = p[1] == '\0' ? '\0' : ' ';
    store_postgres_scrub(message, sizeof message, engine->password);
    store_postgres_scrub(message, sizeof message, engine->raw_password);
    bool refused = strstr(message, "authentication failed") != NULL ||
                   strstr(message, "no password supplied") != NULL ||
                   strstr(message, "pg_hba.conf") != NULL ||
                   strstr(message, "permission denied") != NULL;
    enum mb_status status = store_fail(store, refused ? MB_DENIED : MB_IO,
                                       "cannot connect to %s: %s", engine->display, message);
    return mb_fail(err, status, "%s", store->error);
}

static enum mb_status postgres_open(struct store *store, const struct store_options *options,
                                    struct mb_error *err)
{
    /* The client library is loaded only now (store/postgres/libpq.h). */
    enum mb_status loaded = libpq_load(err);
    if (loaded != MB_OK)
        return loaded;
    struct postgres_engine *engine = xcalloc(1, sizeof *engine);
    store->engine = engine;
    engine->conninfo = xstrdup(options->path);
    engine->display = store_postgres_display_url(options->path);
    engine->password = password_of(options->path);
    engine->raw_password = store_postgres_url_password(options->path);
    engine->read_only = options->read_only;
    /* From here on the handle names the server without its password: the
     * store's own messages use store->path too. */
    free(store->path);
    store->path = xstrdup(engine->display);

    /* Keywords before dbname are defaults the URL may override; those
     * after it are ours. */
    /* A server that stops answering (rather than refusing) is noticed in
     * seconds, not at TCP's own minutes (keepalives, tcp_user_timeout). */
    const char *keywords[] = {"connect_timeout", "keepalives_idle", "keepalives_interval",
                              "tcp_user_timeout", "fallback_application_name", "dbname",
                              "client_encoding", NULL};
    const char *values[] = {"5", "10", "5", "20000", "microblog-tui", engine->conninfo, "UTF8",
                            NULL};
    engine->conn = PQconnectdbParams(keywords, values, 1);
    if (engine->conn == NULL || PQstatus(engine->conn) != CONNECTION_OK)
        return connect_failed(store, err);
    PQsetNoticeProcessor(engine->conn, ignore_notice, NULL);
    enum mb_status status = set_up_session(store);
    if (status != MB_OK)
        return mb_fail(err, status, "%s", store->error);
    return postgres_schema_open(store, options->migrate, err);
}

static void postgres_close(struct store *store)
{
    struct postgres_engine *engine = postgres_engine(store);
    if (engine == NULL)
        return;
    if (engine->conn != NULL)
        PQfinish(engine->conn);
    if (engine->password != NULL)
        crypto_wipe(engine->password, strlen(engine->password));
    if (engine->raw_password != NULL)
        crypto_wipe(engine->raw_password, strlen(engine->raw_password));
    crypto_wipe(engine->conninfo, strlen(engine->conninfo));
    free(engine->counted);
    free(engine->password);
    free(engine->raw_password);
    free(engine->conninfo);
    free(engine->display);
    free(engine);
    store->engine = NULL;
}

/* A server is always what its URL names. */
static enum mb_status postgres_file_check(struct store *store)
{
    (void)store;
    return MB_OK;
}

static enum mb_status postgres_begin(struct store *store)
{
    return postgres_exec(store, "BEGIN ISOLATION LEVEL READ COMMITTED", "starting a write",
                         NULL);
}

static enum mb_status postgres_commit(struct store *store)
{
    struct postgres_engine *engine = postgres_engine(store);
    PGresult *result = NULL;
    enum mb_status status = postgres_counts_flush(store);
    if (status != MB_OK)
        return status;
    status = postgres_exec(store, "COMMIT", "committing", &result);
    if (status == MB_IO)
        return store_fail(store, MB_IO,
                          "committing: lost the connection to the database server %s: the "
                          "change may or may not have been saved; it is tried again on the "
                          "next action", engine->display);
    /* COMMIT of a transaction that had failed answers ROLLBACK. */
    if (status == MB_OK && strcmp(PQcmdStatus(result), "ROLLBACK") == 0)
        status = store_fail(store, MB_DB, "committing: an earlier statement had failed, so "
                            "nothing was written");
    PQclear(result);
    return status;
}

static void postgres_rollback(struct store *store)
{
    struct postgres_engine *engine = postgres_engine(store);
    postgres_counts_forget(store);
    if (PQstatus(engine->conn) != CONNECTION_OK ||
        PQtransactionStatus(engine->conn) == PQTRANS_IDLE)
        return;
    PGresult *result = PQexec(engine->conn, "ROLLBACK");
    PQclear(result);
}

/* Reads what the server sent without waiting and counts the NOTIFYs. */
static void postgres_change_drain(struct store *store)
{
    struct postgres_engine *engine = postgres_engine(store);
    if (PQstatus(engine->conn) != CONNECTION_OK)
        return;
    /* On failure the connection is marked bad: the next call resets it. */
    if (PQconsumeInput(engine->conn) == 0)
        return;
    PGnotify *notify;
    while ((notify = PQnotifies(engine->conn)) != NULL) {
        engine->notifications++;
        PQfreemem(notify);
    }
}

/* The connection's socket, listening on microblog_changes: every write
 * of this backend sends NOTIFY in its transaction, so the socket becomes
 * readable when another session commits one. A new descriptor after a
 * reconnect: ask again after each wake-up. -1 (poll data_version) while
 * the server cannot be reached: reconnecting is left to data_version and
 * the other operations, so that this never waits. */
static int postgres_change_fd(struct store *store)
{
    struct postgres_engine *engine = postgres_engine(store);
    if (PQstatus(engine->conn) != CONNECTION_OK)
        return -1;
    if (!engine->listening) {
        if (postgres_exec(store, "LISTEN " POSTGRES_CHANNEL, "listening for changes", NULL) !=
            MB_OK)
            return -1;
        engine->listening = true;
    }
    return PQsocket(engine->conn);
}

/* Listening (after change_fd): the number of NOTIFYs received, a change
 * written by this program anywhere (its own writes included); no round
 * trip. Otherwise: the server's next transaction id (pg_current_snapshot's
 * xmax), which moves whenever anything on the server writes - more often
 * than needed, never less. */
static enum mb_status postgres_data_version(struct store *store, uint64_t *version)
{
    struct postgres_engine *engine = postgres_engine(store);
    enum mb_status status = postgres_ensure_connection(store);
    if (status != MB_OK)
        return status;
    if (engine->listening) {
        postgres_change_drain(store);
        if (PQstatus(engine->conn) != CONNECTION_OK)
            return postgres_fail(store, NULL, "waiting for changes");
        *version = engine->notifications;
        return MB_OK;
    }
    PGresult *result = NULL;
    status = postgres_exec(store, "SELECT pg_snapshot_xmax(pg_current_snapshot())",
                           "reading the data version", &result);
    if (status == MB_OK)
        *version = (uint64_t)postgres_int(result, 0, 0);
    PQclear(result);
    return status;
}

/* READ COMMITTED writers run side by side: two sessions adding "alice" and
 * "аlice" would each find the other's name free. An advisory lock for the
 * transaction ('mbus') makes user additions take turns; they are rare. */
#define POSTGRES_LOCK_USERS 1835168115

static enum mb_status postgres_users_lock(struct store *store)
{
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT pg_advisory_xact_lock(%d)", POSTGRES_LOCK_USERS);
    return postgres_exec(store, sql, "waiting for other user additions", NULL);
}

const struct store_backend store_backend_postgres = {
    .name = "postgresql",
    .open = postgres_open,
    .close = postgres_close,
    .file_check = postgres_file_check,
    .data_version = postgres_data_version,
    .change_fd = postgres_change_fd,
    .change_drain = postgres_change_drain,
    .begin = postgres_begin,
    .commit = postgres_commit,
    .rollback = postgres_rollback,
    .users_lock = postgres_users_lock,
    .user_by_name = postgres_user_by_name,
    .user_by_id = postgres_user_by_id,
    .user_name_taken = postgres_user_name_taken,
    .user_email_taken = postgres_user_email_taken,
    .user_lookalike = postgres_user_lookalike,
    .user_insert = postgres_user_insert,
    .user_hash = postgres_user_hash,
    .user_set_hash = postgres_user_set_hash,
    .user_delete = postgres_user_delete,
    .user_list = postgres_user_list,
    .user_keys_missing = postgres_user_keys_missing,
    .user_set_keys = postgres_user_set_keys,
    .user_lookalike_pairs = postgres_user_lookalike_pairs,
    .query = postgres_query,
    .post_insert = postgres_post_insert,
    .post_delete = postgres_post_delete,
    .post_count = postgres_post_count,
    .revision_current = postgres_revision_current,
    .before_migrating = postgres_before_migrating,
    .revision_step = postgres_revision_step,
    .stamp = postgres_stamp,
    .history = postgres_history,
    .check = postgres_check,
    .snapshot_begin = postgres_snapshot_begin,
    .snapshot_end = postgres_snapshot_end,
    .rows_present = postgres_rows_present,
    .user_rows = postgres_user_rows,
    .post_rows = postgres_post_rows,
    .copy_begin = postgres_copy_begin,
    .users_insert_rows = postgres_users_insert_rows,
    .posts_insert_rows = postgres_posts_insert_rows,
    .copy_finish = postgres_copy_finish,
    .post_counts_wrong = postgres_post_counts_wrong,
};
