/* Schema revisions on PostgreSQL, as store/migrate.c and
 * store/schema_open.c do them on SQLite: whether a database is ours (the
 * one-row table microblog_meta holds the application id, 'MBLG', beside
 * schema_revision), how far behind or ahead of this program it is and what
 * the policy makes of that, and db upgrade/downgrade/stamp/history. Each
 * revision's SQL is sent whole in one PQexec (its files hold $$ function
 * bodies: never split on ';') inside one transaction with its version
 * bump, under an advisory lock so that two programs opening the same
 * database apply it once. PostgreSQL's DDL is transactional: a failing
 * revision leaves nothing behind, so no backup file is taken. */
#include "store/postgres/internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/xalloc.h"

#define META_SQL \
    "CREATE TABLE microblog_meta (\n" \
    "    application_id bigint NOT NULL PRIMARY KEY\n" \
    ");\n" \
    "CREATE TABLE schema_revision (\n" \
    "    revision   integer PRIMARY KEY,\n" \
    "    name       text    NOT NULL,\n" \
    "    checksum   text    NOT NULL,\n" \
    "    applied_at bigint  NOT NULL\n" \
    ");\n"

#define LOCK_SQL "SELECT pg_advisory_xact_lock(1835167079, 0)"

static const char *display(struct store *store)
{
    return postgres_engine(store)->display;
}

enum mb_status postgres_revision_current(struct store *store, int *current)
{
    PGresult *result = NULL;
    enum mb_status status = postgres_run(store, PG_REVISION_CURRENT, 0, NULL,
                                         "reading the revision", &result);
    if (status == MB_OK)
        *current = (int)postgres_int(result, 0, 0);
    PQclear(result);
    return status;
}

/* What the current schema holds: whether it has our marker, its
 * application id (0 without), and how many tables and functions. */
struct schema_header {
    bool marked;
    int64_t application_id;
    int64_t objects;
};

static enum mb_status read_header(struct store *store, struct schema_header *header)
{
    PGresult *result = NULL;
    enum mb_status status = postgres_exec(
        store,
        "SELECT current_schema() IS NOT NULL, "
        "to_regclass(quote_ident(current_schema()) || '.microblog_meta') IS NOT NULL, "
        "(SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "  WHERE n.nspname = current_schema()) + "
        "(SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "  WHERE n.nspname = current_schema())",
        "reading the database", &result);
    if (status != MB_OK)
        return status;
    bool has_schema = postgres_int(result, 0, 0) != 0;
    header->marked = postgres_int(result, 0, 1) != 0;
    header->objects = postgres_int(result, 0, 2);
    header->application_id = 0;
    PQclear(result);
    if (!has_schema)
        return store_fail(store, MB_DB, "%s has no schema to use (none of the search_path "
                          "exists)", display(store));
    if (!header->marked)
        return MB_OK;
    status = postgres_exec(store, "SELECT application_id FROM microblog_meta",
                           "reading the database", &result);
    if (status == MB_OK && PQntuples(result) == 1)
        header->application_id = postgres_int(result, 0, 0);
    PQclear(result);
    return status;
}

/* Marks an empty schema as ours, with the version table; another program
 * may be doing the same: checked again under the lock. */
static enum mb_status initialise(struct store *store)
{
    struct schema_header header;
    enum mb_status status = postgres_exec(store, "BEGIN", "initialising", NULL);
    if (status == MB_OK)
        status = postgres_exec(store, LOCK_SQL, "initialising", NULL);
    if (status == MB_OK)
        status = read_header(store, &header);
    if (status == MB_OK && !header.marked && header.objects > 0)
        status = store_fail(store, MB_FOREIGN,
                            "%s is not a microblog-tui database: refusing to touch it",
                            display(store));
    if (status == MB_OK && !header.marked) {
        char *sql = xasprintf(META_SQL "INSERT INTO microblog_meta VALUES (%d);",
                              STORE_APPLICATION_ID);
        status = postgres_exec(store, sql, "initialising", NULL);
        free(sql);
    }
    if (status == MB_OK)
        return postgres_exec(store, "COMMIT", "initialising", NULL);
    PGresult *result = PQexec(postgres_engine(store)->conn, "ROLLBACK");
    PQclear(result);
    return status;
}

/* One line of sql around byte offset `at`, white space folded. */
static void describe_line(char *out, size_t size, const char *sql, size_t at, int *line)
{
    const char *start = sql, *p = sql;
    *line = 1;
    for (; p < sql + at && *p != '\0'; p++)
        if (*p == '\n') {
            (*line)++;
            start = p + 1;
        }
    size_t j = 0;
    bool space = false;
    for (p = start; *p != '\0' && *p != '\n' && j + 5 < size; p++) {
        if (isspace((unsigned char)*p)) {
            space = j > 0;
            continue;
        }
        if (space)
            out[j++] = ' ';
        space = false;
        out[j++] = *p;
    }
    if (*p != '\0' && *p != '\n')
        memcpy(out + j, "...", 3), j += 3;
    out[j] = '\0';
}

/* Records why a revision's SQL failed, naming the line when the server
 * gives a position (in characters; the files are UTF-8). It does for
 * errors in a statement's text (a misspelt column), not for errors of
 * running it ("already exists"): the revision and the message then. */
static enum mb_status revision_failed(struct store *store, const PGresult *result,
                                      const struct migration *m, bool up)
{
    const char *what = up ? "upgrade" : "downgrade";
    const char *sql = up ? m->up_sql : m->down_sql;
    char where[64];
    snprintf(where, sizeof where, "revision %04d %s failed", m->revision, what);
    enum mb_status status = postgres_fail(store, result, where);
    const char *position = PQresultErrorField(result, PG_DIAG_STATEMENT_POSITION);
    if (status == MB_IO || position == NULL)
        return status;
    long characters = strtol(position, NULL, 10);
    size_t at = 0;
    for (long seen = 0; sql[at] != '\0'; at++) {
        if (((unsigned char)sql[at] & 0xC0) != 0x80 && ++seen == characters)
            break;
    }
    char text[160];
    int line = 0;
    describe_line(text, sizeof text, sql, at, &line);
    const char *message = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    return store_fail(store, status, "revision %04d %s failed at line %d (%s): %s",
                      m->revision, what, line, text, message != NULL ? message : "");
}

static enum mb_status record_step(struct store *store, const struct migration *m, bool up)
{
    char revision[16], applied[24], checksum[65];
    PGresult *result = NULL;
    enum mb_status status;
    snprintf(revision, sizeof revision, "%d", m->revision);
    if (up) {
        crypto_checksum_hex(m->up_sql, strlen(m->up_sql), checksum);
        snprintf(applied, sizeof applied, "%" PRId64, store_now());
        const char *params[] = {revision, m->name, checksum, applied};
        status = postgres_run(store, PG_REVISION_INSERT, 4, params, "recording the revision",
                              &result);
    } else {
        const char *params[] = {revision};
        status = postgres_run(store, PG_REVISION_DELETE, 1, params, "recording the revision",
                              &result);
    }
    PQclear(result);
    return status;
}

/* One revision up (or down) with its version bump, in one transaction.
 * When another program got there first the step is skipped. */
enum mb_status postgres_revision_step(struct store *store, const struct migration *m, bool up)
{
    struct postgres_engine *engine = postgres_engine(store);
    int expected = up ? m->revision - 1 : m->revision, current = 0;
    enum mb_status status = postgres_exec(store, "BEGIN ISOLATION LEVEL READ COMMITTED",
                                          "starting a revision", NULL);
    if (status != MB_OK)
        return status;
    /* A revision may rewrite a large table: no statement timeout. */
    status = postgres_exec(store, "SET LOCAL statement_timeout = 0; " LOCK_SQL,
                           "starting a revision", NULL);
    if (status == MB_OK)
        status = postgres_revision_current(store, &current);
    if (status == MB_OK && current != expected)
        goto out; /* another program migrated it */
    if (status == MB_OK) {
        PGresult *result = PQexec(engine->conn, up ? m->up_sql : m->down_sql);
        ExecStatusType state = PQresultStatus(result);
        if (state != PGRES_COMMAND_OK && state != PGRES_TUPLES_OK &&
            state != PGRES_EMPTY_QUERY)
            status = revision_failed(store, result, m, up);
        PQclear(result);
    }
    if (status == MB_OK)
        status = record_step(store, m, up);
    if (status == MB_OK) {
        PGresult *result = NULL;
        status = postgres_exec(store, "COMMIT", "committing a revision", &result);
        if (status == MB_OK && strcmp(PQcmdStatus(result), "COMMIT") != 0)
            status = store_fail(store, MB_DB, "revision %04d was rolled back", m->revision);
        PQclear(result);
    }
out:
    if (PQstatus(engine->conn) == CONNECTION_OK &&
        PQtransactionStatus(engine->conn) != PQTRANS_IDLE) {
        PGresult *result = PQexec(engine->conn, "ROLLBACK");
        PQclear(result);
    }
    postgres_statements_clear(store);
    return status;
}

static void say(struct store *store, const char *message)
{
    if (store->notice != NULL)
        store->notice(store->notice_context, message);
}

/* Says that no backup file is taken, and why (backup_path is NULL). */
static void say_no_backup(struct store *store, int from, int to)
{
    char have[96], want[96];
    store_format_revision(have, sizeof have, store, from);
    store_format_revision(want, sizeof want, store, to);
    char *message = xasprintf("%s: from revision %s to %s, each revision in one transaction "
                              "(PostgreSQL): no backup file is taken", display(store), have,
                              want);
    say(store, message);
    free(message);
}

enum mb_status postgres_before_migrating(struct store *store, int current, int target,
                                        char **backup_path)
{
    (void)backup_path;
    if (current > 0)
        say_no_backup(store, current, target);
    return MB_OK;
}

enum mb_status postgres_stamp(struct store *store, int target)
{
    enum mb_status status = postgres_exec(store, "BEGIN", "stamping", NULL);
    if (status != MB_OK)
        return status;
    status = postgres_exec(store, LOCK_SQL "; DELETE FROM schema_revision", "stamping", NULL);
    for (int r = 1; status == MB_OK && r <= target; r++)
        status = record_step(store, store_migration_find(store, r), true);
    if (status == MB_OK)
        return postgres_exec(store, "COMMIT", "stamping", NULL);
    struct postgres_engine *engine = postgres_engine(store);
    if (PQstatus(engine->conn) == CONNECTION_OK) {
        PGresult *result = PQexec(engine->conn, "ROLLBACK");
        PQclear(result);
    }
    return status;
}

enum mb_status postgres_history(struct store *store, struct revision_info **out, size_t *count)
{
    size_t known = store->migrations->count, n = known;
    PGresult *result = NULL;
    enum mb_status status = postgres_run(store, PG_REVISION_HISTORY, 0, NULL,
                                         "reading the revision history", &result);
    if (status != MB_OK)
        return status;
    struct revision_info *items = xcalloc(known + (size_t)PQntuples(result) + 1, sizeof *items);
    for (size_t i = 0; i < known; i++) {
        items[i].revision = store->migrations->items[i].revision;
        items[i].name = store->migrations->items[i].name;
    }
    for (int row = 0; row < PQntuples(result); row++) {
        int revision = (int)postgres_int(result, row, 0);
        struct revision_info *info;
        if (revision >= 1 && (size_t)revision <= known) {
            info = &items[revision - 1];
            char expected[65];
            const char *sql = store->migrations->items[revision - 1].up_sql;
            crypto_checksum_hex(sql, strlen(sql), expected);
            info->checksum_changed = strcmp(PQgetvalue(result, row, 1), expected) != 0;
        } else {
            info = &items[n++];
            info->revision = revision;
            info->name = "(unknown to this program)";
        }
        info->applied = true;
        info->applied_at = postgres_int(result, row, 2);
    }
    PQclear(result);
    *out = items;
    *count = n;
    return MB_OK;
}

enum mb_status postgres_schema_open(struct store *store, enum store_migrate_policy policy,
                                    struct mb_error *err)
{
    struct postgres_engine *engine = postgres_engine(store);
    struct schema_header header;
    enum mb_status status = read_header(store, &header);
    if (status != MB_OK)
        return mb_fail(err, status, "%s", store->error);
    bool fresh = !header.marked && header.objects == 0;
    if (!fresh && !header.marked)
        return mb_fail(err, MB_FOREIGN, "%s is not a microblog-tui database: refusing to "
                       "touch it", display(store));
    if (header.marked && header.application_id != STORE_APPLICATION_ID)
        return mb_fail(err, MB_FOREIGN,
                       "%s is a PostgreSQL database that does not belong to microblog-tui "
                       "(application id %lld): refusing to touch it",
                       display(store), (long long)header.application_id);
    if (fresh) {
        if (engine->read_only)
            return mb_fail(err, MB_DENIED, "%s is read-only and empty", display(store));
        status = initialise(store);
        if (status == MB_OK && policy != STORE_MIGRATE_NONE)
            status = store_migrate_up(store, -1, NULL);
        if (status != MB_OK)
            return mb_fail(err, status, "initialising %s: %s", display(store), store->error);
        return MB_OK;
    }
    int current = 0, head = store_revision_head(store);
    status = postgres_revision_current(store, &current);
    if (status != MB_OK)
        return mb_fail(err, MB_FOREIGN, "%s has no readable revision table: %s",
                       display(store), store->error);
    char have[96], know[96];
    store_format_revision(have, sizeof have, store, current);
    store_format_revision(know, sizeof know, store, head);
    if (current > head) {
        if (policy != STORE_MIGRATE_NONE)
            return mb_fail(err, MB_NEWER,
                           "%s is at revision %s, newer than this program's head %s: "
                           "upgrade microblog-tui; the database was not changed",
                           display(store), have, know);
        store->newer = true;
        snprintf(store->error, sizeof store->error,
                 "%s is at revision %s, newer than this program's head %s: "
                 "refusing to change it", display(store), have, know);
        return MB_OK;
    }
    if (current == head || policy == STORE_MIGRATE_NONE)
        return MB_OK;
    if (policy == STORE_MIGRATE_REFUSE)
        return mb_fail(err, MB_BEHIND,
                       "%s is at revision %s, behind head %s, and auto_migrate is off: "
                       "run `microblog-tui db upgrade`", display(store), have, know);
    if (engine->read_only)
        return mb_fail(err, MB_DENIED, "%s is read-only and needs `microblog-tui db upgrade`",
                       display(store));
    status = store_migrate_up(store, -1, NULL);
    if (status != MB_OK)
        return mb_fail(err, status, "%s", store->error);
    return MB_OK;
}
