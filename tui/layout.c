/* Screen layout arithmetic (see layout.h). The timeline gets whatever the
 * users pane, the compose box and the status line leave over, because it
 * is what people read. */
#include "tui/layout.h"

#include <string.h>

bool layout_rect_visible(struct rect r)
{
    return r.rows > 0 && r.cols > 0;
}

static int clamp(int value, int low, int high)
{
    if (value < low)
        return low;
    if (value > high)
        return high;
    return value;
}

/* Editing rows of the compose box: more room for the draft on tall
 * terminals, one row on the smallest ones. */
static int compose_text_rows(int rows)
{
    if (rows >= 16)
        return 3;
    if (rows >= 10)
        return 2;
    return 1;
}

void layout_compute(int rows, int cols, bool users_focused, struct layout *out)
{
    memset(out, 0, sizeof *out);
    out->screen_rows = rows;
    out->screen_cols = cols;
    if (rows < 1 || cols < 1) {
        out->too_small = true;
        return;
    }
    out->status = (struct rect){ .y = rows - 1, .x = 0, .rows = 1, .cols = cols };
    if (rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS) {
        out->too_small = true;
        return;
    }

    int compose_rows = 1 + compose_text_rows(rows);
    int main_rows = rows - 1 - compose_rows;
    out->compose = (struct rect){ .y = main_rows, .x = 0, .rows = compose_rows, .cols = cols };

    if (cols >= LAYOUT_SIDE_BY_SIDE_COLS) {
        int users_cols = clamp(cols / 5, 18, 30);
        out->side_by_side = true;
        out->users_visible = true;
        out->timeline_visible = true;
        out->users = (struct rect){ .y = 0, .x = 0, .rows = main_rows, .cols = users_cols };
        out->separator = (struct rect){ .y = 0, .x = users_cols, .rows = main_rows, .cols = 1 };
        out->timeline = (struct rect){ .y = 0, .x = users_cols + 1, .rows = main_rows,
                                       .cols = cols - users_cols - 1 };
        return;
    }
    struct rect whole = { .y = 0, .x = 0, .rows = main_rows, .cols = cols };
    if (users_focused) {
        out->users_visible = true;
        out->users = whole;
    } else {
        out->timeline_visible = true;
        out->timeline = whole;
    }
}

void layout_grow_compose(struct layout *layout, int text_rows)
{
    if (layout->too_small)
        return;
    int now = layout->compose.rows - 1;
    int limit = (layout->screen_rows - 1) / 3;
    int wanted = clamp(text_rows, now, limit > now ? limit : now);
    int more = wanted - now;
    if (more <= 0 || layout->compose.y - more < 2)
        return;
    layout->compose.y -= more;
    layout->compose.rows += more;
    struct rect *lists[] = { &layout->users, &layout->separator, &layout->timeline };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if (lists[i]->rows > 0)
            lists[i]->rows -= more;
}
