/* What the timeline shows: a view is a kind (whose title and empty-state
 * text it has) and the struct post_filter the store lists its posts with
 * (a conversation is listed by its post instead). Panes ask the app to
 * open one (PANE_OPEN_VIEW); the app binds it to the current author
 * (view_bind: Home's follows, Mentions' name, the mutes of every view)
 * and hands it to the timeline. A view is a plain value: copy it freely,
 * nothing to free. Internal to tui/. */
#ifndef TUI_VIEW_H
#define TUI_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

enum view_kind {
    VIEW_HOME,           /* the people the author follows, and the author */
    VIEW_ALL,            /* every post */
    VIEW_USER,           /* one author's posts (user_id, name) */
    VIEW_PROFILE,        /* one author's profile card, then their posts */
    VIEW_CONVERSATION,   /* the conversation of post_id, oldest first */
    VIEW_MENTIONS,       /* the posts that mention the author */
    VIEW_SEARCH,         /* the posts matching words (full-text search) */
    VIEW_TAG,            /* the posts tagged #words */
};

struct view {
    enum view_kind kind;
    struct post_filter filter;
    /* The user the view is about (VIEW_USER, VIEW_PROFILE), as stored:
     * drawn through the draw layer like every string. */
    int64_t user_id;
    char name[STORE_USERNAME_MAX * 4 + 1];
    int64_t post_id;     /* VIEW_CONVERSATION */
    /* VIEW_SEARCH: the query; VIEW_TAG: the tag as stored (folded). Kept
     * here, not as a pointer in filter, so that a copy stays whole:
     * view_filter points the filter at the copy it is given. */
    char words[512];
    /* The author the view was bound to (0: nobody yet: Home and Mentions
     * are then empty, not everyone's). */
    int64_t author_id;
};

struct view view_home(void);
struct view view_all(void);
struct view view_mentions(void);
/* The posts of user_id, named name (NULL: "?"); with its profile card. */
struct view view_user(int64_t user_id, const char *name);
struct view view_profile(int64_t user_id, const char *name);
/* The posts matching query (search), or tagged tag (folded, without
 * its '#'). */
struct view view_search(const char *query);
struct view view_tag(const char *tag);

/* The filter to list view's posts with: view->filter, with the search or
 * the tag pointing into view (valid while view is). */
struct post_filter view_filter(const struct view *view);

/* The conversation post_id belongs to. */
struct view view_conversation(int64_t post_id);

/* Fills the filter for the current author: muted authors left out of
 * every view, Home's follows and Mentions' name. */
void view_bind(struct view *view, int64_t author_id);

/* Whether the view is empty for want of an author (Home, Mentions with
 * nobody to post as). */
bool view_needs_author(const struct view *view);

/* Whether the view reads the timeline's read mark (Home and All). */
bool view_is_timeline(const struct view *view);

#endif
