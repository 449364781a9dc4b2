/* The revision runner's rules, whatever the engine: where upgrade and
 * downgrade may go from where the database is (bounds, "use db
 * downgrade", nothing to do), in which order the revisions run, and who may
 * ask (admins, in the shared modes). An engine only takes one step (one
 * revision in one transaction with its version bump), says what happens
 * before leaving a revision (SQLite backs the file up; a server runs each
 * revision in a transaction) and records a stamp. */
#include "store/store.h"

#include <stdio.h>

#include "store/internal.h"

/* Revision 3 added the lookalike keys (store/users.c fills them in). */
#define KEYS_REVISION 3

int store_revision_head(const struct store *store)
{
    return store->migrations->count == 0
               ? 0
               : store->migrations->items[store->migrations->count - 1].revision;
}

const struct migration *store_migration_find(const struct store *store, int revision)
{
    for (size_t i = 0; i < store->migrations->count; i++)
        if (store->migrations->items[i].revision == revision)
            return &store->migrations->items[i];
    return NULL;
}

enum mb_status store_revision(struct store *store, int *current, int *head)
{
    enum mb_status status = store->backend->revision_current(store, current);
    if (status == MB_OK)
        *head = store_revision_head(store);
    return status;
}

void store_format_revision(char *out, size_t size, const struct store *store, int revision)
{
    const struct migration *m = store_migration_find(store, revision);
    if (revision == 0)
        snprintf(out, size, "base");
    else if (m != NULL)
        snprintf(out, size, "%04d (%s)", revision, m->name);
    else
        snprintf(out, size, "%04d", revision);
}

enum mb_status store_migrate_up(struct store *store, int target, char **backup_path)
{
    int head = store_revision_head(store), current = 0;
    if (backup_path != NULL)
        *backup_path = NULL;
    if (store->newer)
        return store_fail(store, MB_NEWER, "%s", store->error);
    if (target < 0)
        target = head;
    if (target > head)
        return store_fail(store, MB_INVALID, "unknown revision %04d (head is %04d)", target,
                          head);
    enum mb_status status = store_revision(store, &current, &head);
    if (status != MB_OK)
        return status;
    if (target < current)
        return store_fail(store, MB_INVALID,
                          "revision %04d is older than the current %04d: use db downgrade",
                          target, current);
    if (target == current)
        return MB_OK;
    status = store->backend->before_migrating(store, current, target, backup_path);
    for (int r = current + 1; status == MB_OK && r <= target; r++)
        status = store->backend->revision_step(store, store_migration_find(store, r), true);
    return status;
}

enum mb_status store_upgrade(struct store *store, int target, char **backup_path)
{
    if (backup_path != NULL)
        *backup_path = NULL;
    enum mb_status status = store_authorize(store, STORE_ACTION_MIGRATE, 0);
    if (status != MB_OK)
        return status;
    status = store_migrate_up(store, target, backup_path);
    int current = 0, head = 0;
    /* Users of a database that reached the keys' revision get them now,
     * as at any other open. */
    if (status == MB_OK && store_revision(store, &current, &head) == MB_OK &&
        current >= KEYS_REVISION)
        status = store_user_keys_backfill(store);
    return status;
}

enum mb_status store_downgrade(struct store *store, int target, char **backup_path)
{
    int current = 0, head = 0;
    if (backup_path != NULL)
        *backup_path = NULL;
    enum mb_status status = store_authorize(store, STORE_ACTION_MIGRATE, 0);
    if (status != MB_OK)
        return status;
    if (store->newer)
        return store_fail(store, MB_NEWER, "%s", store->error);
    status = store_revision(store, &current, &head);
    if (status != MB_OK)
        return status;
    if (target < 0)
        target = current > 0 ? current - 1 : 0;
    if (target > current)
        return store_fail(store, MB_INVALID,
                          "revision %04d is newer than the current %04d: use db upgrade",
                          target, current);
    if (target == current)
        return MB_OK;
    status = store->backend->before_migrating(store, current, target, backup_path);
    for (int r = current; status == MB_OK && r > target; r--)
        status = store->backend->revision_step(store, store_migration_find(store, r), false);
    return status;
}

enum mb_status store_stamp(struct store *store, int target)
{
    enum mb_status status = store_authorize(store, STORE_ACTION_MIGRATE, 0);
    if (status != MB_OK)
        return status;
    int head = store_revision_head(store);
    if (store->newer)
        return store_fail(store, MB_NEWER, "%s", store->error);
    if (target < 0 || target > head)
        return store_fail(store, MB_INVALID, "unknown revision %04d (head is %04d)", target,
                          head);
    return store->backend->stamp(store, target);
}

enum mb_status store_history(struct store *store, struct revision_info **out, size_t *count)
{
    return store->backend->history(store, out, count);
}

enum mb_status store_check(struct store *store, char **report)
{
    return store->backend->check(store, report);
}
