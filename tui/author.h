/* The author the TUI posts as. Who may post as whom is the store's rule
 * (store_author_resolve), the same one the CLI's `post` asks; this module
 * only remembers whom the person chose and asks the store again before
 * every post, since another process may have set a password or deleted the
 * user meanwhile. Personal mode: the configured user, created on the first
 * post; `u` switches; a user with a password needs it once per session
 * (the store handle remembers it). Shared modes: always the store's person.
 * Internal to tui/; no curses here (the app turns the answers into words). */
#ifndef TUI_AUTHOR_H
#define TUI_AUTHOR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/status.h"
#include "store/store.h"

struct author {
    int64_t id;           /* 0: the default author, not created yet, or nobody */
    char *name;           /* as the status line shows it; AUTHOR_NOBODY when locked */
    /* Nobody to post as until author_switch succeeds: the default author
     * has a password, or the author was deleted. */
    bool locked;
    char *waiting_for;    /* locked: the user whose password a post asks for
                           * (NULL: nobody's, the author was deleted) */
};

#define AUTHOR_NOBODY "(no one)"   /* not a valid username: it has a space */

/* The author at start: the store's person in the shared modes; in personal
 * mode default_name, locked when that user has a password ($USER is no
 * proof of it). MB_OK, MB_PASSWORD (locked, waiting for default_name's
 * password) or a store failure (store_error says why; the author is then
 * default_name or the person, tried again before the first post). Free
 * with author_free. */
enum mb_status author_start(struct author *author, struct store *store,
                            const char *default_name);

/* Before a post or a delete, for an author that is not locked: MB_OK when
 * one may go out as author->id now (the default author is created on
 * first use); MB_PASSWORD when the user has a password not given in this
 * session (then locked, waiting for it); MB_NOT_FOUND when the author no
 * longer exists (then locked, waiting for nobody); else a store failure. */
enum mb_status author_ensure(struct author *author, struct store *store);

/* Switches to the user `name` (u), giving password (NULL: none typed yet).
 * MB_OK: switched. MB_PASSWORD: the user needs one; *asking (caller frees)
 * is their name as stored, for the prompt. MB_AUTH: wrong password;
 * MB_NOT_FOUND: no such user; MB_DENIED: the shared modes, where the
 * system says who you are. On any failure the author is unchanged. */
enum mb_status author_switch(struct author *author, struct store *store, const char *name,
                             const char *password, char **asking);

void author_free(struct author *author);

#endif
