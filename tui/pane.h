/* Panes are objects (tig's view_ops, htop's Panel): each pane embeds a
 * struct pane whose ops draw it, handle a key, take a new area after a
 * resize and free it. The app owns the panes and asks them, in turn, to
 * draw into the areas the layout gives them. A pane never calls up into
 * the app: a key returns an action (handled, redraw, open a view, post
 * the draft...) and the app loop carries it out. What a pane may read or
 * report goes through the session (tui/session.h). */
#ifndef TUI_PANE_H
#define TUI_PANE_H

#include <stdbool.h>
#include <stdint.h>

#include "tui/keys.h"
#include "tui/layout.h"
#include "tui/session.h"
#include "tui/view.h"

/* What a key asks of the app. */
enum pane_action_kind {
    PANE_IGNORED,          /* not this pane's: the app tries it as a global key */
    PANE_HANDLED,          /* done; nothing to redraw */
    PANE_REDRAW,           /* done; draw again */
    PANE_OPEN_VIEW,        /* show action.view in the timeline */
    PANE_POST_DRAFT,       /* post the compose box's draft */
    PANE_LEAVE_COMPOSE,    /* back to the list pane focused before */
    PANE_EDIT_EXTERNALLY,  /* the draft in $VISUAL / $EDITOR */
    PANE_DELETE_POST,      /* ask to delete action.post */
    PANE_REPLY,            /* write a reply to action.post */
    PANE_FIND,             /* open the users pane's find prompt (/) */
    PANE_SEARCH,           /* open the search prompt (/ on the timeline) */
    PANE_TAG,              /* ask which tag of action.post to show */
    PANE_GO_TO_DATE,       /* ask for a date to go to */
};

/* The post an action is about (the timeline's selection). */
struct pane_post {
    int64_t id;
    int64_t user_id;
    const char *author;    /* sanitized; valid until the pane changes */
    const char *body;      /* sanitized; valid until the pane changes */
};

struct pane_action {
    enum pane_action_kind kind;
    struct view view;      /* PANE_OPEN_VIEW */
    struct pane_post post; /* PANE_DELETE_POST, PANE_REPLY */
};

struct pane;

struct pane_ops {
    const char *name;
    unsigned key_scopes;   /* scopes of keys_table looked up when focused */
    void (*draw)(struct pane *pane, bool focused);
    struct pane_action (*key)(struct pane *pane, const struct key_event *event);
    void (*resize)(struct pane *pane, struct rect area);
    void (*free)(struct pane *pane);
};

struct pane {
    const struct pane_ops *ops;
    struct session *session;
    struct rect area;
};

/* pane->ops->free(pane); NULL is a no-op. */
void pane_free(struct pane *pane);

/* An action of one kind with nothing attached. */
struct pane_action pane_action(enum pane_action_kind kind);

/* ---- the three panes (pane_users.c, pane_timeline.c, compose.c) ---- */

/* Each constructor loads its first page from the store; never NULL. */
struct pane *users_pane_new(struct session *session);
struct pane *timeline_pane_new(struct session *session, const struct view *view);
struct pane *compose_pane_new(struct session *session);

/* Reloads the rows around the selection after the database changed,
 * keeping the selection and its place on the screen. */
void users_pane_refresh(struct pane *pane);
void timeline_pane_refresh(struct pane *pane);

/* Selects the first user whose name is at or after prefix in the list's
 * order (the store's: ignoring case), with the rows around it; "All" for
 * an empty prefix. True when that user's name starts with prefix. */
bool users_pane_find(struct pane *pane, const char *prefix);

/* The selected user's name (caller frees), NULL on "All". */
char *users_pane_selected_name(struct pane *pane);

/* Marks the user whose posts the timeline shows (0: none, "All" when
 * the timeline shows every post). */
void users_pane_mark(struct pane *pane, const struct view *view);

/* Shows view's posts, newest first, from the newest (a conversation:
 * oldest first, from its first post). */
void timeline_pane_show(struct pane *pane, const struct view *view);

/* The view the timeline shows. */
const struct view *timeline_pane_view(struct pane *pane);

/* Shows the view's posts from the newest one before `until` (seconds),
 * selected: keyset pages from there, whatever the view's size. False in a
 * conversation, which has no dates to go to. */
bool timeline_pane_go_to(struct pane *pane, int64_t until);

/* Jumps to the newest post and selects it (after posting). */
void timeline_pane_show_newest(struct pane *pane);

struct edit_buffer;
/* The draft being written (owned by the compose pane). */
struct edit_buffer *compose_pane_draft(struct pane *pane);

/* Makes the draft a reply to post_id by author (sanitized; copied), or
 * (post_id 0) a new post again; compose_pane_reply_to says which. */
/* Rows the draft takes wrapped to width (at least 1; the cursor's line
 * after a full last line counts): what the app grows the box to. */
int compose_pane_text_rows(struct pane *pane, int width);

void compose_pane_set_reply(struct pane *pane, int64_t post_id, const char *author);
int64_t compose_pane_reply_to(struct pane *pane);

/* Makes the draft a private entry (sealed when posted), or a post again. */
void compose_pane_set_private(struct pane *pane, bool private_entry);
bool compose_pane_private(struct pane *pane);

#endif
