/* Private entries (issue 12): a post whose text is sealed under a key
 * derived from its author's passphrase (core/crypto.h) and kept in
 * private_entry, while the post row holds only a placeholder body and
 * private = 1 (migrations 0005), so that every listing can show that an
 * entry exists without reading it, and neither the search index nor the
 * tags ever see its text (no words are recorded for it).
 *
 * One salt per author: unlocking derives the author's key from their
 * newest sealed entry (opening it checks the passphrase), or makes a fresh
 * key for their first entry; the key is kept on the store handle in
 * libsodium's locked memory until the handle closes, so that sealing and
 * opening cost only the AEAD. The text is sealed with the new post's id
 * (the post row is written first, in the same write transaction), so an
 * entry copied onto another row does not open. Only the author may unlock
 * and write their entries, in every mode (the shared modes' store_authorize
 * says so); reading them opened happens when a page is read on a handle
 * where their author unlocked (store_private_open_posts).
 *
 * A first passphrase (the one that makes an author's key) is at least
 * PASSPHRASE_MIN characters; an older, shorter one still unlocks. A key is
 * never made below CRYPTO_STRENGTH_INTERACTIVE's Argon2id cost, whatever
 * password_strength says, except that a personal store configured with
 * "minimum" (the tests' strength, documented as for tests only) keeps it;
 * and since later keys are derived from the author's newest entry, a key
 * below that floor (made under "minimum" and opened where the floor holds)
 * opens the entries it sealed but seals no new one. */
#include "store/private.h"

#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/xalloc.h"
#include "store/queries.h"

/* The fewest characters of a new passphrase. */
#define PASSPHRASE_MIN 8

/* The lowest Argon2id cost of a key that seals new entries. */
static enum crypto_strength key_floor(const struct store *store)
{
    if (store->password_strength == CRYPTO_STRENGTH_MINIMUM && store->mode == STORE_MODE_PERSONAL)
        return CRYPTO_STRENGTH_MINIMUM;
    return CRYPTO_STRENGTH_INTERACTIVE;
}

/* The newest sealed entry of an author (post id 0 when none). */
struct newest {
    int64_t post_id;
    char *sealed;
};

static enum mb_status read_newest(void *context, const struct store_value *columns,
                                  size_t count)
{
    struct newest *newest = context;
    if (count != 2 || columns[1].type != STORE_VALUE_TEXT)
        return MB_DB;
    newest->post_id = store_value_as_int(&columns[0]);
    free(newest->sealed);
    newest->sealed = xstrdup(columns[1].text);
    return MB_OK;
}

static enum mb_status newest_entry(struct store *store, int64_t user_id, struct newest *out)
{
    struct store_value params[] = { store_value_int(user_id) };
    *out = (struct newest){ 0 };
    enum mb_status status = store_run(store, QUERY_PRIVATE_NEWEST, params, 1, read_newest, out,
                                      NULL);
    if (status == MB_DB && out->post_id == 0 && out->sealed == NULL)
        status = store_fail(store, MB_DB, "reading the newest private entry: not a sealed text");
    return status;
}

enum mb_status store_private_exists(struct store *store, int64_t user_id, bool *exists)
{
    struct newest newest;
    enum mb_status status = newest_entry(store, user_id, &newest);
    if (status == MB_OK)
        *exists = newest.post_id != 0;
    free(newest.sealed);
    return status;
}

void store_private_forget(struct store *store)
{
    crypto_private_key_free(store->private_key);
    store->private_key = NULL;
    store->private_user_id = 0;
}

bool store_private_unlocked(const struct store *store, int64_t user_id)
{
    return store->private_key != NULL && user_id != 0 && store->private_user_id == user_id;
}

enum mb_status store_private_unlock(struct store *store, int64_t user_id, const char *passphrase)
{
    struct crypto_private_key *key = NULL;
    struct newest newest = { 0 };
    char *opened = NULL;
    enum mb_status status = store_authorize(store, STORE_ACTION_ACT_AS, user_id);
    if (status != MB_OK)
        return status;
    if (passphrase == NULL || passphrase[0] == '\0')
        return store_fail(store, MB_INVALID, "the passphrase is empty");
    status = newest_entry(store, user_id, &newest);
    if (status != MB_OK)
        goto out;
    if (newest.post_id == 0) {
        size_t characters = 0;
        if (!text_codepoints(passphrase, strlen(passphrase), &characters) ||
            characters < PASSPHRASE_MIN) {
            status = store_fail(store, MB_INVALID, "the passphrase is too short: at least %d "
                                                   "characters (it is all that guards your "
                                                   "private entries)", PASSPHRASE_MIN);
            goto out;
        }
        enum crypto_strength strength = store->password_strength;
        if (strength < key_floor(store))
            strength = key_floor(store);
        status = crypto_private_key_new(passphrase, strength, &key);
    } else {
        status = crypto_private_key_derive(passphrase, newest.sealed, &key);
        if (status == MB_OK)
            status = crypto_private_open(key, user_id, newest.post_id, newest.sealed, &opened);
        if (status == MB_AUTH) {
            status = store_fail(store, MB_AUTH, "wrong passphrase");
            goto out;
        }
    }
    if (status != MB_OK) {
        status = store_fail(store, status, "unlocking private entries: %s",
                            mb_status_message(status));
        goto out;
    }
    store_private_forget(store);
    store->private_key = key;
    store->private_user_id = user_id;
    key = NULL;
out:
    if (opened != NULL) {
        crypto_wipe(opened, strlen(opened));
        free(opened);
    }
    crypto_private_key_free(key);
    free(newest.sealed);
    return status;
}

/* Inside the write: the key still fits the author's newest entry (another
 * session may have written a first entry under another passphrase since
 * this one unlocked: sealing now would leave the author two salts). */
static enum mb_status key_still_fits(struct store *store, int64_t user_id)
{
    struct newest newest;
    enum mb_status status = newest_entry(store, user_id, &newest);
    if (status == MB_OK && newest.post_id != 0 &&
        !crypto_private_key_fits(store->private_key, newest.sealed))
        status = store_fail(store, MB_AUTH, "another private entry was written under "
                                            "another passphrase since you unlocked: "
                                            "unlock again");
    free(newest.sealed);
    return status;
}

enum mb_status store_post_private(struct store *store, int64_t user_id, const char *plaintext,
                                  int64_t *id)
{
    struct mb_error err;
    char *sealed = NULL;
    int64_t written = 0;
    enum mb_status status = store_authorize(store, STORE_ACTION_POST_AS, user_id);
    if (status == MB_OK)
        status = store_authorize(store, STORE_ACTION_ACT_AS, user_id);
    if (status != MB_OK)
        return status;
    if (store_validate_body(plaintext, &err) != MB_OK)
        return store_fail(store, MB_INVALID, "%s", err.message);
    if (!store_private_unlocked(store, user_id))
        return store_fail(store, MB_PASSWORD, "unlock your private entries first "
                                              "(a passphrase is needed)");
    if (crypto_private_key_below(store->private_key, key_floor(store)))
        return store_fail(store, MB_DENIED, "your private entries are sealed at a cost below "
                                            "password_strength = interactive (their first was "
                                            "written under 'minimum', which is for tests): "
                                            "they still open, but no new entry is sealed so");
    status = store_write_begin(store);
    if (status != MB_OK)
        return status;
    status = key_still_fits(store, user_id);
    if (status == MB_OK)
        status = store->backend->post_insert(store, user_id, STORE_PRIVATE_PLACEHOLDER,
                                             store_now(), 0, 0, &written);
    struct store_value mark[] = { store_value_int(written) };
    if (status == MB_OK)
        status = store_run(store, QUERY_PRIVATE_MARK, mark, 1, NULL, NULL, NULL);
    if (status == MB_OK) {
        status = crypto_private_seal(store->private_key, user_id, written, plaintext, &sealed);
        if (status != MB_OK)
            status = store_fail(store, status, "sealing a private entry: %s",
                                mb_status_message(status));
    }
    if (status == MB_OK) {
        struct store_value params[] = { store_value_int(written), store_value_text(sealed) };
        status = store_run(store, QUERY_PRIVATE_INSERT, params, 2, NULL, NULL, NULL);
    }
    status = store_write_end(store, status);
    free(sealed);
    if (status == MB_OK && id != NULL)
        *id = written;
    return status;
}

/* The sealed text of post id (NULL when it has none). */
static enum mb_status read_sealed(void *context, const struct store_value *columns,
                                  size_t count)
{
    char **sealed = context;
    if (count == 1 && columns[0].type == STORE_VALUE_TEXT) {
        free(*sealed);
        *sealed = xstrdup(columns[0].text);
    }
    return MB_OK;
}

enum mb_status store_private_open_posts(struct store *store, struct post_list *list)
{
    enum mb_status status = MB_OK;
    for (size_t i = 0; status == MB_OK && i < list->count; i++) {
        struct post *post = &list->items[i];
        if (!post->is_private || !store_private_unlocked(store, post->user_id))
            continue;
        char *sealed = NULL, *opened = NULL;
        struct store_value params[] = { store_value_int(post->id) };
        status = store_run(store, QUERY_PRIVATE_SEALED, params, 1, read_sealed, &sealed, NULL);
        if (status == MB_OK && sealed != NULL) {
            if (!crypto_private_key_fits(store->private_key, sealed) ||
                crypto_private_open(store->private_key, post->user_id, post->id, sealed,
                                    &opened) != MB_OK) {
                free(post->body);
                post->body = xstrdup(STORE_PRIVATE_UNOPENED);
            } else {
                free(post->body);
                post->body = opened;
            }
        }
        free(sealed);
    }
    return status;
}
