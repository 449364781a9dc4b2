/* What every operation of the PostgreSQL backend goes through: the table
 * of statements (prepared once per connection, on first use, from one
 * table indexed by an enum, as store/store.c does for SQLite), running
 * them with text parameters and reading their results whole, and turning
 * libpq's failures into statuses and one-line messages. A connection that
 * was lost is reset on the next call (postgres_ensure_connection). */
#include "store/postgres/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/postgres/url.h"

/* Users with their post count (one slot-0 row per author, read as sum(n)
 * as the total is) and profile (0004). Posts are read by
 * store/post_query.c through the query op. */
#define USER_COLUMNS \
    "SELECT u.id, u.username, u.email, u.password_hash IS NOT NULL, u.created_at, " \
    "coalesce((SELECT sum(c.n) FROM post_count c WHERE c.user_id = u.id), 0), u.about, " \
    "u.last_seen FROM \"user\" u "
/* SQLite's NOCASE, as the unique index ix_user_username spells it. */
#define NAME_KEY(param) "lower(" param "::text COLLATE \"C\")"

static const char *const statement_sql[PG_STATEMENT_COUNT] = {
    [PG_USER_INSERT] =
        "INSERT INTO \"user\" (username, email, password_hash, created_at, name_fold, "
        "name_skeleton) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    [PG_USER_BY_NAME] = USER_COLUMNS "WHERE lower(u.username) = " NAME_KEY("$1"),
    [PG_USER_BY_ID] = USER_COLUMNS "WHERE u.id = $1",
    [PG_USER_HASH] = "SELECT password_hash FROM \"user\" WHERE id = $1",
    [PG_USER_SET_HASH] = "UPDATE \"user\" SET password_hash = $2 WHERE id = $1",
    [PG_USER_DELETE] = "DELETE FROM \"user\" WHERE id = $1",
    [PG_USER_NAME_TAKEN] =
        "SELECT username FROM \"user\" WHERE lower(username) = " NAME_KEY("$1"),
    /* Emails are unique ignoring ASCII case too (ix_user_email). */
    [PG_USER_EMAIL_TAKEN] = "SELECT username FROM \"user\" WHERE lower(email) = " NAME_KEY("$1"),
    [PG_USER_LOOKALIKE] =
        "SELECT username FROM \"user\" WHERE name_fold = $1 OR name_skeleton = $2 LIMIT 1",
    [PG_USER_KEYS_MISSING] =
        "SELECT id, username FROM \"user\" WHERE name_fold IS NULL ORDER BY id LIMIT $1",
    [PG_USER_SET_KEYS] = "UPDATE \"user\" SET name_fold = $2, name_skeleton = $3 WHERE id = $1",
    [PG_USER_LOOKALIKE_PAIRS] =
        "SELECT a.username, b.username FROM \"user\" a JOIN \"user\" b ON b.id > a.id "
        "AND (b.name_fold = a.name_fold OR b.name_skeleton = a.name_skeleton) "
        "ORDER BY a.id, b.id",
    [PG_USER_LIST_ASC_FIRST] = USER_COLUMNS "ORDER BY lower(u.username) ASC LIMIT $1",
    [PG_USER_LIST_ASC_AFTER] = USER_COLUMNS "WHERE lower(u.username) > " NAME_KEY("$2")
        " ORDER BY lower(u.username) ASC LIMIT $1",
    [PG_USER_LIST_DESC_FIRST] = USER_COLUMNS "ORDER BY lower(u.username) DESC LIMIT $1",
    [PG_USER_LIST_DESC_AFTER] = USER_COLUMNS "WHERE lower(u.username) < " NAME_KEY("$2")
        " ORDER BY lower(u.username) DESC LIMIT $1",
    [PG_POST_INSERT] =
        "INSERT INTO post (body, timestamp, user_id, reply_to, thread_id) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING id",
    [PG_POST_DELETE] = "DELETE FROM post WHERE id = $1",
    /* The total is 64 slot rows (0002): one index range, one page. */
    [PG_POST_COUNT_ALL] = "SELECT coalesce(sum(n), 0) FROM post_count WHERE user_id = 0",
    [PG_POST_COUNT_USER] = "SELECT coalesce(sum(n), 0) FROM post_count WHERE user_id = $1",
    [PG_NOTIFY] = "SELECT pg_notify('" POSTGRES_CHANNEL "', $1)",
    [PG_REVISION_CURRENT] = "SELECT coalesce(max(revision), 0) FROM schema_revision",
    [PG_REVISION_INSERT] = "INSERT INTO schema_revision (revision, name, checksum, applied_at) "
        "VALUES ($1, $2, $3, $4)",
    [PG_REVISION_DELETE] = "DELETE FROM schema_revision WHERE revision = $1",
    [PG_REVISION_HISTORY] =
        "SELECT revision, checksum, applied_at FROM schema_revision ORDER BY revision",
    /* db copy (copy.c): every column, keyset pages on the primary key. */
    [PG_COPY_USER_ROWS] = "SELECT id, username, email, password_hash, created_at, name_fold, "
        "name_skeleton, about, last_seen FROM \"user\" WHERE id > $1 ORDER BY id LIMIT $2",
    [PG_COPY_POST_ROWS] =
        "SELECT id, body, timestamp, user_id, reply_to, thread_id, edited_at, private "
        "FROM post WHERE id > $1 ORDER BY id LIMIT $2",
};

const char *postgres_sqlstate(const PGresult *result)
{
    const char *state = result != NULL ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : NULL;
    return state != NULL ? state : "";
}

/* libpq's message on one line, with no password in it. */
static void message_of(struct store *store, const PGresult *result, char *out, size_t size)
{
    struct postgres_engine *engine = postgres_engine(store);
    const char *primary = result != NULL ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)
                                         : NULL;
    if (primary == NULL)
        primary = result != NULL && PQresultErrorMessage(result)[0] != '\0'
                      ? PQresultErrorMessage(result)
                      : PQerrorMessage(engine->conn);
    snprintf(out, size, "%s", primary);
    for (char *p = out; *p != '\0'; p++)
        if (*p == '\n' || *p == '\r')
            *p = (p[1] == '\0') ? '\0' : ' ';
    size_t length = strlen(out);
    while (length > 0 && out[length - 1] == ' ')
        out[--length] = '\0';
    store_postgres_scrub(out, size, engine->password);
    store_postgres_scrub(out, size, engine->raw_password);
}

enum mb_status postgres_fail(struct store *store, const PGresult *result, const char *what)
{
    struct postgres_engine *engine = postgres_engine(store);
    char message[400];
    message_of(store, result, message, sizeof message);
    if (PQstatus(engine->conn) != CONNECTION_OK)
        return store_fail(store, MB_IO,
                          "%s: lost the connection to the database server %s (%s); "
                          "it is tried again on the next action", what, engine->display,
                          message);
    const char *state = postgres_sqlstate(result);
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
        return store_fail(store, MB_BUSY,
                          "%s: the database server stopped this write to let another go "
                          "first (%s); nothing was written, try again", what, message);
    if (strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0)
        return store_fail(store, MB_BUSY,
                          "%s: the database is locked by another session (waited up to %d ms); "
                          "nothing was written, try again", what, store->busy_timeout_ms);
    enum mb_status status = MB_DB;
    if (strcmp(state, "23505") == 0)
        status = MB_EXISTS;
    else if (strcmp(state, "23503") == 0)
        status = MB_NOT_FOUND;
    else if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0)
        status = MB_INVALID;
    else if (strcmp(state, "42501") == 0 || strncmp(state, "28", 2) == 0 ||
             strcmp(state, "25006") == 0)
        status = MB_DENIED;
    else if (strcmp(state, "53100") == 0)
        status = MB_IO;
    else if (strcmp(state, "53200") == 0)
        status = MB_NOMEM;
    return store_fail(store, status, "%s: %s", what, message);
}

char *postgres_text(const PGresult *result, int row, int column)
{
    if (PQgetisnull(result, row, column))
        return NULL;
    return xstrdup(PQgetvalue(result, row, column));
}

int64_t postgres_int(const PGresult *result, int row, int column)
{
    const char *value = PQgetvalue(result, row, column);
    /* Booleans come as t / f. */
    if (value[0] == 't' && value[1] == '\0')
        return 1;
    return strtoll(value, NULL, 10);
}

static bool retryable(const PGresult *result)
{
    const char *state = postgres_sqlstate(result);
    return strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0;
}

static bool succeeded(const PGresult *result)
{
    ExecStatusType status = PQresultStatus(result);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

/* Counts what NOTIFYs came in with a result (data_version). */
void postgres_collect_notifications(struct postgres_engine *engine)
{
    PGnotify *notify;
    while ((notify = PQnotifies(engine->conn)) != NULL) {
        engine->notifications++;
        PQfreemem(notify);
    }
}

static enum mb_status prepare(struct store *store, enum postgres_statement which,
                              const char *what)
{
    struct postgres_engine *engine = postgres_engine(store);
    if (engine->prepared[which])
        return MB_OK;
    char name[16];
    snprintf(name, sizeof name, "mb%d", (int)which);
    PGresult *result = PQprepare(engine->conn, name, statement_sql[which], 0, NULL);
    enum mb_status status = MB_OK;
    if (!succeeded(result))
        status = postgres_fail(store, result, what);
    else
        engine->prepared[which] = true;
    PQclear(result);
    return status;
}

enum mb_status postgres_run(struct store *store, enum postgres_statement which, int count,
                            const char *const *params, const char *what, PGresult **out)
{
    struct postgres_engine *engine = postgres_engine(store);
    *out = NULL;
    enum mb_status status = postgres_ensure_connection(store);
    if (status != MB_OK)
        return status;
    /* Alone (outside a transaction) a statement that lost to another for
     * a row or a deadlock wrote nothing: run it again. Inside one, the
     * whole transaction is gone and only its owner can start it again. */
    for (int attempt = 0;; attempt++) {
        status = prepare(store, which, what);
        if (status != MB_OK)
            return status;
        char name[16];
        snprintf(name, sizeof name, "mb%d", (int)which);
        PGresult *result = PQexecPrepared(engine->conn, name, count, params, NULL, NULL, 0);
        postgres_collect_notifications(engine);
        if (succeeded(result)) {
            *out = result;
            return MB_OK;
        }
        if (PQtransactionStatus(engine->conn) == PQTRANS_IDLE && retryable(result) && attempt < 8) {
            PQclear(result);
            continue;
        }
        status = postgres_fail(store, result, what);
        PQclear(result);
        return status;
    }
}

enum mb_status postgres_exec(struct store *store, const char *sql, const char *what,
                             PGresult **out)
{
    struct postgres_engine *engine = postgres_engine(store);
    if (out != NULL)
        *out = NULL;
    enum mb_status status = postgres_ensure_connection(store);
    if (status != MB_OK)
        return status;
    PGresult *result = PQexec(engine->conn, sql);
    postgres_collect_notifications(engine);
    if (!succeeded(result)) {
        status = postgres_fail(store, result, what);
        PQclear(result);
        return status;
    }
    if (out != NULL)
        *out = result;
    else
        PQclear(result);
    return MB_OK;
}

void postgres_statements_clear(struct store *store)
{
    struct postgres_engine *engine = postgres_engine(store);
    if (engine == NULL || engine->conn == NULL)
        return;
    if (PQstatus(engine->conn) == CONNECTION_OK) {
        PGresult *result = PQexec(engine->conn, "DEALLOCATE ALL");
        PQclear(result);
    }
    memset(engine->prepared, 0, sizeof engine->prepared);
    memset(engine->queries_prepared, 0, sizeof engine->queries_prepared);
}

enum mb_status postgres_notify(struct store *store, const char *what)
{
    PGresult *result = NULL;
    const char *params[] = {what};
    enum mb_status status = postgres_run(store, PG_NOTIFY, 1, params, "announcing a change",
                                         &result);
    PQclear(result);
    return status;
}
