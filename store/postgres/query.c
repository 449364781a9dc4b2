/* The PostgreSQL side of the store's engine-neutral SQL (store/backend.h,
 * struct store_query): the ?N placeholders become $N (outside quoted
 * strings and identifiers), parameters travel as text, the rows reach the
 * caller's callback with int2/int4/int8 (and booleans, as 0/1) as
 * integers and everything else as text. Statements of numbered slots are
 * prepared once per connection (as the statement table's are); the
 * others run with PQexecParams. Failures map as postgres_run's: a unique
 * violation MB_EXISTS, a foreign key MB_NOT_FOUND; alone (outside a
 * transaction) a serialization failure or deadlock is run again. */
#include "store/postgres/internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

enum { OID_BOOL = 16, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23 };

/* The SQL with ?N turned into $N; newly allocated. */
static char *dollar_placeholders(const char *sql)
{
    size_t length = strlen(sql);
    char *out = xmalloc(length + 1);
    char quote = '\0';
    size_t o = 0;
    for (size_t i = 0; i < length; i++) {
        char c = sql[i];
        if (quote != '\0') {
            if (c == quote)
                quote = '\0';
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '?' && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
            c = '$';
        }
        out[o++] = c;
    }
    out[o] = '\0';
    return out;
}

static bool succeeded(const PGresult *result)
{
    ExecStatusType status = PQresultStatus(result);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

static bool retryable(const PGresult *result)
{
    const char *state = postgres_sqlstate(result);
    return strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0;
}

static PGresult *run_once(struct store *store, const struct store_query *query,
                          const char *sql, int count, const char *const *texts)
{
    struct postgres_engine *engine = postgres_engine(store);
    if (query->slot < 0 || query->slot >= STORE_QUERY_SLOTS)
        return PQexecParams(engine->conn, sql, count, NULL, texts, NULL, NULL, 0);
    char name[16];
    snprintf(name, sizeof name, "mbq%d", query->slot);
    if (!engine->queries_prepared[query->slot]) {
        PGresult *prepared = PQprepare(engine->conn, name, sql, 0, NULL);
        if (!succeeded(prepared))
            return prepared;
        PQclear(prepared);
        engine->queries_prepared[query->slot] = true;
    }
    return PQexecPrepared(engine->conn, name, count, texts, NULL, NULL, 0);
}

static enum mb_status deliver(struct store *store, const PGresult *result, store_row_fn row,
                              void *context)
{
    int rows = PQntuples(result), columns = PQnfields(result);
    if (row == NULL || rows == 0)
        return MB_OK;
    struct store_value stack[16];
    struct store_value *values =
        columns <= 16 ? stack : xcalloc((size_t)columns, sizeof *values);
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < columns; c++) {
            if (PQgetisnull(result, r, c)) {
                values[c] = (struct store_value){ .type = STORE_VALUE_NULL };
                continue;
            }
            const char *text = PQgetvalue(result, r, c);
            switch (PQftype(result, c)) {
            case OID_INT2:
            case OID_INT4:
            case OID_INT8:
                values[c] = (struct store_value){ .type = STORE_VALUE_INT,
                                                  .integer = strtoll(text, NULL, 10) };
                break;
            case OID_BOOL:
                values[c] = (struct store_value){ .type = STORE_VALUE_INT,
                                                  .integer = text[0] == 't' };
                break;
            default:
                values[c] = (struct store_value){ .type = STORE_VALUE_TEXT, .text = text };
                break;
            }
        }
        enum mb_status status = row(context, values, (size_t)columns);
        if (status != MB_OK) {
            if (values != stack)
                free(values);
            return status;
        }
    }
    if (values != stack)
        free(values);
    return MB_OK;
}

enum mb_status postgres_query(struct store *store, const struct store_query *query,
                              const struct store_value *params, size_t count,
                              store_row_fn row, void *context, int64_t *changes)
{
    struct postgres_engine *engine = postgres_engine(store);
    enum mb_status status = postgres_ensure_connection(store);
    if (status != MB_OK)
        return status;
    /* Integers are written out as text: 24 bytes each. */
    char (*numbers)[24] = xcalloc(count > 0 ? count : 1, sizeof *numbers);
    const char **texts = xcalloc(count > 0 ? count : 1, sizeof *texts);
    for (size_t i = 0; i < count; i++) {
        switch (params[i].type) {
        case STORE_VALUE_NULL:
            texts[i] = NULL;
            break;
        case STORE_VALUE_INT:
            snprintf(numbers[i], sizeof numbers[i], "%" PRId64, params[i].integer);
            texts[i] = numbers[i];
            break;
        case STORE_VALUE_TEXT:
            texts[i] = params[i].text;
            break;
        }
    }
    char *sql = dollar_placeholders(query->sql);
    for (int attempt = 0;; attempt++) {
        PGresult *result = run_once(store, query, sql, (int)count, texts);
        postgres_collect_notifications(engine);
        if (succeeded(result)) {
            status = deliver(store, result, row, context);
            if (status == MB_OK && changes != NULL) {
                const char *touched = PQcmdTuples(result);
                *changes = touched[0] != '\0' ? strtoll(touched, NULL, 10) : 0;
            }
            PQclear(result);
            break;
        }
        if (PQtransactionStatus(engine->conn) == PQTRANS_IDLE && retryable(result) &&
            attempt < 8) {
            PQclear(result);
            continue;
        }
        status = postgres_fail(store, result, query->what);
        PQclear(result);
        break;
    }
    free(sql);
    free(texts);
    free(numbers);
    return status;
}
