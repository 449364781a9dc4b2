/* Views (see view.h): the filters the timeline lists its posts with. */
#include "tui/view.h"

#include <stdio.h>

struct view view_home(void)
{
    return (struct view){ .kind = VIEW_HOME };
}

struct view view_all(void)
{
    return (struct view){ .kind = VIEW_ALL };
}

struct view view_mentions(void)
{
    return (struct view){ .kind = VIEW_MENTIONS };
}

static struct view about_user(enum view_kind kind, int64_t user_id, const char *name)
{
    struct view view = { .kind = kind, .user_id = user_id };
    view.filter.author_id = user_id;
    snprintf(view.name, sizeof view.name, "%s", name != NULL ? name : "?");
    return view;
}

struct view view_user(int64_t user_id, const char *name)
{
    return about_user(VIEW_USER, user_id, name);
}

struct view view_profile(int64_t user_id, const char *name)
{
    return about_user(VIEW_PROFILE, user_id, name);
}

struct view view_search(const char *query)
{
    struct view view = { .kind = VIEW_SEARCH };
    snprintf(view.words, sizeof view.words, "%s", query != NULL ? query : "");
    return view;
}

struct view view_tag(const char *tag)
{
    struct view view = { .kind = VIEW_TAG };
    snprintf(view.words, sizeof view.words, "%s", tag != NULL ? tag : "");
    return view;
}

struct post_filter view_filter(const struct view *view)
{
    struct post_filter filter = view->filter;
    filter.search = view->kind == VIEW_SEARCH ? view->words : NULL;
    filter.tag = view->kind == VIEW_TAG ? view->words : NULL;
    return filter;
}

struct view view_conversation(int64_t post_id)
{
    return (struct view){ .kind = VIEW_CONVERSATION, .post_id = post_id };
}

void view_bind(struct view *view, int64_t author_id)
{
    view->author_id = author_id;
    view->filter.viewer_id = author_id;
    if (view->kind == VIEW_HOME)
        view->filter.following_of = author_id;
    if (view->kind == VIEW_MENTIONS)
        view->filter.mentioning = author_id;
}

bool view_needs_author(const struct view *view)
{
    return (view->kind == VIEW_HOME || view->kind == VIEW_MENTIONS) && view->author_id == 0;
}

bool view_is_timeline(const struct view *view)
{
    return view->kind == VIEW_HOME || view->kind == VIEW_ALL;
}
