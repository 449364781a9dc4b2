/* The SQLite backend's users: finding them by name (ignoring ASCII case,
 * the column's NOCASE) or id, what makes a name or email taken, the
 * lookalike keys, inserting, password hashes, keyset pages by name and
 * deleting (posts go with ON DELETE CASCADE). The rules around them
 * (validation, hashing, who may) are store/users.c's. */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/sqlite/sqlite.h"

static char *column_text(sqlite3_stmt *stmt, int column)
{
    const unsigned char *text = sqlite3_column_text(stmt, column);
    return text != NULL ? xstrdup((const char *)text) : NULL;
}

static void read_user(sqlite3_stmt *stmt, struct user *out)
{
    out->id = sqlite3_column_int64(stmt, 0);
    out->username = column_text(stmt, 1);
    out->email = column_text(stmt, 2);
    out->has_password = sqlite3_column_int(stmt, 3) != 0;
    out->created_at = sqlite3_column_int64(stmt, 4);
    out->post_count = sqlite3_column_int64(stmt, 5);
    out->about = column_text(stmt, 6);
    out->last_seen = sqlite3_column_int64(stmt, 7);
}

/* Runs a prepared one-user query; MB_NOT_FOUND when it has no row. */
static enum mb_status fetch_user(struct store *store, sqlite3_stmt *stmt, const char *what,
                                 struct user *out)
{
    int rc = sqlite3_step(stmt);
    enum mb_status status = MB_OK;
    if (rc == SQLITE_ROW)
        read_user(stmt, out);
    else if (rc == SQLITE_DONE)
        status = store_fail(store, MB_NOT_FOUND, "no user %s", what);
    else
        status = store_fail_sqlite(store, rc, "reading a user");
    sqlite3_reset(stmt);
    return status;
}

enum mb_status store_sqlite_user_by_name(struct store *store, const char *name,
                                         struct user *out)
{
    sqlite3_stmt *stmt = store_statement(store, STMT_USER_BY_NAME);
    if (stmt == NULL)
        return MB_DB;
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    char what[96];
    snprintf(what, sizeof what, "named '%.64s'", name);
    return fetch_user(store, stmt, what, out);
}

enum mb_status store_sqlite_user_by_id(struct store *store, int64_t id, struct user *out)
{
    sqlite3_stmt *stmt = store_statement(store, STMT_USER_BY_ID);
    if (stmt == NULL)
        return MB_DB;
    sqlite3_bind_int64(stmt, 1, id);
    char what[48];
    snprintf(what, sizeof what, "with id %lld", (long long)id);
    return fetch_user(store, stmt, what, out);
}

/* The username of the first row of a one-column query with up to two text
 * parameters, newly allocated in *existing (NULL when none). */
static enum mb_status first_name(struct store *store, enum store_statement which,
                                 const char *first, const char *second, char **existing)
{
    *existing = NULL;
    sqlite3_stmt *stmt = store_statement(store, which);
    if (stmt == NULL)
        return MB_DB;
    sqlite3_bind_text(stmt, 1, first, -1, SQLITE_STATIC);
    if (second != NULL)
        sqlite3_bind_text(stmt, 2, second, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    enum mb_status status = MB_OK;
    if (rc == SQLITE_ROW)
        *existing = column_text(stmt, 0);
    else if (rc != SQLITE_DONE)
        status = store_fail_sqlite(store, rc, "checking uniqueness");
    sqlite3_reset(stmt);
    return status;
}

enum mb_status store_sqlite_user_name_taken(struct store *store, const char *name,
                                            char **existing)
{
    return first_name(store, STMT_USER_NAME_TAKEN, name, NULL, existing);
}

enum mb_status store_sqlite_user_email_taken(struct store *store, const char *email,
                                             char **existing)
{
    return first_name(store, STMT_USER_EMAIL_TAKEN, email, NULL, existing);
}

enum mb_status store_sqlite_user_lookalike(struct store *store, const struct name_keys *keys,
                                           char **existing)
{
    return first_name(store, STMT_USER_LOOKALIKE, keys->fold, keys->skeleton, existing);
}

enum mb_status store_sqlite_user_insert(struct store *store, const char *name,
                                        const char *email, const char *hash,
                                        const struct name_keys *keys, int64_t created_at,
                                        int64_t *id)
{
    sqlite3_stmt *stmt = store_statement(store, STMT_USER_INSERT);
    if (stmt == NULL)
        return MB_DB;
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    if (email != NULL)
        sqlite3_bind_text(stmt, 2, email, -1, SQLITE_STATIC);
    if (hash != NULL)
        sqlite3_bind_text(stmt, 3, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, created_at);
    sqlite3_bind_text(stmt, 5, keys->fold, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 6, keys->skeleton, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return store_fail_sqlite(store, rc, "adding a user");
    if (id != NULL)
        *id = sqlite3_last_insert_rowid(SQ(store)->db);
    return MB_OK;
}

enum mb_status store_sqlite_user_hash(struct store *store, int64_t id, char *hash, size_t size,
                                      bool *present)
{
    sqlite3_stmt *stmt = store_statement(store, STMT_USER_HASH);
    if (stmt == NULL)
        return MB_DB;
    sqlite3_bind_int64(stmt, 1, id);
    *present = false;
    hash[0] = '\0';
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) == SQLITE_TEXT) {
        const char *stored = (const char *)sqlite3_column_text(stmt, 0);
        size_t len = (size_t)sqlite3_column_bytes(stmt, 0);
        /* A hash too long for libsodium is garbled: leave it empty. */
        if (stored != NULL && len < size) {
            memcpy(hash, stored, len);
            hash[len] = '\0';
        }
        *present = true;
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail_sqlite(store, rc, "reading a password");
    if (rc == SQLITE_DONE)
        return store_fail(store, MB_NOT_FOUND, "no user with id %lld", (long long)id);
    return MB_OK;
}

enum mb_status store_sqlite_user_set_hash(struct store *store, int64_t id, const char *hash)
{
    sqlite3_stmt *stmt = store_statement(store, STMT_USER_SET_HASH);
    if (stmt == NULL)
        return MB_DB;
    sqlite3_bind_int64(stmt, 1, id);
    if (hash != NULL)
        sqlite3_bind_text(stmt, 2, hash, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return store_fail_sqlite(store, rc, "changing the password");
    if (sqlite3_changes(SQ(store)->db) == 0)
        return store_fail(store, MB_NOT_FOUND, "no user with id %lld", (long long)id);
    return MB_OK;
}

enum mb_status store_sqlite_user_delete(struct store *store, int64_t id)
{
    return store_delete_row(store, STMT_USER_DELETE, id, "user");
}

/* Runs a prepared list query into *out. */
static enum mb_status read_users(struct store *store, sqlite3_stmt *stmt, bool full,
                                 const char *what, struct user_list *out)
{
    struct user_list list = {0};
    size_t capacity = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (list.count == capacity) {
            capacity = capacity ? capacity * 2 : 16;
            list.items = xreallocarray(list.items, capacity, sizeof *list.items);
        }
        struct user *user = &list.items[list.count++];
        memset(user, 0, sizeof *user);
        if (full) {
            read_user(stmt, user);
        } else {
            user->id = sqlite3_column_int64(stmt, 0);
            user->username = column_text(stmt, 1);
        }
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        store_user_list_free(&list);
        return store_fail_sqlite(store, rc, what);
    }
    *out = list;
    return MB_OK;
}

enum mb_status store_sqlite_user_list(struct store *store, const char *after, bool descending,
                                      size_t limit, struct user_list *out)
{
    enum store_statement which =
        descending ? (after ? STMT_USER_LIST_DESC_AFTER : STMT_USER_LIST_DESC_FIRST)
                   : (after ? STMT_USER_LIST_ASC_AFTER : STMT_USER_LIST_ASC_FIRST);
    sqlite3_stmt *stmt = store_statement(store, which);
    if (stmt == NULL)
        return MB_DB;
    if (after != NULL)
        sqlite3_bind_text(stmt, 1, after, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)limit);
    return read_users(store, stmt, true, "listing users", out);
}

enum mb_status store_sqlite_user_keys_missing(struct store *store, size_t limit,
                                              struct user_list *out)
{
    sqlite3_stmt *stmt = store_statement(store, STMT_USER_KEYS_MISSING);
    if (stmt == NULL)
        return MB_DB;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)limit);
    return read_users(store, stmt, false, "reading usernames", out);
}

enum mb_status store_sqlite_user_set_keys(struct store *store, int64_t id,
                                          const struct name_keys *keys)
{
    sqlite3_stmt *stmt = store_statement(store, STMT_USER_SET_KEYS);
    if (stmt == NULL)
        return MB_DB;
    sqlite3_bind_int64(stmt, 1, id);
    sqlite3_bind_text(stmt, 2, keys->fold, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, keys->skeleton, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return store_fail_sqlite(store, rc, "storing username keys");
    return MB_OK;
}

enum mb_status store_sqlite_user_lookalike_pairs(struct store *store, struct user_list *pairs)
{
    struct user_list list = {0};
    int rc;
    sqlite3_stmt *stmt = store_statement(store, STMT_USER_LOOKALIKE_PAIRS);
    if (stmt == NULL)
        return MB_DB;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        list.items = xreallocarray(list.items, list.count + 2, sizeof *list.items);
        for (int column = 0; column < 2; column++) {
            memset(&list.items[list.count], 0, sizeof list.items[list.count]);
            list.items[list.count++].username = column_text(stmt, column);
        }
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        store_user_list_free(&list);
        return store_fail_sqlite(store, rc, "looking for lookalike usernames");
    }
    *pairs = list;
    return MB_OK;
}
