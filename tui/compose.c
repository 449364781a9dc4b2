/* The compose box: a wrapped, multi-line editor for the draft with a live
 * counter that counts code points exactly as the store validates them,
 * shown in the warning style past the limit. Up and Down move between the
 * lines as they are shown (wrapped), keeping the column; the box asks for
 * as many rows as the draft has lines (the app grows it up to a limit,
 * then it scrolls). The draft lives here for the whole session, through
 * resizes, focus changes and the external editor. */
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
    bool private_entry;  /* sealed when posted (P) */
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

void compose_pane_set_private(struct pane *pane, bool private_entry)
{
    struct compose_pane *cp = compose_of(pane);
    if (private_entry)
        compose_pane_set_reply(pane, 0, NULL);   /* an entry answers nobody */
    cp->private_entry = private_entry;
}

bool compose_pane_private(struct pane *pane)
{
    return compose_of(pane)->private_entry;
}

/* The draft as shown: sanitized (what the draw layer prints), wrapped to
 * width, with the cursor's byte offset in the sanitized text. */
struct shown_draft {
    char *clean;
    struct text_line *lines;
    size_t count;
    size_t cursor;
};

static void shown_draft_make(const struct edit_buffer *draft, int width, struct shown_draft *out)
{
    out->clean = text_sanitize(draft->text, draft->length, TEXT_KEEP_NEWLINES);
    char *prefix = text_sanitize(draft->text, draft->cursor, TEXT_KEEP_NEWLINES);
    out->cursor = strlen(prefix);
    free(prefix);
    out->count = text_wrap(out->clean, strlen(out->clean), width > 0 ? width : 1, &out->lines);
}

static void shown_draft_free(struct shown_draft *shown)
{
    free(shown->lines);
    free(shown->clean);
}

/* The wrapped line and column where the cursor goes. */
static void locate_cursor(const struct shown_draft *shown, int width, size_t *line, int *col)
{
    size_t i = 0;
    for (size_t j = 0; j < shown->count; j++)
        if (shown->lines[j].offset <= shown->cursor)
            i = j;
    const struct text_line *l = &shown->lines[i];
    size_t end = l->offset + l->length;
    size_t upto = shown->cursor < end ? shown->cursor : end;
    *line = i;
    *col = text_width(shown->clean + l->offset, upto - l->offset);
    if (*col >= width) {   /* just after a full line: the start of the next */
        *line = i + 1;
        *col = 0;
    }
}

static int text_width_of(const struct pane *pane)
{
    return pane->area.cols - 2;
}

int compose_pane_text_rows(struct pane *pane, int width)
{
    struct compose_pane *cp = compose_of(pane);
    if (cp->draft.length == 0 || width <= 0)
        return 1;
    struct shown_draft shown;
    shown_draft_make(&cp->draft, width, &shown);
    size_t line;
    int col;
    locate_cursor(&shown, width, &line, &col);
    size_t rows = shown.count > line + 1 ? shown.count : line + 1;
    shown_draft_free(&shown);
    return rows > 1000 ? 1000 : (int)rows;
}

/* The byte offset in the draft of the sanitized text's offset `clean`:
 * sanitizing works code point by code point, so whole clusters map. */
static size_t draft_offset(const struct edit_buffer *draft, size_t clean)
{
    size_t raw = 0, shown = 0;
    while (raw < draft->length && shown < clean) {
        size_t n = text_next_grapheme(draft->text + raw, draft->length - raw, NULL);
        char *piece = text_sanitize(draft->text + raw, n, TEXT_KEEP_NEWLINES);
        shown += strlen(piece);
        free(piece);
        raw += n;
    }
    return raw;
}

/* Up (-1) or Down (+1) a shown line, to the same column or the end of a
 * shorter line; past the first or the last line, to the start or the end. */
static void move_line(struct compose_pane *cp, int direction)
{
    int width = text_width_of(&cp->pane);
    struct edit_buffer *draft = &cp->draft;
    if (width <= 0 || draft->length == 0)
        return;
    struct shown_draft shown;
    shown_draft_make(draft, width, &shown);
    size_t line;
    int col;
    locate_cursor(&shown, width, &line, &col);
    if (direction < 0 && line == 0) {
        draft->cursor = 0;
    } else if (direction > 0 && line + 1 >= shown.count) {
        draft->cursor = draft->length;
    } else {
        const struct text_line *l = &shown.lines[direction < 0 ? line - 1 : line + 1];
        size_t fit = text_fit(shown.clean + l->offset, l->length, col, NULL);
        draft->cursor = draft_offset(draft, l->offset + fit);
    }
    shown_draft_free(&shown);
}

static struct pane_action compose_key(struct pane *pane, const struct key_event *event)
{
    struct edit_buffer *draft = &compose_of(pane)->draft;
    switch (event->action) {
    case ACTION_POST:
        return pane_action(PANE_POST_DRAFT);
    case ACTION_LEAVE:
        if (draft->length == 0) {   /* an empty reply is no reply */
            compose_pane_set_reply(pane, 0, NULL);
            compose_of(pane)->private_entry = false;
        }
        return pane_action(PANE_LEAVE_COMPOSE);
    case ACTION_EDITOR:
        return pane_action(PANE_EDIT_EXTERNALLY);
    case ACTION_LEFT:
        edit_buffer_left(draft);
        return pane_action(PANE_REDRAW);
    case ACTION_RIGHT:
        edit_buffer_right(draft);
        return pane_action(PANE_REDRAW);
    case ACTION_LINE_UP:
    case ACTION_LINE_DOWN:
        move_line(compose_of(pane), event->action == ACTION_LINE_UP ? -1 : +1);
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
        return pane_action(PANE_IGNORED);   /* the app says it does nothing */
    default:
        return pane_action(PANE_IGNORED);
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
    if (cp->private_entry)
        snprintf(title, sizeof title, " Private entry, sealed for you alone%s ",
                 focused ? "" : " (i)");
    else if (cp->reply_to != 0)
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
    struct shown_draft shown;
    shown_draft_make(&cp->draft, width, &shown);
    size_t cursor_line;
    int cursor_col;
    locate_cursor(&shown, width, &cursor_line, &cursor_col);
    if (cp->top_line > (int)cursor_line)
        cp->top_line = (int)cursor_line;
    if ((int)cursor_line >= cp->top_line + rows)
        cp->top_line = (int)cursor_line - rows + 1;
    if (!focused)
        cp->top_line = 0;
    for (int r = 0; r < rows && (size_t)(cp->top_line + r) < shown.count; r++) {
        const struct text_line *l = &shown.lines[cp->top_line + r];
        draw_text(a->y + 1 + r, x, width, shown.clean + l->offset, l->length, STYLE_NORMAL);
    }
    if (focused)
        draw_cursor_at(a->y + 1 + (int)cursor_line - cp->top_line, x + cursor_col);
    shown_draft_free(&shown);
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
