/* What the store's own files share and nobody else sees: the handle's
 * layout (the engine's own state behind store->engine), the error and
 * transaction helpers every backend and rule uses, and the steps the
 * generic open runs after a backend connected. Engine-neutral: no
 * <sqlite3.h> or <libpq-fe.h> here (those are store/sqlite/sqlite.h and
 * store/postgres/). Only the store's own .c files include this. */
#ifndef STORE_INTERNAL_H
#define STORE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "store/backend.h"
#include "store/store.h"

/* 'MBLG': the application id of every microblog-tui database (SQLite's
 * PRAGMA application_id; a marker row on a server). */
#define STORE_APPLICATION_ID 0x4D424C47

struct store {
    const struct store_backend *backend; /* the engine (store/backend.h) */
    void *engine;          /* its connection state, owned by the backend */
    char *path;            /* the name opened (a server's URL without password) */
    char error[512];
    const struct migration_set *migrations;
    enum crypto_strength password_strength;
    int busy_timeout_ms;
    bool newer;            /* database is past our head: refuse every write */
    bool in_batch;         /* inside store_batch_begin..commit */
    /* The tag rows of the posts a batch added, written at its commit in
     * byte order of the tags (store/tag_locks.c). */
    struct store_batch_tags *batch_tags;
    /* Who the store acts for (store/authz.c). */
    enum store_mode mode;
    char *person;          /* shared modes: the person's username */
    int64_t person_id;     /* their user row (0 until known) */
    bool person_is_admin;
    bool importing;        /* inside store_import_begin: any author, any time */
    int64_t verified_user_id; /* password checked on this handle (0: none) */
    /* The private entries' key of private_user_id, unlocked on this handle
     * (store/private.c; freed at close). */
    struct crypto_private_key *private_key;
    int64_t private_user_id;
    void (*notice)(void *context, const char *message);
    void *notice_context;
};

/* Whether the engine is a server (PostgreSQL), whose statements take row
 * locks and join with LATERAL, or SQLite. */
static inline bool store_on_server(const struct store *store)
{
    return strcmp(store->backend->name, "sqlite") != 0;
}

/* Records a formatted message as the handle's error and returns status. */
enum mb_status store_fail(struct store *store, enum mb_status status,
                          const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Begins a write (the backend's write transaction, unless inside a
 * batch), refusing a newer database or a file deleted or replaced since
 * it was opened. */
enum mb_status store_write_begin(struct store *store);
/* Ends it: commit when status is MB_OK, else roll back; returns the final
 * status (a failed commit turns MB_OK into an error). */
enum mb_status store_write_end(struct store *store, enum mb_status status);

/* Tells the notice callback (when there is one) one line for the user. */
void store_notify(struct store *store, const char *message);

/* Seconds since the epoch, UTC. */
int64_t store_now(void);

/* Fills in the lookalike keys of users that have none (a database
 * upgraded to revision 3, or rows added without the program); users.c. */
enum mb_status store_user_keys_backfill(struct store *store);

/* Whether code point c may be part of a username (validate.c): what
 * store_validate_username accepts and where an @mention's name ends. */
bool store_name_char(int32_t c);

/* Resolves (creating on first use) the person's user row when the schema
 * has one; called after migrations at open (authz.c). */
enum mb_status store_person_prepare(struct store *store);

/* ---- revisions (store/revisions.c) ---- */

/* This program's head revision (the last of store->migrations). */
int store_revision_head(const struct store *store);

/* Revision `revision` of store->migrations (owned by the set), or NULL
 * when there is no such revision. */
const struct migration *store_migration_find(const struct store *store, int revision);

/* "base", "0002 (posts table)", or "0007" for a revision the program
 * does not know: how messages name a revision. */
void store_format_revision(char *out, size_t size, const struct store *store, int revision);

/* Upgrades to target (-1: head) without asking who: the automatic upgrade
 * at open runs the program's own revisions, whoever opens the database.
 * *backup_path (when not NULL) is the backup taken (caller frees), or NULL;
 * see store_upgrade. */
enum mb_status store_migrate_up(struct store *store, int target, char **backup_path);

#endif
