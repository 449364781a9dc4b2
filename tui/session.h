/* The session: what every pane and the app share about this run of the
 * TUI — the open store, the author one posts as (tui/author.c), the
 * status line's message, whether the database file is still the one
 * opened and the server still reachable, and the changes other sessions
 * committed. Posting, deleting and switching author go through here:
 * every answer comes from the store, this file only turns it into what
 * the person reads and tells the app when a password prompt is needed.
 * Panes hold a pointer to it instead of calling up into the app.
 * Internal to tui/. */
#ifndef TUI_SESSION_H
#define TUI_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/config.h"
#include "store/store.h"
#include "tui/author.h"
#include "tui/draw.h"
#include "tui/layout.h"

/* A lost database server is tried again at most this often. */
#define SESSION_RECONNECT_MS 1000

struct session {
    struct store *store;
    struct author author;
    bool personal;               /* store_mode() is STORE_MODE_PERSONAL */
    char message[512];
    enum draw_style message_style;
    /* Why the file at the database's path is not the one open (empty
     * while it is): shown instead of any other message until it is back. */
    char file_lost[512];
    uint64_t data_version;
    bool have_data_version;
    struct timespec last_poll;
    /* The database server could not be reached at the last try (a server
     * store only): said once on the status line; a reconnection is tried
     * at most every SESSION_RECONNECT_MS, so that a server that answers
     * slowly or not at all costs the keyboard one try per interval, not
     * one per tick. */
    bool connection_lost;
    struct timespec last_reconnect;
    /* Another session committed (or the connection came back): the views
     * must be read again. The app clears it after refreshing them. */
    bool stale;
    char *database_label;
    /* The author's mentions after their mentions mark (at most
     * SESSION_UNREAD_CAP), for the status line. */
    int64_t mentions_unread;
    /* Where the author had read the timeline up to when this session
     * started (or switched author): new posts begin above it. */
    struct post_cursor timeline_mark;
};

#define SESSION_UNREAD_CAP 99

/* What a request that may need the author's password came to. */
enum session_outcome {
    SESSION_DONE,           /* done (or allowed) */
    SESSION_REFUSED,        /* not done; the status line says why */
    SESSION_ASK_PASSWORD,   /* open the password prompt for author.waiting_for */
    SESSION_ASK_CREATE,     /* no such user (personal mode): offer to create it */
};

/* Starts the session's author (config's user in personal mode). Free with
 * session_free; the store stays the caller's. */
void session_init(struct session *session, struct store *store, const struct config *config);
void session_free(struct session *session);

/* Sets the status line message (printf-style; sanitized when drawn). */
void session_message(struct session *session, enum draw_style style, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Reports a failed store call: "what: reason" in the error style. */
void session_store_error(struct session *session, const char *what, enum mb_status status);

/* An SSH forced command runs no program the person could get a shell
 * from: the compose box only. */
bool session_editor_allowed(const struct session *session);

/* Milliseconds since `since` (CLOCK_MONOTONIC). */
long session_elapsed_ms(const struct timespec *since);

/* Looks for changes: another connection's commit (then `stale` is set),
 * the database file deleted, replaced or put back, the server lost or
 * back. True when the screen must be drawn again. */
bool session_poll(struct session *session);

struct edit_buffer;
/* Posts the draft as the current author, answering reply_to (0: none).
 * The draft is the caller's to clear on SESSION_DONE. */
enum session_outcome session_post(struct session *session, const struct edit_buffer *draft,
                                  int64_t reply_to);

/* Reads the author's timeline mark and unread mentions again (at start,
 * after switching author); session_count_unread only the latter (after
 * other sessions wrote). Nobody to post as, or a store that cannot say:
 * no mark and nothing unread. */
void session_read_marks(struct session *session);
void session_count_unread(struct session *session);

/* Moves the author's read mark forward to at (their own: the store
 * refuses anyone else's); the mentions mark also counts the unread again. */
void session_mark_read(struct session *session, enum store_mark mark,
                       const struct post_cursor *at);

/* Whether post_id by user_id (author: their name, sanitized) may be
 * deleted now; then session_delete deletes it (true when it did). */
enum session_outcome session_may_delete(struct session *session, int64_t user_id,
                                        const char *author);
bool session_delete(struct session *session, int64_t post_id);

/* u: true in personal mode (the app asks whom to post as); in the shared
 * modes the system says who you are, and the status line says so. */
bool session_may_switch_author(struct session *session);

/* Switches to the user `name`, with password (NULL: none typed yet). On
 * SESSION_ASK_PASSWORD *asking (caller frees) names the user whose
 * password to ask for; SESSION_ASK_CREATE when nobody has that name in
 * personal mode, where the author may be created (session_create_author). */
enum session_outcome session_switch_author(struct session *session, const char *name,
                                           const char *password, char **asking);

/* A message lasts until the next key: the app clears it before acting on
 * one. A lost server or file is said for as long as it lasts. */
void session_clear_message(struct session *session);

/* Private entries (P, U): whether the author has unlocked them on this
 * store handle; unlocking with passphrase (their first entry's makes the
 * key); *first (may be NULL) says whether they have none yet, so that
 * the app asks the passphrase twice. Writing one seals the draft. The
 * status line says what came of each. */
bool session_private_unlocked(struct session *session);
enum session_outcome session_private_first(struct session *session, bool *first);
enum session_outcome session_private_unlock(struct session *session, const char *passphrase);
enum session_outcome session_post_private(struct session *session,
                                          const struct edit_buffer *draft);

/* Creates the user `name` (personal mode, after y) and switches to it;
 * the status line says what came of it. */
enum session_outcome session_create_author(struct session *session, const char *name);

/* The status line outside the prompts: the database, the author, the
 * key of the help in the mode one is in ("?:help", "F1:help" while
 * writing), then the message, or else the mode's keys (hints); while the
 * file is gone, only why. */
void session_draw_status(const struct session *session, struct rect line,
                         const char *help_key, const char *hints);

#endif
