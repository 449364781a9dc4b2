/* The session (see session.h): the author, the status line's message and
 * the health of the connection to the database, shared by the app and the
 * panes. Who may do what is the store's to say (store_author_resolve,
 * store_authorize); this file words its answers. */
#include "tui/session.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/xalloc.h"
#include "tui/edit_buffer.h"

#define CONNECTION_LOST_MESSAGE "lost the connection to the database server; retrying."
#define CONNECTION_LOST_SENTENCE "Lost the connection to the database server; retrying."

static char *database_label(struct store *store)
{
    const char *path = store_path(store);
    if (path == NULL)
        return xstrdup("?");
    const char *slash = strrchr(path, '/');
    return xstrdup(slash != NULL && slash[1] != '\0' ? slash + 1 : path);
}

void session_init(struct session *session, struct store *store, const struct config *config)
{
    memset(session, 0, sizeof *session);
    session->store = store;
    session->database_label = database_label(store);
    session->personal = store_mode(store) == STORE_MODE_PERSONAL;
    const char *name = config->user != NULL && config->user[0] != '\0' ? config->user : "me";
    enum mb_status status = author_start(&session->author, store, name);
    if (status == MB_PASSWORD)   /* $USER is no proof of the password */
        session_message(session, STYLE_WARNING, "%s has a password: press u to log in.",
                        session->author.waiting_for);
    else if (status != MB_OK)
        session_store_error(session, "No author to post as", status);
    session_read_marks(session);
}

void session_free(struct session *session)
{
    author_free(&session->author);
    free(session->database_label);
}

void session_message(struct session *session, enum draw_style style, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(session->message, sizeof session->message, format, args);
    va_end(args);
    session->message_style = style;
}

void session_clear_message(struct session *session)
{
    if (session->connection_lost)
        snprintf(session->message, sizeof session->message, "%s", CONNECTION_LOST_SENTENCE);
    else
        session->message[0] = '\0';
}

/* True while the file at the store's path is the one that was opened;
 * otherwise remembers the store's explanation for the status line. Asked
 * when looking for changes and before every write (which the store refuses
 * anyway): nothing is ever reported as written into a file nobody reads. */
static bool file_still_there(struct session *session)
{
    if (store_file_check(session->store) == MB_OK) {
        session->file_lost[0] = '\0';
        return true;
    }
    snprintf(session->file_lost, sizeof session->file_lost, "%s", store_error(session->store));
    return false;
}

/* True when status, just returned by the store, means that the database
 * server cannot be reached (MB_IO on a server store; on a file it is a
 * disk error, said as it is). Remembers it for session_poll. */
static bool connection_failed(struct session *session, enum mb_status status)
{
    const char *path = store_path(session->store);
    if (status != MB_IO || path == NULL || strstr(path, "://") == NULL)
        return false;
    if (!session->connection_lost)
        clock_gettime(CLOCK_MONOTONIC, &session->last_reconnect);
    session->connection_lost = true;
    return true;
}

void session_store_error(struct session *session, const char *what, enum mb_status status)
{
    const char *detail = store_error(session->store);
    if (detail == NULL || detail[0] == '\0')
        detail = mb_status_message(status);
    session_message(session, STYLE_ERROR, "%s: %s", what, detail);
    if (status == MB_REPLACED)
        file_still_there(session);
}

bool session_editor_allowed(const struct session *session)
{
    return store_mode(session->store) != STORE_MODE_RESTRICTED;
}

long session_elapsed_ms(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000L + (now.tv_nsec - since->tv_nsec) / 1000000L;
}

bool session_poll(struct session *session)
{
    clock_gettime(CLOCK_MONOTONIC, &session->last_poll);
    bool was_lost = session->file_lost[0] != '\0';
    if (file_still_there(session) == was_lost)
        return true;
    uint64_t version = 0;
    if (session->connection_lost &&
        session_elapsed_ms(&session->last_reconnect) < SESSION_RECONNECT_MS)
        return false;
    bool was_connected = !session->connection_lost;
    enum mb_status status = store_data_version(session->store, &version);
    if (status != MB_OK) {
        if (!connection_failed(session, status))
            return false;
        clock_gettime(CLOCK_MONOTONIC, &session->last_reconnect);
        if (was_connected)
            session_message(session, STYLE_ERROR, "%s", CONNECTION_LOST_SENTENCE);
        return was_connected;
    }
    bool changed = session->have_data_version && version != session->data_version;
    if (session->connection_lost) {
        /* What others wrote meanwhile was never announced: read it all. */
        session->connection_lost = false;
        session_message(session, STYLE_INFO, "Connected to the database server again.");
        changed = true;
    }
    session->data_version = version;
    session->have_data_version = true;
    if (changed)
        session->stale = true;
    return changed;
}

/* Whether a post or a delete may go out as the current author now, as
 * the store says (author_ensure, store_author_resolve). Otherwise says
 * why, or asks for the password of a user who has one (the draft is
 * kept, and Enter posts it once the password was right). */
static enum session_outcome author_ready(struct session *session)
{
    struct author *author = &session->author;
    enum mb_status status = MB_PASSWORD;
    if (author->locked && author->waiting_for == NULL) {
        session_message(session, STYLE_ERROR, "Nobody to post as: press u to choose an author.");
        return SESSION_REFUSED;
    }
    if (!author->locked)
        status = author_ensure(author, session->store);
    if (status == MB_OK)
        return SESSION_DONE;
    if (status == MB_PASSWORD) {
        session_message(session, STYLE_WARNING, "%s has a password: type it, or Esc.",
                        author->waiting_for);
        return SESSION_ASK_PASSWORD;
    }
    if (status == MB_NOT_FOUND)
        session_message(session, STYLE_ERROR, "Your author no longer exists; press u.");
    else if (connection_failed(session, status))
        session_message(session, STYLE_ERROR, "Not posted, draft kept: " CONNECTION_LOST_MESSAGE);
    else
        session_store_error(session, "No author to post as", status);
    return SESSION_REFUSED;
}

enum session_outcome session_post(struct session *session, const struct edit_buffer *draft,
                                  int64_t reply_to)
{
    const char *text = draft->text;
    if (edit_buffer_blank(draft)) {
        session_message(session, STYLE_ERROR, "Not posted: the draft is empty.");
        return SESSION_REFUSED;
    }
    size_t length = edit_buffer_codepoints(draft);
    if (length > STORE_BODY_MAX) {
        session_message(session, STYLE_ERROR,
                        "Not posted: too long (%zu/%d characters); the draft is kept.", length,
                        STORE_BODY_MAX);
        return SESSION_REFUSED;
    }
    struct mb_error err;
    if (store_validate_body(text, &err) != MB_OK) {
        session_message(session, STYLE_ERROR, "Not posted: %s; the draft is kept.", err.message);
        return SESSION_REFUSED;
    }
    if (!file_still_there(session)) {
        session_message(session, STYLE_ERROR, "Not posted (the draft is kept): %s",
                        session->file_lost);
        return SESSION_REFUSED;
    }
    if (session->connection_lost) {
        /* Try at once rather than at the next interval: Enter is a request. */
        session->last_reconnect.tv_sec -= SESSION_RECONNECT_MS / 1000 + 1;
        session_poll(session);
        if (session->connection_lost) {
            session_message(session, STYLE_ERROR,
                            "Not posted, draft kept: " CONNECTION_LOST_MESSAGE);
            return SESSION_REFUSED;
        }
    }
    enum session_outcome ready = author_ready(session);
    if (ready != SESSION_DONE)
        return ready;
    int64_t id = 0;
    enum mb_status status =
        reply_to != 0
            ? store_post_reply(session->store, session->author.id, reply_to, text, 0, &id)
            : store_post_add(session->store, session->author.id, text, 0, &id);
    if (connection_failed(session, status)) {
        session_message(session, STYLE_ERROR, "Not posted, draft kept: " CONNECTION_LOST_MESSAGE);
        return SESSION_REFUSED;
    }
    if (status == MB_NOT_FOUND && reply_to != 0) {
        session_store_error(session, "Not posted (the draft is kept)", status);
        return SESSION_REFUSED;   /* the post it answers was deleted meanwhile */
    }
    if (status == MB_NOT_FOUND) {   /* the author was deleted meanwhile */
        return author_ready(session) == SESSION_ASK_PASSWORD ? SESSION_ASK_PASSWORD
                                                              : SESSION_REFUSED;
    }
    if (status != MB_OK) {
        session_store_error(session, "Not posted (the draft is kept)", status);
        return SESSION_REFUSED;
    }
    session_message(session, STYLE_INFO, reply_to != 0 ? "Replied as %s." : "Posted as %s.",
                    session->author.name);
    return SESSION_DONE;
}

void session_count_unread(struct session *session)
{
    int64_t count = 0;
    if (session->author.id == 0 ||
        store_mentions_unread(session->store, session->author.id, SESSION_UNREAD_CAP, &count) !=
            MB_OK)
        count = 0;
    session->mentions_unread = count;
}

void session_read_marks(struct session *session)
{
    struct post_cursor at = { 0, 0 };
    if (session->author.id == 0 ||
        store_read_mark_get(session->store, session->author.id, STORE_MARK_TIMELINE, &at) !=
            MB_OK)
        at = (struct post_cursor){ 0, 0 };
    session->timeline_mark = at;
    session_count_unread(session);
}

void session_mark_read(struct session *session, enum store_mark mark,
                       const struct post_cursor *at)
{
    if (session->author.id == 0)
        return;
    enum mb_status status = store_read_mark_set(session->store, session->author.id, mark, at);
    if (status != MB_OK) {
        session_store_error(session, "Could not keep your read position", status);
        return;
    }
    if (mark == STORE_MARK_MENTIONS)
        session_count_unread(session);
}

/* The shared modes ask the store (your own posts; an admin anyone's). In
 * personal mode the store allows everything; the TUI still deletes only
 * the current author's posts, after their password, to keep honest people
 * apart on a shared file. */
enum session_outcome session_may_delete(struct session *session, int64_t user_id,
                                        const char *author)
{
    if (!file_still_there(session)) {
        session_message(session, STYLE_ERROR, "Not deleted: %s", session->file_lost);
        return SESSION_REFUSED;
    }
    if (!session->personal) {
        enum mb_status status =
            store_authorize(session->store, STORE_ACTION_POST_DELETE, user_id);
        if (status != MB_OK) {
            session_store_error(session, "Not deleted", status);
            return SESSION_REFUSED;
        }
        return SESSION_DONE;
    }
    if (session->author.id == 0 || user_id != session->author.id) {
        session_message(session, STYLE_ERROR,
                        "You can only delete your own posts; this one is by %s.", author);
        return SESSION_REFUSED;
    }
    return author_ready(session);
}

bool session_delete(struct session *session, int64_t post_id)
{
    enum mb_status status = store_post_delete(session->store, post_id);
    if (status != MB_OK) {
        session_store_error(session, "Not deleted", status);
        return false;
    }
    session_message(session, STYLE_INFO, "Post deleted.");
    return true;
}

bool session_may_switch_author(struct session *session)
{
    if (session->personal)
        return true;
    const char *person = store_person(session->store);
    session_message(session, STYLE_WARNING, "You are %s here; the system says who you are.",
                    person != NULL ? person : session->author.name);
    return false;
}

enum session_outcome session_switch_author(struct session *session, const char *name,
                                           const char *password, char **asking)
{
    bool asking_name = password == NULL;
    enum mb_status status = author_switch(&session->author, session->store, name, password,
                                          asking);
    if (status == MB_OK) {
        /* The key unlocked for the last author is not the new one's. */
        store_private_forget(session->store);
        session_message(session, STYLE_INFO, "Now posting as %s.", session->author.name);
        session_read_marks(session);
        return SESSION_DONE;
    }
    if (status == MB_PASSWORD && *asking != NULL && asking_name)
        return SESSION_ASK_PASSWORD;
    free(*asking);
    *asking = NULL;
    if (status == MB_NOT_FOUND && asking_name && session->personal)
        return SESSION_ASK_CREATE;
    if (status == MB_NOT_FOUND) {
        char *shown = text_sanitize(name, strlen(name), 0);
        session_message(session, STYLE_ERROR, "No user named %s; still posting as %s.", shown,
                        session->author.name);
        free(shown);
    } else if (status == MB_AUTH) {
        session_message(session, STYLE_ERROR, "Wrong password for %s; still posting as %s.",
                        name, session->author.name);
    } else {
        session_store_error(session,
                            asking_name ? "Cannot switch author" : "Cannot check the password",
                            status);
    }
    return SESSION_REFUSED;
}

bool session_private_unlocked(struct session *session)
{
    return session->author.id != 0 && store_private_unlocked(session->store, session->author.id);
}

enum session_outcome session_private_first(struct session *session, bool *first)
{
    enum session_outcome ready = author_ready(session);
    if (ready != SESSION_DONE)
        return ready;
    bool exists = false;
    enum mb_status status = store_private_exists(session->store, session->author.id, &exists);
    if (status != MB_OK) {
        session_store_error(session, "Cannot reach your private entries", status);
        return SESSION_REFUSED;
    }
    *first = !exists;
    return SESSION_DONE;
}

enum session_outcome session_private_unlock(struct session *session, const char *passphrase)
{
    enum session_outcome ready = author_ready(session);
    if (ready != SESSION_DONE)
        return ready;
    enum mb_status status = store_private_unlock(session->store, session->author.id, passphrase);
    if (status == MB_AUTH) {
        session_message(session, STYLE_ERROR, "Wrong passphrase; your entries stay locked.");
        return SESSION_REFUSED;
    }
    if (status != MB_OK) {
        session_store_error(session, "Not unlocked", status);
        return SESSION_REFUSED;
    }
    session_message(session, STYLE_INFO, "Unlocked: your private entries show their text.");
    return SESSION_DONE;
}

enum session_outcome session_post_private(struct session *session,
                                          const struct edit_buffer *draft)
{
    if (edit_buffer_blank(draft)) {
        session_message(session, STYLE_ERROR, "Nothing to seal: write the entry first.");
        return SESSION_REFUSED;
    }
    enum session_outcome ready = author_ready(session);
    if (ready != SESSION_DONE)
        return ready;
    enum mb_status status = store_post_private(session->store, session->author.id, draft->text,
                                               NULL);
    if (status != MB_OK) {
        session_store_error(session, "Not written (the draft is kept)", status);
        return SESSION_REFUSED;
    }
    session_message(session, STYLE_INFO, "Private entry sealed; only you can read it.");
    return SESSION_DONE;
}

enum session_outcome session_create_author(struct session *session, const char *name)
{
    struct user user = { 0 };
    bool created = false;
    enum mb_status status = store_user_ensure(session->store, name, &user, &created);
    store_user_clear(&user);
    if (status != MB_OK) {
        session_store_error(session, "Not created", status);
        return SESSION_REFUSED;
    }
    char *asking = NULL;
    enum session_outcome outcome = session_switch_author(session, name, NULL, &asking);
    free(asking);
    if (outcome == SESSION_DONE && created)
        session_message(session, STYLE_INFO, "Created %s; now posting as %s.",
                        session->author.name, session->author.name);
    return outcome == SESSION_ASK_PASSWORD ? SESSION_REFUSED : outcome;
}

void session_draw_status(const struct session *session, struct rect line,
                         const char *help_key, const char *hints)
{
    int x = line.x, end = line.x + line.cols;
    if (session->file_lost[0] != '\0') {
        /* Nothing else matters until the file is back: the whole line. */
        draw_string(line.y, x, end - x, session->file_lost, STYLE_ERROR);
        return;
    }
    x += draw_string(line.y, x, end - x, session->database_label, STYLE_STATUS);
    x += draw_string(line.y, x, end - x, " as ", STYLE_HINT);
    x += draw_string(line.y, x, end - x, session->author.name, STYLE_AUTHOR);
    if (session->mentions_unread > 0) {
        char unread[64];
        snprintf(unread, sizeof unread, "  %" PRId64 "%s mention%s (m)",
                 session->mentions_unread,
                 session->mentions_unread >= SESSION_UNREAD_CAP ? "+" : "",
                 session->mentions_unread == 1 ? "" : "s");
        x += draw_string(line.y, x, end - x, unread, STYLE_WARNING);
    }
    x += draw_string(line.y, x, end - x, "  ", STYLE_HINT);
    x += draw_string(line.y, x, end - x, help_key, STYLE_HINT);
    x += draw_string(line.y, x, end - x, "  ", STYLE_HINT);
    if (session->message[0] != '\0')
        draw_string(line.y, x, end - x, session->message, session->message_style);
    else
        draw_string(line.y, x, end - x, hints, STYLE_HINT);
}
