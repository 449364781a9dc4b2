/* Panes are objects (tig's view_ops, htop's Panel): each pane embeds a
 * struct pane whose ops draw it, handle a key, take a new area after a
 * resize and free it. The app owns the panes and asks them, in turn, to
 * draw into the areas the layout gives them. */
#ifndef TUI_PANE_H
#define TUI_PANE_H

#include <stdbool.h>
#include <stdint.h>

#include "tui/keys.h"
#include "tui/layout.h"

struct app;

/* What a key did: nothing (the app may try it as a global key), something
 * that needs no redraw, something that does, or a request to quit. */
enum pane_result {
    PANE_IGNORED,
    PANE_HANDLED,
    PANE_REDRAW,
};

struct pane;

struct pane_ops {
    const char *name;
    unsigned key_scopes;   /* scopes of keys_table looked up when focused */
    void (*draw)(struct pane *pane, bool focused);
    enum pane_result (*key)(struct pane *pane, const struct key_event *event);
    void (*resize)(struct pane *pane, struct rect area);
    void (*free)(struct pane *pane);
};

struct pane {
    const struct pane_ops *ops;
    struct app *app;
    struct rect area;
};

/* pane->ops->free(pane); NULL is a no-op. */
void pane_free(struct pane *pane);

/* ---- the three panes (pane_users.c, pane_timeline.c, compose.c) ---- */

/* Each constructor loads its first page from the store; never NULL. */
struct pane *users_pane_new(struct app *app);
struct pane *timeline_pane_new(struct app *app);
struct pane *compose_pane_new(struct app *app);

/* Reloads the rows around the selection after the database changed,
 * keeping the selection and its place on the screen. */
void users_pane_refresh(struct pane *pane);
void timeline_pane_refresh(struct pane *pane);

/* Shows the posts of user_id (0: everyone, name NULL), newest first. */
void timeline_pane_set_filter(struct pane *pane, int64_t user_id, const char *name);

/* Jumps to the newest post and selects it (after posting). */
void timeline_pane_show_newest(struct pane *pane);

/* The selected post's id, author id and author (sanitized); false when
 * the timeline is empty. */
bool timeline_pane_selected(struct pane *pane, int64_t *post_id, int64_t *user_id,
                            const char **author);

struct edit_buffer;
/* The draft being written (owned by the compose pane). */
struct edit_buffer *compose_pane_draft(struct pane *pane);

#endif
