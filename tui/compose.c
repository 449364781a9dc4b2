/* The compose box: a wrapped, multi-line editor for the draft with a live
 * counter that counts code points exactly as the store validates them,
 * shown in the warning style past the limit. The draft lives here for the
 * whole session, through resizes, focus changes and the external editor. */
#include "tui/pane.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/xalloc.h"
#include "store/store.h"
#include "tui/draw.h"
#include "tui/edit_buffer.h"

struct compose_pane {
    struct pane pane;
    struct edit_buffer draft;
    int top_line;        /* first wrapped line shown */
    int64_t reply_to;    /* the post the draft answers (0: a new post) */
    char *reply_author;  /* its author, sanitized */
};

static struct compose_pane *compose_of(struct pane *pane)
{
    return (struct compose_pane *)pane;
}

struct edit_buffer *compose_pane_draft(struct pane *pane)
{
    return &compose_of(pane)->draft;
}

void compose_pane_set_reply(struct pane *pane, int64_t post_id, const char *author)
{
    struct compose_pane *cp = compose_of(pane);
    char *copy = post_id != 0 ? xstrdup(author != NULL ? author : "?") : NULL;
    free(cp->reply_author);
    cp->reply_author = copy;
    cp->reply_to = post_id;
}

int64_t compose_pane_reply_to(struct pane *pane)
{
    return compose_of(pane)->reply_to;
}

static struct pane_action compose_key(struct pane *pane, const struct key_event *event)
{
    struct edit_buffer *draft = &compose_of(pane)->draft;
    switch (event->action) {
    case ACTION_POST:
        return pane_action(PANE_POST_DRAFT);
    case ACTION_LEAVE:
        if (draft->length == 0)   /* an empty reply is no reply */
            compose_pane_set_reply(pane, 0, NULL);
        return pane_action(PANE_LEAVE_COMPOSE);
    case ACTION_EDITOR:
        return pane_action(PANE_EDIT_EXTERNALLY);
    case ACTION_LEFT:
        edit_buffer_left(draft);
        return pane_action(PANE_REDRAW);
    case ACTION_RIGHT:
        edit_buffer_right(draft);
        return pane_action(PANE_REDRAW);
    case ACTION_LINE_START:
        edit_buffer_line_start(draft);
        return pane_action(PANE_REDRAW);
    case ACTION_LINE_END:
        edit_buffer_line_end(draft);
        return pane_action(PANE_REDRAW);
    case ACTION_BACKSPACE:
        edit_buffer_backspace(draft);
        return pane_action(PANE_REDRAW);
    case ACTION_DELETE_CHAR:
        edit_buffer_delete(draft);
        return pane_action(PANE_REDRAW);
    case ACTION_KILL_TO_END:
        edit_buffer_kill_to_end(draft);
        return pane_action(PANE_REDRAW);
    case ACTION_KILL_TO_START:
        edit_buffer_kill_to_start(draft);
        return pane_action(PANE_REDRAW);
    case ACTION_KILL_WORD:
        edit_buffer_kill_word(draft);
        return pane_action(PANE_REDRAW);
    case ACTION_NEWLINE:
        edit_buffer_insert_codepoint(draft, '\n');
        return pane_action(PANE_REDRAW);
    case ACTION_NONE:
        if (!event->function && event->code >= 0x20 &&
            edit_buffer_insert_codepoint(draft, (unsigned long)event->code))
            return pane_action(PANE_REDRAW);
        return pane_action(PANE_HANDLED);   /* swallow other keys while typing */
    default:
        return pane_action(PANE_IGNORED);
    }
}

/* The wrapped line and column where the cursor goes. */
static void locate_cursor(const char *clean, const struct text_line *lines, size_t count,
                          size_t cursor, int width, size_t *line, int *col)
{
    size_t i = 0;
    for (size_t j = 0; j < count; j++)
        if (lines[j].offset <= cursor)
            i = j;
    size_t end = lines[i].offset + lines[i].length;
    size_t upto = cursor < end ? cursor : end;
    *line = i;
    *col = text_width(clean + lines[i].offset, upto - lines[i].offset);
    if (*col >= width) {   /* just after a full line: the start of the next */
        *line = i + 1;
        *col = 0;
    }
}

static void compose_draw(struct pane *pane, bool focused)
{
    struct compose_pane *cp = compose_of(pane);
    const struct rect *a = &pane->area;
    if (!layout_rect_visible(*a))
        return;
    size_t codepoints = edit_buffer_codepoints(&cp->draft);
    char counter[48];
    snprintf(counter, sizeof counter, " %zu/%d ", codepoints, STORE_BODY_MAX);
    draw_hline(a->y, a->x, a->cols, STYLE_BORDER);
    char title[STORE_USERNAME_MAX * 8 + 32];
    if (cp->reply_to != 0)
        snprintf(title, sizeof title, " Reply to %s%s ", cp->reply_author,
                 focused ? "" : " (i)");
    else
        snprintf(title, sizeof title, "%s", focused ? " New post " : " New post (i) ");
    draw_string(a->y, a->x + 1, a->cols - 2, title, focused ? STYLE_TITLE : STYLE_NORMAL);
    enum draw_style counter_style = codepoints > STORE_BODY_MAX ? STYLE_WARNING
                                    : codepoints == 0           ? STYLE_HINT
                                                                : STYLE_NORMAL;
    draw_string_right(a->y, a->x + a->cols - 1, a->cols / 2, counter, counter_style);

    int rows = a->rows - 1;
    int width = a->cols - 2;
    int x = a->x + 1;
    if (rows <= 0 || width <= 0)
        return;
    if (cp->draft.length == 0) {
        const char *hint = "Enter posts, Esc leaves (draft kept), Ctrl-J new line";
        if (!focused)
            hint = session_editor_allowed(pane->session)
                       ? "Press i to write a post, E for your editor, ? for help"
                       : "Press i to write a post, ? for help";
        draw_string(a->y + 1, x, width, hint, STYLE_HINT);
        if (focused)
            draw_cursor_at(a->y + 1, x);
        return;
    }
    char *clean = text_sanitize(cp->draft.text, cp->draft.length, TEXT_KEEP_NEWLINES);
    char *clean_prefix = text_sanitize(cp->draft.text, cp->draft.cursor, TEXT_KEEP_NEWLINES);
    size_t cursor = strlen(clean_prefix);
    struct text_line *lines = NULL;
    size_t count = text_wrap(clean, strlen(clean), width, &lines);
    size_t cursor_line;
    int cursor_col;
    locate_cursor(clean, lines, count, cursor, width, &cursor_line, &cursor_col);
    if (cp->top_line > (int)cursor_line)
        cp->top_line = (int)cursor_line;
    if ((int)cursor_line >= cp->top_line + rows)
        cp->top_line = (int)cursor_line - rows + 1;
    if (!focused)
        cp->top_line = 0;
    for (int r = 0; r < rows && (size_t)(cp->top_line + r) < count; r++) {
        const struct text_line *l = &lines[cp->top_line + r];
        draw_text(a->y + 1 + r, x, width, clean + l->offset, l->length, STYLE_NORMAL);
    }
    if (focused)
        draw_cursor_at(a->y + 1 + (int)cursor_line - cp->top_line, x + cursor_col);
    free(lines);
    free(clean_prefix);
    free(clean);
}

static void compose_resize(struct pane *pane, struct rect area)
{
    pane->area = area;
}

static void compose_free(struct pane *pane)
{
    struct compose_pane *cp = compose_of(pane);
    edit_buffer_free(&cp->draft);
    free(cp->reply_author);
    free(cp);
}

static const struct pane_ops compose_ops = {
    .name = "compose",
    .key_scopes = KEY_SCOPE_COMPOSE,
    .draw = compose_draw,
    .key = compose_key,
    .resize = compose_resize,
    .free = compose_free,
};

struct pane *compose_pane_new(struct session *session)
{
    struct compose_pane *cp = xcalloc(1, sizeof *cp);
    cp->pane.ops = &compose_ops;
    cp->pane.session = session;
    edit_buffer_init(&cp->draft);
    return &cp->pane;
}
