/* Users, the rules that do not depend on the engine: validation, who may
 * (store_authorize), lookalike names (core/names: the keys and the
 * characters a name may use), passwords (Argon2id through core/crypto,
 * hashed outside the write lock) and the one write transaction around
 * each change. The SQL is the backend's (store->backend, store/backend.h). */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/names.h"
#include "core/xalloc.h"
#include "store/internal.h"
#include "store/words.h"

/* Users without lookalike keys filled in per write while backfilling. */
#define BACKFILL_BATCH 256
/* Revision 3 added the keys: before it there is nothing to compare. */
#define KEYS_REVISION 3

void store_user_clear(struct user *user)
{
    if (user == NULL)
        return;
    free(user->username);
    free(user->email);
    free(user->about);
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

enum mb_status store_user_get(struct store *store, const char *username, struct user *out)
{
    return store->backend->user_by_name(store, username, out);
}

enum mb_status store_user_get_by_id(struct store *store, int64_t id, struct user *out)
{
    return store->backend->user_by_id(store, id, out);
}

enum mb_status store_user_list(struct store *store, const char *after, bool descending,
                               size_t limit, struct user_list *out)
{
    return store->backend->user_list(store, after, descending, limit, out);
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

/* MB_EXISTS when the backend found an owner (existing, freed here):
 * "<what> '<value>' is taken", or with what NULL "username '<value>'
 * looks like the existing user '<existing>'". */
static enum mb_status refuse_taken(struct store *store, enum mb_status status, char *existing,
                                   const char *what, const char *value)
{
    if (status == MB_OK && existing != NULL && what != NULL)
        status = store_fail(store, MB_EXISTS, "%s '%s' is taken", what, value);
    else if (status == MB_OK && existing != NULL)
        status = store_fail(store, MB_EXISTS, "username '%s' looks like the existing user '%s'",
                            value, existing);
    free(existing);
    return status;
}

/* Inside a write: refuses a name that is taken (ignoring case), looks like
 * another user's (in a shared database that is impersonation; the refusal
 * names the existing user) or uses characters names do not; an email that
 * is taken; then inserts. */
/* Inside a write that adds users or keys: waits for others doing so, where
 * the engine's write lock does not already (store/backend.h). */
static enum mb_status lock_users(struct store *store)
{
    return store->backend->users_lock != NULL ? store->backend->users_lock(store) : MB_OK;
}

static enum mb_status insert_user(struct store *store, const char *username, const char *email,
                                  const char *hash, int64_t *id)
{
    const struct store_backend *backend = store->backend;
    struct name_keys keys = { 0 };
    char *existing = NULL;
    enum mb_status status = lock_users(store);
    if (status != MB_OK)
        return status;
    status = backend->user_name_taken(store, username, &existing);
    status = refuse_taken(store, status, existing, "username", username);
    if (status == MB_OK)
        status = name_keys(store, username, &keys);
    if (status == MB_OK) {
        existing = NULL;
        status = backend->user_lookalike(store, &keys, &existing);
        status = refuse_taken(store, status, existing, NULL, username);
    }
    if (status == MB_OK) {
        struct mb_error err = { { 0 } };
        status = names_check(username, &err);
        if (status != MB_OK)
            store_fail(store, status, "%s", err.message);
    }
    if (status == MB_OK && email != NULL) {
        existing = NULL;
        status = backend->user_email_taken(store, email, &existing);
        status = refuse_taken(store, status, existing, "email", email);
    }
    if (status == MB_OK)
        status = backend->user_insert(store, username, email, hash, &keys, store_now(), id);
    names_keys_clear(&keys);
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
    /* Another process may have created it since we looked (and, once the
     * users lock is held, cannot any more). */
    int64_t id = 0;
    status = lock_users(store);
    if (status == MB_OK)
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

static enum mb_status write_hash(struct store *store, int64_t id, const char *hash)
{
    enum mb_status status = store_write_begin(store);
    if (status != MB_OK)
        return status;
    return store_write_end(store, store->backend->user_set_hash(store, id, hash));
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
    char hash[CRYPTO_HASH_MAX + 1] = "";
    bool has_hash = false;
    enum mb_status status = store->backend->user_hash(store, id, hash, sizeof hash, &has_hash);
    if (status != MB_OK)
        return status;
    if (!has_hash || password == NULL || !crypto_password_verify(hash, password)) {
        crypto_wipe(hash, sizeof hash);
        return store_fail(store, MB_AUTH, "wrong password");
    }
    store->verified_user_id = id;
    if (crypto_password_needs_rehash(hash, store->password_strength) && !store->newer) {
        /* A failed rehash is not a failed login: the old hash still works. */
        char fresh[CRYPTO_HASH_MAX];
        if (crypto_password_hash(password, store->password_strength, fresh) == MB_OK)
            (void)write_hash(store, id, fresh);
        crypto_wipe(fresh, sizeof fresh);
    }
    crypto_wipe(hash, sizeof hash);
    return MB_OK;
}

enum mb_status store_user_delete(struct store *store, int64_t id)
{
    enum mb_status status = store_authorize(store, STORE_ACTION_USER_DELETE, 0);
    if (status != MB_OK)
        return status;
    status = store_write_begin(store);
    if (status != MB_OK)
        return status;
    /* ON DELETE CASCADE removes the posts in the same transaction, their
     * tag rows in no order of ours. */
    status = store_tags_lock(store, id, 0);
    if (status == MB_OK)
        status = store->backend->user_delete(store, id);
    return store_write_end(store, status);
}

/* One batch of users without keys, filled in one write; *done when none
 * was left. */
static enum mb_status backfill_batch(struct store *store, bool *done)
{
    struct user_list missing = { 0 };
    enum mb_status status = store_write_begin(store);
    if (status != MB_OK)
        return status;
    status = lock_users(store);
    if (status == MB_OK)
        status = store->backend->user_keys_missing(store, BACKFILL_BATCH, &missing);
    *done = status != MB_OK || missing.count == 0;
    for (size_t i = 0; i < missing.count && status == MB_OK; i++) {
        struct name_keys keys = { 0 };
        status = name_keys(store, missing.items[i].username, &keys);
        if (status == MB_OK)
            status = store->backend->user_set_keys(store, missing.items[i].id, &keys);
        names_keys_clear(&keys);
    }
    store_user_list_free(&missing);
    return store_write_end(store, status);
}

enum mb_status store_user_keys_backfill(struct store *store)
{
    struct user_list missing = { 0 };
    /* Every open asks: nothing to do is one index lookup (the NULLs of
     * ix_user_name_fold) and no write, so a read-only command takes no
     * write lock. */
    enum mb_status status = store->backend->user_keys_missing(store, 1, &missing);
    bool done = missing.count == 0;
    store_user_list_free(&missing);
    while (status == MB_OK && !done)
        status = backfill_batch(store, &done);
    return status;
}

enum mb_status store_user_lookalikes(struct store *store, char **report)
{
    int current = 0, head = 0;
    *report = NULL;
    enum mb_status status = store_revision(store, &current, &head);
    if (status != MB_OK || current < KEYS_REVISION)
        return status;
    if (!store->newer && (status = store_user_keys_backfill(store)) != MB_OK)
        return status;
    struct user_list pairs = { 0 };
    status = store->backend->user_lookalike_pairs(store, &pairs);
    char *text = NULL;
    size_t length = 0;
    for (size_t i = 0; status == MB_OK && i + 1 < pairs.count; i += 2) {
        char *line = xasprintf("usernames '%s' and '%s' look alike\n",
                               pairs.items[i].username, pairs.items[i + 1].username);
        size_t add = strlen(line);
        text = xrealloc(text, length + add + 1);
        memcpy(text + length, line, add + 1);
        length += add;
        free(line);
    }
    store_user_list_free(&pairs);
    *report = text;
    return status;
}
