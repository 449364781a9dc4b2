/* The author the TUI posts as (see author.h). Every answer here comes from
 * store_author_resolve: this file decides nothing about passwords or who
 * may be whom, it only keeps the state the status line and the prompts
 * need between two questions to the store. */
#include "tui/author.h"

#include <stdlib.h>

#include "core/xalloc.h"

static void set_author(struct author *author, int64_t id, const char *name)
{
    char *copy = xstrdup(name);
    free(author->name);
    free(author->waiting_for);
    author->name = copy;
    author->id = id;
    author->locked = false;
    author->waiting_for = NULL;
}

/* Nobody to post as; `waiting_for` (may be NULL) has a password that a
 * post will ask for. */
static void lock(struct author *author, const char *waiting_for)
{
    char *copy = waiting_for != NULL ? xstrdup(waiting_for) : NULL;
    set_author(author, 0, AUTHOR_NOBODY);
    author->locked = true;
    author->waiting_for = copy;
}

enum mb_status author_start(struct author *author, struct store *store,
                            const char *default_name)
{
    *author = (struct author){ 0 };
    struct user user = { 0 };
    enum mb_status status = store_author_resolve(store, NULL, default_name, false, NULL, &user,
                                                 NULL);
    if (status == MB_OK) {
        set_author(author, user.id, user.username);
    } else if (status == MB_PASSWORD) {
        lock(author, user.username);
    } else {
        /* Personal mode: created on the first post; a shared mode's
         * person is looked for again then. */
        const char *person = store_person(store);
        set_author(author, 0, person != NULL ? person : default_name);
        if (status == MB_NOT_FOUND && person == NULL)
            status = MB_OK;
    }
    store_user_clear(&user);
    return status;
}

enum mb_status author_ensure(struct author *author, struct store *store)
{
    struct user user = { 0 };
    bool personal = store_mode(store) == STORE_MODE_PERSONAL;
    /* The default author (id 0) is created now; one chosen before must
     * still be there. */
    bool create = personal && author->id == 0;
    enum mb_status status = store_author_resolve(store, personal ? author->name : NULL,
                                                 author->name, create, NULL, &user, NULL);
    if (status == MB_OK && author->id != 0 && user.id != author->id)
        status = MB_NOT_FOUND;   /* deleted, and someone took the name since */
    if (status == MB_OK)
        set_author(author, user.id, user.username);
    else if (status == MB_PASSWORD)
        lock(author, user.username);
    else if (status == MB_NOT_FOUND)
        lock(author, NULL);
    store_user_clear(&user);
    return status;
}

enum mb_status author_switch(struct author *author, struct store *store, const char *name,
                             const char *password, char **asking)
{
    struct user user = { 0 };
    *asking = NULL;
    enum mb_status status = store_author_resolve(store, name, NULL, false, password, &user, NULL);
    if (status == MB_OK)
        set_author(author, user.id, user.username);
    else if (status == MB_PASSWORD && user.username != NULL)
        *asking = xstrdup(user.username);
    store_user_clear(&user);
    return status;
}

void author_free(struct author *author)
{
    free(author->name);
    free(author->waiting_for);
    *author = (struct author){ 0 };
}
