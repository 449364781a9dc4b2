/* Who may do what: the one place that decides it, whichever face asks.
 * In personal mode the file is yours and everything is allowed. In the
 * shared modes (a setgid shared box, an SSH forced command) the store was
 * opened for one person: they post, edit and delete only as themselves and
 * only their own posts, and change only their own password; adding and
 * deleting users, deleting other people's posts, import and schema changes
 * are for admins. The writes in users.c, posts.c and migrate.c call
 * store_authorize before they touch anything; store_author_resolve is the
 * rule "who may post as whom" that the CLI and the TUI both use. */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/internal.h"

enum store_mode store_mode(const struct store *store)
{
    return store->mode;
}

const char *store_person(const struct store *store)
{
    return store->mode == STORE_MODE_PERSONAL ? NULL : store->person;
}

int64_t store_person_id(const struct store *store)
{
    return store->person_id;
}

bool store_person_is_admin(const struct store *store)
{
    return store->mode == STORE_MODE_PERSONAL || store->person_is_admin;
}

enum mb_status store_person_prepare(struct store *store)
{
    struct user person = { 0 };
    if (store->mode == STORE_MODE_PERSONAL || store->newer)
        return MB_OK;
    /* The person is exactly their name: usernames are unique ignoring
     * case, and a login "ALICE" must not become the user "alice" (nor a
     * lookalike, which creating the row refuses). */
    enum mb_status status = store_user_get(store, store->person, &person);
    if (status == MB_OK && strcmp(person.username, store->person) != 0)
        status = store_fail(store, MB_DENIED,
                            "you are '%s' here, which looks like the existing user '%s': "
                            "ask an admin", store->person, person.username);
    else if (status == MB_NOT_FOUND)
        status = store_user_ensure(store, store->person, &person, NULL);
    if (status == MB_EXISTS) {
        char reason[sizeof store->error];
        snprintf(reason, sizeof reason, "%s", store->error);
        status = store_fail(store, MB_DENIED, "you are '%s' here, but %s: ask an admin",
                            store->person, reason);
    }
    if (status == MB_OK)
        store->person_id = person.id;
    store_user_clear(&person);
    return status;
}

/* The person's row, resolved on first need (a db command may have opened
 * a database without a user table, which an upgrade then created). */
static enum mb_status need_person(struct store *store)
{
    if (store->person_id != 0)
        return MB_OK;
    return store_person_prepare(store);
}

enum mb_status store_authorize(struct store *store, enum store_action action, int64_t owner_id)
{
    if (store->mode == STORE_MODE_PERSONAL)
        return MB_OK;
    bool own = false;
    if (owner_id != 0) {
        enum mb_status status = need_person(store);
        if (status != MB_OK)
            return status;
        own = owner_id == store->person_id;
    }
    switch (action) {
    case STORE_ACTION_POST_AS:
        if (own || store->importing)
            return MB_OK;
        return store_fail(store, MB_DENIED, "you can only post as yourself (%s)",
                          store->person);
    case STORE_ACTION_POST_DELETE:
        if (own || store->person_is_admin)
            return MB_OK;
        return store_fail(store, MB_DENIED, "only an admin may delete other people's posts");
    case STORE_ACTION_USER_PASSWORD:
        if (own || store->person_is_admin)
            return MB_OK;
        return store_fail(store, MB_DENIED, "you can only change your own password");
    case STORE_ACTION_USER_ADD:
        if (store->person_is_admin || store->importing)
            return MB_OK;
        return store_fail(store, MB_DENIED, "only an admin may add users");
    case STORE_ACTION_USER_DELETE:
        if (store->person_is_admin)
            return MB_OK;
        return store_fail(store, MB_DENIED, "only an admin may delete users");
    case STORE_ACTION_IMPORT:
        if (store->person_is_admin)
            return MB_OK;
        return store_fail(store, MB_DENIED, "only an admin may import posts");
    case STORE_ACTION_MIGRATE:
        if (store->person_is_admin)
            return MB_OK;
        return store_fail(store, MB_DENIED, "only an admin may change the database schema");
    case STORE_ACTION_PROFILE:
        if (own || store->person_is_admin)
            return MB_OK;
        return store_fail(store, MB_DENIED, "you can only edit your own profile");
    case STORE_ACTION_ACT_AS:
        if (own)
            return MB_OK;
        return store_fail(store, MB_DENIED, "you can only act as yourself (%s)",
                          store->person);
    }
    return store_fail(store, MB_DENIED, "not allowed");
}

enum mb_status store_import_begin(struct store *store)
{
    enum mb_status status = store_authorize(store, STORE_ACTION_IMPORT, 0);
    if (status != MB_OK)
        return status;
    status = store_batch_begin(store);
    if (status == MB_OK)
        store->importing = true;
    return status;
}

/* The shared modes: the person, and nobody else. */
static enum mb_status resolve_person(struct store *store, const char *name, struct user *out)
{
    enum mb_status status = need_person(store);
    if (status != MB_OK)
        return status;
    if (name != NULL && strcmp(name, store->person) != 0)
        return store_fail(store, MB_DENIED, "you can only act as yourself (%s), not as '%.64s'",
                          store->person, name);
    return store_user_get_by_id(store, store->person_id, out);
}

enum mb_status store_author_resolve(struct store *store, const char *name,
                                    const char *default_name, bool create_missing,
                                    const char *password, struct user *out, bool *created)
{
    enum mb_status status;
    if (created != NULL)
        *created = false;
    if (store->mode != STORE_MODE_PERSONAL)
        return resolve_person(store, name, out);

    const char *who = name != NULL ? name : default_name;
    if (who == NULL)
        return store_fail(store, MB_INVALID, "no author given");
    if (create_missing)
        status = store_user_ensure(store, who, out, created);
    else
        status = store_user_get(store, who, out);
    if (status == MB_NOT_FOUND)
        return store_fail(store, MB_NOT_FOUND, "no user '%.64s'", who);
    if (status != MB_OK || !out->has_password)
        return status;
    /* A password keeps honest people apart on a shared file: asked once
     * per handle, and again when it was set by someone else since. */
    if (password == NULL) {
        if (store->verified_user_id == out->id)
            return MB_OK;
        status = store_fail(store, MB_PASSWORD, "'%.64s' has a password", out->username);
    } else {
        status = store_user_verify_password(store, out->id, password);
        if (status == MB_AUTH)
            store_fail(store, MB_AUTH, "wrong password for '%.64s'", out->username);
    }
    if (status != MB_OK) {
        int64_t keep_id = out->id;
        char *keep_name = xstrdup(out->username);
        store_user_clear(out);
        /* The caller still learns who it was, to ask for the password. */
        out->id = keep_id;
        out->username = keep_name;
        out->has_password = true;
    }
    return status;
}
