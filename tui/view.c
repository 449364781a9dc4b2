/* Views (see view.h): the filters the timeline lists its posts with. */
#include "tui/view.h"

#include <stdio.h>

struct view view_all(void)
{
    return (struct view){ .kind = VIEW_ALL };
}

struct view view_user(int64_t user_id, const char *name)
{
    struct view view = { .kind = VIEW_USER, .user_id = user_id };
    view.filter.author_id = user_id;
    snprintf(view.name, sizeof view.name, "%s", name != NULL ? name : "?");
    return view;
}
