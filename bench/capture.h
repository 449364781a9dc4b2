/* Taking the store's own SQL from the store as it runs, for a benchmark's
 * floor (bench/search.c): between capture_begin and capture_end, the last
 * statement the store started, with its parameters. SQLite: this header
 * defines sqlite3_step, which the store (linked statically) calls; every
 * call goes on to the library's own (dlsym RTLD_NEXT), and while capturing
 * the expanded text (sqlite3_expanded_sql: the parameters written in as
 * literals) of each statement started is kept, but for those FTS5 steps
 * inside another step. PostgreSQL: the store calls libpq through the table
 * of functions it dlsym'ed (store/postgres/libpq.h); capture_install_pg
 * puts its own PQprepare, PQexecPrepared and PQexecParams in that table,
 * which remember the text of every statement the store prepares and,
 * while capturing, the text and parameters of the last statement run.
 * Include it in one program only (it defines sqlite3_step); it reaches
 * into store/postgres/ on purpose, as the benchmark's floors do. */
#ifndef BENCH_CAPTURE_H
#define BENCH_CAPTURE_H

#include <dlfcn.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The store's table of libpq functions, without the header's PQ* names
 * (the program calls libpq's own). */
#define LIBPQ_LOADER
#include "store/postgres/libpq.h"

static bool capturing;
static char *captured;

int sqlite3_step(sqlite3_stmt *stmt)
{
    static int (*library_step)(sqlite3_stmt *);
    if (library_step == NULL) {
        void *symbol = dlsym(RTLD_NEXT, "sqlite3_step");
        if (symbol == NULL) {
            fprintf(stderr, "search: no sqlite3_step in the SQLite library\n");
            exit(1);
        }
        memcpy(&library_step, &symbol, sizeof library_step);
    }
    /* Depth 0: the store's own statements, not those FTS5 steps inside. */
    static int depth;
    if (capturing && depth == 0 && !sqlite3_stmt_busy(stmt)) {
        sqlite3_free(captured);
        captured = sqlite3_expanded_sql(stmt);
    }
    depth++;
    int status = library_step(stmt);
    depth--;
    return status;
}

/* A statement as the store ran it: SQLite's with its parameters written
 * in (count 0), PostgreSQL's with its parameters as text. */
struct capture_statement {
    char *sql;
    int count;
    char **values;
};

static struct libpq_functions store_libpq; /* the store's, before ours */
static struct {
    char *name, *sql;
} *pg_prepared; /* what the store prepared under each name */
static size_t pg_prepared_count;
static struct capture_statement pg_captured;

static void capture_statement_clear(struct capture_statement *s)
{
    for (int i = 0; i < s->count; i++)
        free(s->values[i]);
    free(s->values);
    free(s->sql);
    *s = (struct capture_statement){ 0 };
}

static void pg_keep(const char *sql, int count, const char *const *values)
{
    if (!capturing)
        return;
    capture_statement_clear(&pg_captured);
    pg_captured.sql = strdup(sql);
    pg_captured.count = count;
    pg_captured.values = calloc(count > 0 ? (size_t)count : 1, sizeof *pg_captured.values);
    for (int i = 0; i < count; i++)
        pg_captured.values[i] = values[i] != NULL ? strdup(values[i]) : NULL;
}

static PGresult *capture_prepare(PGconn *conn, const char *name, const char *query, int count,
                                 const Oid *types)
{
    size_t i = 0;
    while (i < pg_prepared_count && strcmp(pg_prepared[i].name, name) != 0)
        i++;
    if (i == pg_prepared_count) {
        pg_prepared = realloc(pg_prepared, (pg_prepared_count + 1) * sizeof *pg_prepared);
        pg_prepared[pg_prepared_count++].name = strdup(name);
    } else {
        free(pg_prepared[i].sql);
    }
    pg_prepared[i].sql = strdup(query);
    return store_libpq.PQprepare(conn, name, query, count, types);
}

static PGresult *capture_exec_prepared(PGconn *conn, const char *name, int count,
                                       const char *const *values, const int *lengths,
                                       const int *formats, int result_format)
{
    for (size_t i = 0; i < pg_prepared_count; i++)
        if (strcmp(pg_prepared[i].name, name) == 0)
            pg_keep(pg_prepared[i].sql, count, values);
    return store_libpq.PQexecPrepared(conn, name, count, values, lengths, formats,
                                      result_format);
}

static PGresult *capture_exec_params(PGconn *conn, const char *sql, int count, const Oid *types,
                                     const char *const *values, const int *lengths,
                                     const int *formats, int result_format)
{
    pg_keep(sql, count, values);
    return store_libpq.PQexecParams(conn, sql, count, types, values, lengths, formats,
                                    result_format);
}

/* Puts the capturing functions in the store's table (loaded when the
 * store connected). */
static void capture_install_pg(void)
{
    if (libpq.PQprepare == NULL) {
        fprintf(stderr, "search: the store has not loaded libpq\n");
        exit(1);
    }
    store_libpq = libpq;
    libpq.PQprepare = capture_prepare;
    libpq.PQexecPrepared = capture_exec_prepared;
    libpq.PQexecParams = capture_exec_params;
}

static void capture_begin(void)
{
    capturing = true;
}

/* The statement captured since capture_begin (free with
 * capture_statement_clear); exits when there was none. */
static struct capture_statement capture_end(void)
{
    capturing = false;
    struct capture_statement s = pg_captured;
    pg_captured = (struct capture_statement){ 0 };
    if (captured != NULL) {
        capture_statement_clear(&s);
        s.sql = strdup(captured);
    }
    sqlite3_free(captured);
    captured = NULL;
    if (s.sql == NULL) {
        fprintf(stderr, "search: no statement captured\n");
        exit(1);
    }
    return s;
}

#endif
