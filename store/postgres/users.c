/* Users on PostgreSQL: finding them by name (ignoring ASCII case, as
 * SQLite's NOCASE: lower() under COLLATE "C", the expression of the unique
 * index) or id, the uniqueness and lookalike lookups the store's rules ask
 * before adding one, adding and deleting (with NOTIFY), password hashes,
 * keyset pages by name and the lookalike keys. Messages are the SQLite
 * store's (store/users.c), word for word. */
#include "store/postgres/internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static void read_user(const PGresult *result, int row, struct user *out)
{
    out->id = postgres_int(result, row, 0);
    out->username = postgres_text(result, row, 1);
    out->email = postgres_text(result, row, 2);
    out->has_password = postgres_int(result, row, 3) != 0;
    out->created_at = postgres_int(result, row, 4);
    out->post_count = postgres_int(result, row, 5);
    out->about = postgres_text(result, row, 6);
    out->last_seen = postgres_int(result, row, 7);
}

static enum mb_status fetch_user(struct store *store, enum postgres_statement which,
                                 const char *param, const char *what, struct user *out)
{
    PGresult *result = NULL;
    const char *params[] = {param};
    enum mb_status status = postgres_run(store, which, 1, params, "reading a user", &result);
    if (status != MB_OK)
        return status;
    if (PQntuples(result) == 0)
        status = store_fail(store, MB_NOT_FOUND, "no user %s", what);
    else
        read_user(result, 0, out);
    PQclear(result);
    return status;
}

enum mb_status postgres_user_by_name(struct store *store, const char *name, struct user *out)
{
    char what[96];
    snprintf(what, sizeof what, "named '%.64s'", name);
    return fetch_user(store, PG_USER_BY_NAME, name, what, out);
}

enum mb_status postgres_user_by_id(struct store *store, int64_t id, struct user *out)
{
    char param[24], what[48];
    snprintf(param, sizeof param, "%" PRId64, id);
    snprintf(what, sizeof what, "with id %lld", (long long)id);
    return fetch_user(store, PG_USER_BY_ID, param, what, out);
}

/* The first column of the first row of a lookup, or NULL when none. */
static enum mb_status lookup(struct store *store, enum postgres_statement which, int count,
                             const char *const *params, char **existing)
{
    PGresult *result = NULL;
    *existing = NULL;
    enum mb_status status = postgres_run(store, which, count, params, "checking uniqueness",
                                         &result);
    if (status == MB_OK && PQntuples(result) > 0)
        *existing = postgres_text(result, 0, 0);
    PQclear(result);
    return status;
}

enum mb_status postgres_user_name_taken(struct store *store, const char *name, char **existing)
{
    const char *params[] = {name};
    return lookup(store, PG_USER_NAME_TAKEN, 1, params, existing);
}

enum mb_status postgres_user_email_taken(struct store *store, const char *email,
                                         char **existing)
{
    const char *params[] = {email};
    if (email == NULL) {
        *existing = NULL;
        return MB_OK;
    }
    return lookup(store, PG_USER_EMAIL_TAKEN, 1, params, existing);
}

enum mb_status postgres_user_lookalike(struct store *store, const struct name_keys *keys,
                                       char **existing)
{
    const char *params[] = {keys->fold, keys->skeleton};
    return lookup(store, PG_USER_LOOKALIKE, 2, params, existing);
}

enum mb_status postgres_user_insert(struct store *store, const char *name, const char *email,
                                    const char *hash, const struct name_keys *keys,
                                    int64_t created_at, int64_t *id)
{
    char created[24];
    snprintf(created, sizeof created, "%" PRId64, created_at != 0 ? created_at : store_now());
    const char *params[] = {name, email, hash, created, keys != NULL ? keys->fold : NULL,
                            keys != NULL ? keys->skeleton : NULL};
    PGresult *result = NULL;
    enum mb_status status = postgres_run(store, PG_USER_INSERT, 6, params, "adding a user",
                                         &result);
    if (status == MB_EXISTS) {
        /* Another session added it since the store looked: say which. */
        if (strstr(store->error, "ix_user_email") != NULL && email != NULL)
            status = store_fail(store, MB_EXISTS, "email '%s' is taken", email);
        else if (strstr(store->error, "ix_user_username") != NULL)
            status = store_fail(store, MB_EXISTS, "username '%s' is taken", name);
        /* else (an id taken: a copy that did not move the sequence on) as
         * the server said it. */
    }
    if (status == MB_OK && id != NULL)
        *id = postgres_int(result, 0, 0);
    PQclear(result);
    if (status == MB_OK)
        status = postgres_notify(store, "user");
    return status;
}

enum mb_status postgres_user_hash(struct store *store, int64_t id, char *hash, size_t size,
                                  bool *present)
{
    char param[24];
    snprintf(param, sizeof param, "%" PRId64, id);
    const char *params[] = {param};
    PGresult *result = NULL;
    *present = false;
    if (size > 0)
        hash[0] = '\0';
    enum mb_status status = postgres_run(store, PG_USER_HASH, 1, params, "reading a password",
                                         &result);
    if (status != MB_OK)
        return status;
    if (PQntuples(result) == 0) {
        status = store_fail(store, MB_NOT_FOUND, "no user with id %lld", (long long)id);
    } else if (!PQgetisnull(result, 0, 0)) {
        const char *stored = PQgetvalue(result, 0, 0);
        size_t length = (size_t)PQgetlength(result, 0, 0);
        *present = true;
        /* A hash too long for the buffer is garbled: leave it empty. */
        if (size > 0 && length < size) {
            memcpy(hash, stored, length);
            hash[length] = '\0';
        }
    }
    PQclear(result);
    return status;
}

/* Runs a one-row write on user `id`; MB_NOT_FOUND when there was no row. */
static enum mb_status write_user(struct store *store, enum postgres_statement which, int count,
                                 const char *const *params, int64_t id, const char *what)
{
    PGresult *result = NULL;
    enum mb_status status = postgres_run(store, which, count, params, what, &result);
    if (status == MB_OK && strcmp(PQcmdTuples(result), "0") == 0)
        status = store_fail(store, MB_NOT_FOUND, "no user with id %lld", (long long)id);
    PQclear(result);
    return status;
}

enum mb_status postgres_user_set_hash(struct store *store, int64_t id, const char *hash)
{
    char param[24];
    snprintf(param, sizeof param, "%" PRId64, id);
    const char *params[] = {param, hash};
    return write_user(store, PG_USER_SET_HASH, 2, params, id, "changing the password");
}

enum mb_status postgres_user_delete(struct store *store, int64_t id)
{
    char param[24];
    snprintf(param, sizeof param, "%" PRId64, id);
    const char *params[] = {param};
    /* ON DELETE CASCADE removes the posts in the same transaction. */
    enum mb_status status = write_user(store, PG_USER_DELETE, 1, params, id, "deleting a user");
    if (status == MB_OK)
        status = postgres_notify(store, "user");
    return status;
}

static enum mb_status read_users(struct store *store, enum postgres_statement which, int count,
                                 const char *const *params, bool whole, const char *what,
                                 struct user_list *out)
{
    PGresult *result = NULL;
    enum mb_status status = postgres_run(store, which, count, params, what, &result);
    if (status != MB_OK)
        return status;
    struct user_list list = {0};
    int rows = PQntuples(result);
    if (rows > 0)
        list.items = xcalloc((size_t)rows, sizeof *list.items);
    for (int row = 0; row < rows; row++) {
        struct user *user = &list.items[list.count++];
        if (whole) {
            read_user(result, row, user);
        } else {
            user->id = postgres_int(result, row, 0);
            user->username = postgres_text(result, row, 1);
        }
    }
    PQclear(result);
    *out = list;
    return MB_OK;
}

enum mb_status postgres_user_list(struct store *store, const char *after, bool descending,
                                  size_t limit, struct user_list *out)
{
    enum postgres_statement which =
        descending ? (after ? PG_USER_LIST_DESC_AFTER : PG_USER_LIST_DESC_FIRST)
                   : (after ? PG_USER_LIST_ASC_AFTER : PG_USER_LIST_ASC_FIRST);
    char count[24];
    snprintf(count, sizeof count, "%zu", limit);
    const char *params[] = {count, after};
    return read_users(store, which, after != NULL ? 2 : 1, params, true, "listing users", out);
}

enum mb_status postgres_user_keys_missing(struct store *store, size_t limit,
                                          struct user_list *out)
{
    char count[24];
    snprintf(count, sizeof count, "%zu", limit);
    const char *params[] = {count};
    return read_users(store, PG_USER_KEYS_MISSING, 1, params, false,
                      "looking for users without username keys", out);
}

enum mb_status postgres_user_set_keys(struct store *store, int64_t id,
                                      const struct name_keys *keys)
{
    char param[24];
    snprintf(param, sizeof param, "%" PRId64, id);
    const char *params[] = {param, keys->fold, keys->skeleton};
    return write_user(store, PG_USER_SET_KEYS, 3, params, id, "storing username keys");
}

enum mb_status postgres_user_lookalike_pairs(struct store *store, struct user_list *pairs)
{
    PGresult *result = NULL;
    struct user_list list = {0};
    enum mb_status status = postgres_run(store, PG_USER_LOOKALIKE_PAIRS, 0, NULL,
                                         "looking for lookalike usernames", &result);
    if (status != MB_OK)
        return status;
    int rows = PQntuples(result);
    if (rows > 0)
        list.items = xcalloc((size_t)rows * 2, sizeof *list.items);
    for (int row = 0; row < rows; row++)
        for (int column = 0; column < 2; column++)
            list.items[list.count++].username = xstrdup(PQgetvalue(result, row, column));
    PQclear(result);
    *pairs = list;
    return MB_OK;
}
