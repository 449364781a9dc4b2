/* Users: adding, finding, listing in keyset pages by name, passwords
 * (Argon2id through core/crypto, hashed outside the write lock) and
 * deleting with their posts. */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/names.h"
#include "core/xalloc.h"
#include "store/internal.h"

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
}

void store_user_clear(struct user *user)
{
    if (user == NULL)
        return;
    free(user->username);
    free(user->email);
    memset(user, 0, sizeof *user);
}

void store_user_list_free(struct user_list *list)
{
    if (list == NULL)
        return;
    for (size_t i = 0; i < list->count; i++)
        store_user_clear(&list->items[i]);
    free(list->items);
    list->items = NULL;
    list->count = 0;
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

enum mb_status store_user_get(struct store *store, const char *username, struct user *out)
{
    sqlite3_stmt *stmt = store_statement(store, STMT_USER_BY_NAME);
    if (stmt == NULL)
        return MB_DB;
    sqlite3_bind_text(stmt, 1, username, -1, SQLITE_STATIC);
    char what[96];
    snprintf(what, sizeof what, "named '%.64s'", username);
    return fetch_user(store, stmt, what, out);
}

enum mb_status store_user_get_by_id(struct store *store, int64_t id, struct user *out)
{
    sqlite3_stmt *stmt = store_statement(store, STMT_USER_BY_ID);
    if (stmt == NULL)
        return MB_DB;
    sqlite3_bind_int64(stmt, 1, id);
    char what[48];
    snprintf(what, sizeof what, "with id %lld", (long long)id);
    return fetch_user(store, stmt, what, out);
}

/* Says which unique value is taken, so the error names it. */
static enum mb_status check_taken(struct store *store, enum store_statement which,
                                  const char *value, const char *what)
{
    if (value == NULL)
        return MB_OK;
    sqlite3_stmt *stmt = store_statement(store, which);
    if (stmt == NULL)
        return MB_DB;
    sqlite3_bind_text(stmt, 1, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    enum mb_status status = MB_OK;
    if (rc == SQLITE_ROW)
        status = store_fail(store, MB_EXISTS, "%s '%s' is taken", what, value);
    else if (rc != SQLITE_DONE)
        status = store_fail_sqlite(store, rc, "checking uniqueness");
    sqlite3_reset(stmt);
    return status;
}

static enum mb_status hash_password(struct store *store, const char *password,
                                    char hash[CRYPTO_HASH_MAX])
{
    enum mb_status status = crypto_password_hash(password, store->password_strength, hash);
    if (status != MB_OK)
        return store_fail(store, status, "cannot hash the password: %s",
                          mb_status_message(status));
    return MB_OK;
}

/* The lookalike keys of username (core/names), or the error recorded. */
static enum mb_status name_keys(struct store *store, const char *username,
                                struct name_keys *keys)
{
    struct mb_error err = { { 0 } };
    enum mb_status status = names_keys(username, keys, &err);
    if (status != MB_OK)
        return store_fail(store, status, "%s", err.message);
    return MB_OK;
}

/* A name another user's looks like (same after NFKC_Casefold, or the same
 * confusable skeleton) is taken: in a shared database it would be
 * impersonation. The refusal names the existing user. */
static enum mb_status check_lookalike(struct store *store, const char *username,
                                      const struct name_keys *keys)
{
    sqlite3_stmt *stmt = store_statement(store, STMT_USER_LOOKALIKE);
    if (stmt == NULL)
        return MB_DB;
    sqlite3_bind_text(stmt, 1, keys->fold, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, keys->skeleton, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    enum mb_status status = MB_OK;
    if (rc == SQLITE_ROW)
        status = store_fail(store, MB_EXISTS, "username '%s' looks like the existing user '%s'",
                            username, (const char *)sqlite3_column_text(stmt, 0));
    else if (rc != SQLITE_DONE)
        status = store_fail_sqlite(store, rc, "checking uniqueness");
    sqlite3_reset(stmt);
    return status;
}

static enum mb_status insert_user(struct store *store, const char *username, const char *email,
                                  const char *hash, int64_t *id)
{
    struct name_keys keys = { 0 };
    enum mb_status status = check_taken(store, STMT_USER_NAME_TAKEN, username, "username");
    if (status == MB_OK)
        status = name_keys(store, username, &keys);
    if (status == MB_OK)
        status = check_lookalike(store, username, &keys);
    if (status == MB_OK) {
        struct mb_error err = { { 0 } };
        status = names_check(username, &err);
        if (status != MB_OK)
            store_fail(store, status, "%s", err.message);
    }
    if (status == MB_OK)
        status = check_taken(store, STMT_USER_EMAIL_TAKEN, email, "email");
    if (status != MB_OK)
        goto out;
    sqlite3_stmt *stmt = store_statement(store, STMT_USER_INSERT);
    if (stmt == NULL) {
        status = MB_DB;
        goto out;
    }
    sqlite3_bind_text(stmt, 1, username, -1, SQLITE_STATIC);
    if (email != NULL)
        sqlite3_bind_text(stmt, 2, email, -1, SQLITE_STATIC);
    if (hash != NULL)
        sqlite3_bind_text(stmt, 3, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 4, store_now());
    sqlite3_bind_text(stmt, 5, keys.fold, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 6, keys.skeleton, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        status = store_fail_sqlite(store, rc, "adding a user");
    else if (id != NULL)
        *id = sqlite3_last_insert_rowid(store->db);
out:
    names_keys_clear(&keys);
    return status;
}

/* One batch of users without keys, filled in one write; *done when none
 * was left. */
static enum mb_status backfill_batch(struct store *store, bool *done)
{
    enum mb_status status = store_write_begin(store);
    if (status != MB_OK)
        return status;
    sqlite3_stmt *missing = store_statement(store, STMT_USER_KEYS_MISSING);
    if (missing == NULL)
        return store_write_end(store, MB_DB);
    int64_t ids[256];
    char *names[256];
    size_t count = 0;
    int rc;
    while (count < 256 && (rc = sqlite3_step(missing)) == SQLITE_ROW) {
        ids[count] = sqlite3_column_int64(missing, 0);
        names[count++] = xstrdup((const char *)sqlite3_column_text(missing, 1));
    }
    sqlite3_reset(missing);
    *done = count == 0;
    for (size_t i = 0; i < count && status == MB_OK; i++) {
        struct name_keys keys = { 0 };
        status = name_keys(store, names[i], &keys);
        sqlite3_stmt *set = status == MB_OK ? store_statement(store, STMT_USER_SET_KEYS) : NULL;
        if (status == MB_OK && set == NULL)
            status = MB_DB;
        if (status == MB_OK) {
            sqlite3_bind_int64(set, 1, ids[i]);
            sqlite3_bind_text(set, 2, keys.fold, -1, SQLITE_STATIC);
            sqlite3_bind_text(set, 3, keys.skeleton, -1, SQLITE_STATIC);
            rc = sqlite3_step(set);
            sqlite3_reset(set);
            if (rc != SQLITE_DONE)
                status = store_fail_sqlite(store, rc, "storing username keys");
        }
        names_keys_clear(&keys);
    }
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    return store_write_end(store, status);
}

enum mb_status store_user_keys_backfill(struct store *store)
{
    bool done = false;
    enum mb_status status = MB_OK;
    /* Nothing to do is one index lookup (the NULLs of ix_user_name_fold). */
    while (status == MB_OK && !done)
        status = backfill_batch(store, &done);
    return status;
}

/* Revision 3 added the keys: before it there is nothing to compare. */
#define KEYS_REVISION 3

enum mb_status store_user_lookalikes(struct store *store, char **report)
{
    char *text = NULL;
    size_t length = 0;
    int current = 0, head = 0, rc;
    *report = NULL;
    enum mb_status status = store_revision(store, &current, &head);
    if (status != MB_OK || current < KEYS_REVISION)
        return status;
    if (!store->newer && (status = store_user_keys_backfill(store)) != MB_OK)
        return status;
    sqlite3_stmt *stmt = store_statement(store, STMT_USER_LOOKALIKE_PAIRS);
    if (stmt == NULL)
        return MB_DB;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        char *line = xasprintf("usernames '%s' and '%s' look alike\n",
                               (const char *)sqlite3_column_text(stmt, 0),
                               (const char *)sqlite3_column_text(stmt, 1));
        size_t add = strlen(line);
        text = xrealloc(text, length + add + 1);
        memcpy(text + length, line, add + 1);
        length += add;
        free(line);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        free(text);
        return store_fail_sqlite(store, rc, "looking for lookalike usernames");
    }
    *report = text;
    return MB_OK;
}

enum mb_status store_user_add(struct store *store, const char *username, const char *email,
                              const char *password, int64_t *id)
{
    struct mb_error err;
    char hash[CRYPTO_HASH_MAX] = "";
    enum mb_status status = store_authorize(store, STORE_ACTION_USER_ADD, 0);
    if (status != MB_OK)
        return status;
    status = store_validate_username(username, &err);
    if (status == MB_OK && email != NULL)
        status = store_validate_email(email, &err);
    if (status != MB_OK)
        return store_fail(store, status, "%s", err.message);
    if (password != NULL) {
        status = hash_password(store, password, hash);
        if (status != MB_OK)
            return status;
    }
    status = store_write_begin(store);
    if (status == MB_OK) {
        status = insert_user(store, username, email, password != NULL ? hash : NULL, id);
        status = store_write_end(store, status);
    }
    crypto_wipe(hash, sizeof hash);
    return status;
}

enum mb_status store_user_ensure(struct store *store, const char *username, struct user *out,
                                 bool *created)
{
    struct mb_error err;
    if (created != NULL)
        *created = false;
    enum mb_status status = store_user_get(store, username, out);
    if (status != MB_NOT_FOUND)
        return status;
    /* In the shared modes the person is created on first use; anyone else
     * only by an admin or an import. */
    bool is_person = store->person != NULL && strcmp(username, store->person) == 0;
    if (!is_person) {
        status = store_authorize(store, STORE_ACTION_USER_ADD, 0);
        if (status != MB_OK)
            return status;
    }
    status = store_validate_username(username, &err);
    if (status != MB_OK)
        return store_fail(store, status, "%s", err.message);
    status = store_write_begin(store);
    if (status != MB_OK)
        return status;
    /* Another process may have created it since we looked. */
    int64_t id = 0;
    status = store_user_get(store, username, out);
    if (status == MB_NOT_FOUND) {
        status = insert_user(store, username, NULL, NULL, &id);
        if (status == MB_OK && created != NULL)
            *created = true;
    } else if (status == MB_OK) {
        id = out->id;
        store_user_clear(out);
    }
    status = store_write_end(store, status);
    if (status == MB_OK)
        status = store_user_get_by_id(store, id, out);
    return status;
}

enum mb_status store_user_list(struct store *store, const char *after, bool descending,
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
    struct user_list list = {0};
    size_t capacity = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (list.count == capacity) {
            capacity = capacity ? capacity * 2 : 16;
            list.items = xreallocarray(list.items, capacity, sizeof *list.items);
        }
        read_user(stmt, &list.items[list.count++]);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        store_user_list_free(&list);
        return store_fail_sqlite(store, rc, "listing users");
    }
    *out = list;
    return MB_OK;
}

static enum mb_status write_hash(struct store *store, int64_t id, const char *hash)
{
    enum mb_status status = store_write_begin(store);
    if (status != MB_OK)
        return status;
    sqlite3_stmt *stmt = store_statement(store, STMT_USER_SET_HASH);
    if (stmt == NULL)
        return store_write_end(store, MB_DB);
    sqlite3_bind_int64(stmt, 1, id);
    if (hash != NULL)
        sqlite3_bind_text(stmt, 2, hash, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        status = store_fail_sqlite(store, rc, "changing the password");
    else if (sqlite3_changes(store->db) == 0)
        status = store_fail(store, MB_NOT_FOUND, "no user with id %lld", (long long)id);
    return store_write_end(store, status);
}

enum mb_status store_user_set_password(struct store *store, int64_t id, const char *password)
{
    char hash[CRYPTO_HASH_MAX] = "";
    enum mb_status status = store_authorize(store, STORE_ACTION_USER_PASSWORD, id);
    if (status != MB_OK)
        return status;
    if (password != NULL) {
        status = hash_password(store, password, hash);
        if (status != MB_OK)
            return status;
    }
    status = write_hash(store, id, password != NULL ? hash : NULL);
    crypto_wipe(hash, sizeof hash);
    return status;
}

enum mb_status store_user_verify_password(struct store *store, int64_t id, const char *password)
{
    sqlite3_stmt *stmt = store_statement(store, STMT_USER_HASH);
    if (stmt == NULL)
        return MB_DB;
    sqlite3_bind_int64(stmt, 1, id);
    char hash[CRYPTO_HASH_MAX + 1] = "";
    bool has_hash = false;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) == SQLITE_TEXT) {
        const char *stored = (const char *)sqlite3_column_text(stmt, 0);
        size_t len = (size_t)sqlite3_column_bytes(stmt, 0);
        /* A hash too long for libsodium is garbled: leave it empty. */
        if (stored != NULL && len < sizeof hash) {
            memcpy(hash, stored, len);
            hash[len] = '\0';
        }
        has_hash = true;
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail_sqlite(store, rc, "reading a password");
    if (rc == SQLITE_DONE)
        return store_fail(store, MB_NOT_FOUND, "no user with id %lld", (long long)id);
    if (!has_hash || password == NULL || !crypto_password_verify(hash, password)) {
        crypto_wipe(hash, sizeof hash);
        return store_fail(store, MB_AUTH, "wrong password");
    }
    enum mb_status status = MB_OK;
    store->verified_user_id = id;
    if (crypto_password_needs_rehash(hash, store->password_strength) && !store->newer) {
        /* A failed rehash is not a failed login: the old hash still works. */
        char fresh[CRYPTO_HASH_MAX];
        if (crypto_password_hash(password, store->password_strength, fresh) == MB_OK)
            (void)write_hash(store, id, fresh);
        crypto_wipe(fresh, sizeof fresh);
    }
    crypto_wipe(hash, sizeof hash);
    return status;
}

enum mb_status store_user_delete(struct store *store, int64_t id)
{
    enum mb_status status = store_authorize(store, STORE_ACTION_USER_DELETE, 0);
    if (status != MB_OK)
        return status;
    /* ON DELETE CASCADE removes the posts in the same transaction. */
    return store_delete_row(store, STMT_USER_DELETE, id, "user", NULL);
}
