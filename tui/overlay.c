/* The modal overlays (see overlay.h): the help box, the y/n questions and
 * the prompts of the status line, with their keys and their drawing. They
 * decide nothing: each answer goes back to the app. */
#include "tui/overlay.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "tui/draw.h"

void overlay_init(struct overlay *overlay)
{
    *overlay = (struct overlay){ .mode = OVERLAY_NONE };
    edit_buffer_init(&overlay->text);
}

void overlay_free(struct overlay *overlay)
{
    edit_buffer_free(&overlay->text);
    free(overlay->user_name);
    overlay->user_name = NULL;
}

void overlay_open_help(struct overlay *overlay)
{
    overlay->mode = OVERLAY_HELP;
    overlay->help_top = 0;
}

void overlay_ask(struct overlay *overlay, enum overlay_question question, int64_t post_id)
{
    overlay->mode = OVERLAY_CONFIRM;
    overlay->question = question;
    overlay->post_id = post_id;
}

void overlay_ask_create_author(struct overlay *overlay, const char *name)
{
    char *copy = xstrdup(name);
    overlay_ask(overlay, QUESTION_CREATE_AUTHOR, 0);
    free(overlay->user_name);
    overlay->user_name = copy;
}

static void start_prompt(struct overlay *overlay, enum overlay_prompt prompt)
{
    overlay->mode = OVERLAY_PROMPT;
    overlay->prompt = prompt;
    edit_buffer_clear(&overlay->text);
}

void overlay_prompt_username(struct overlay *overlay)
{
    start_prompt(overlay, PROMPT_USERNAME);
}

void overlay_prompt_find_user(struct overlay *overlay)
{
    start_prompt(overlay, PROMPT_FIND_USER);
    overlay->not_found = false;
}

void overlay_prompt(struct overlay *overlay, enum overlay_prompt prompt, const char *text,
                    const char *detail)
{
    char *copy = detail != NULL ? xstrdup(detail) : NULL;
    start_prompt(overlay, prompt);
    if (text != NULL)
        edit_buffer_set(&overlay->text, text, strlen(text));
    if (overlay->user_name != NULL)
        explicit_bzero(overlay->user_name, strlen(overlay->user_name));
    free(overlay->user_name);
    overlay->user_name = copy;
    if (prompt == PROMPT_PASSPHRASE || prompt == PROMPT_PASSPHRASE_AGAIN)
        crypto_disable_core_dumps();
}

void overlay_prompt_password(struct overlay *overlay, const char *name)
{
    char *copy = xstrdup(name);
    start_prompt(overlay, PROMPT_PASSWORD);
    free(overlay->user_name);
    overlay->user_name = copy;
    crypto_disable_core_dumps();
}

void overlay_close(struct overlay *overlay)
{
    overlay->mode = OVERLAY_NONE;
    edit_buffer_clear(&overlay->text);
    if (overlay->user_name != NULL)   /* the first typing of a passphrase */
        explicit_bzero(overlay->user_name, strlen(overlay->user_name));
    free(overlay->user_name);
    overlay->user_name = NULL;
}

static enum overlay_answer prompt_edit(struct overlay *overlay, struct key_event *event);

static enum overlay_answer prompt_key(struct overlay *overlay, struct key_event *event)
{
    struct edit_buffer *b = &overlay->text;
    size_t length = b->length;
    enum overlay_answer answer = prompt_edit(overlay, event);
    if (answer == OVERLAY_OPEN && b->length != length)
        return OVERLAY_EDITED;
    return answer;
}

static enum overlay_answer prompt_edit(struct overlay *overlay, struct key_event *event)
{
    struct edit_buffer *b = &overlay->text;
    event->action = keys_lookup(KEY_SCOPE_COMPOSE, event);
    switch (event->action) {
    case ACTION_POST:
        return OVERLAY_ACCEPTED;
    case ACTION_LEAVE:
        return OVERLAY_CANCELLED;
    case ACTION_LEFT:
        edit_buffer_left(b);
        break;
    case ACTION_RIGHT:
        edit_buffer_right(b);
        break;
    case ACTION_LINE_START:
        edit_buffer_line_start(b);
        break;
    case ACTION_LINE_END:
        edit_buffer_line_end(b);
        break;
    case ACTION_BACKSPACE:
        edit_buffer_backspace(b);
        break;
    case ACTION_DELETE_CHAR:
        edit_buffer_delete(b);
        break;
    case ACTION_KILL_TO_END:
        edit_buffer_kill_to_end(b);
        break;
    case ACTION_KILL_TO_START:
        edit_buffer_kill_to_start(b);
        break;
    case ACTION_KILL_WORD:
        edit_buffer_kill_word(b);
        break;
    case ACTION_NONE:
        if (!event->function && event->code >= 0x20 && event->code != '\n')
            edit_buffer_insert_codepoint(b, (unsigned long)event->code);
        break;
    default:
        break;
    }
    return OVERLAY_OPEN;
}

static enum overlay_answer help_key(struct overlay *overlay, struct key_event *event,
                                    int screen_rows)
{
    event->action = keys_lookup(KEY_SCOPE_LIST, event);
    size_t page = screen_rows > 4 ? (size_t)screen_rows - 4 : 1;
    switch (event->action) {
    case ACTION_DOWN:
        overlay->help_top++;
        break;
    case ACTION_UP:
        if (overlay->help_top > 0)
            overlay->help_top--;
        break;
    case ACTION_PAGE_DOWN:
        overlay->help_top += page;
        break;
    case ACTION_PAGE_UP:
        overlay->help_top = overlay->help_top > page ? overlay->help_top - page : 0;
        break;
    case ACTION_FIRST:
        overlay->help_top = 0;
        break;
    case ACTION_LAST:
        overlay->help_top = SIZE_MAX / 2;   /* clamped when drawn */
        break;
    default:
        overlay->mode = OVERLAY_NONE;
        return OVERLAY_CLOSED;
    }
    return OVERLAY_OPEN;
}

enum overlay_answer overlay_key(struct overlay *overlay, struct key_event *event,
                                int screen_rows)
{
    switch (overlay->mode) {
    case OVERLAY_HELP:
        return help_key(overlay, event, screen_rows);
    case OVERLAY_CONFIRM: {
        bool yes = !event->function && (event->code == 'y' || event->code == 'Y');
        overlay->mode = OVERLAY_NONE;
        return yes ? OVERLAY_YES : OVERLAY_NO;
    }
    case OVERLAY_PROMPT:
        return prompt_key(overlay, event);
    case OVERLAY_NONE:
        break;
    }
    return OVERLAY_CLOSED;
}

void overlay_paste(struct overlay *overlay, unsigned long codepoint)
{
    if (overlay->mode == OVERLAY_PROMPT && codepoint >= 0x20 && codepoint != 0x7f)
        edit_buffer_insert_codepoint(&overlay->text, codepoint);
}

bool overlay_owns_status(const struct overlay *overlay)
{
    return overlay->mode == OVERLAY_CONFIRM || overlay->mode == OVERLAY_PROMPT;
}

void overlay_draw_status(const struct overlay *overlay, struct rect line)
{
    int x = line.x, end = line.x + line.cols;
    if (overlay->mode == OVERLAY_CONFIRM && overlay->question == QUESTION_CREATE_AUTHOR) {
        x += draw_string(line.y, x, end - x, "No user named ", STYLE_WARNING);
        x += draw_string_clipped(line.y, x, end - x - 22, overlay->user_name, STYLE_WARNING);
        draw_string(line.y, x, end - x, ": create it? (y/n) ", STYLE_WARNING);
        return;
    }
    if (overlay->mode == OVERLAY_CONFIRM) {
        const char *question = overlay->question == QUESTION_QUIT
                                   ? "Discard the draft and quit? (y/n) "
                                   : "Delete this post? (y/n) ";
        draw_string(line.y, x, end - x, question, STYLE_WARNING);
        return;
    }
    char label[200];
    if (overlay->prompt == PROMPT_USERNAME)
        snprintf(label, sizeof label, "Switch author to: ");
    else if (overlay->prompt == PROMPT_FIND_USER)
        snprintf(label, sizeof label, "Find user (Enter stays, Esc goes back): ");
    else if (overlay->prompt == PROMPT_SEARCH)
        snprintf(label, sizeof label, "Search: ");
    else if (overlay->prompt == PROMPT_DATE)
        snprintf(label, sizeof label, "Go to date (2026-11-24, yesterday, 7d): ");
    else if (overlay->prompt == PROMPT_TAG)
        snprintf(label, sizeof label, "Show tag (%.120s): #",
                 overlay->user_name != NULL ? overlay->user_name : "any");
    else if (overlay->prompt == PROMPT_PASSPHRASE)
        snprintf(label, sizeof label, "Passphrase of your private entries: ");
    else if (overlay->prompt == PROMPT_PASSPHRASE_AGAIN)
        snprintf(label, sizeof label, "The same passphrase again: ");
    else
        snprintf(label, sizeof label, "Password for %s: ", overlay->user_name);
    x += draw_string(line.y, x, end - x, label, STYLE_TITLE);
    if (overlay->prompt == PROMPT_PASSWORD || overlay->prompt == PROMPT_PASSPHRASE ||
        overlay->prompt == PROMPT_PASSPHRASE_AGAIN) {
        /* Echo off, as the issue says: not even stars, which would show
         * the password's length. */
        draw_cursor_at(line.y, x);
        return;
    }
    /* Keep the end of a long name and the cursor in view. */
    const struct edit_buffer *b = &overlay->text;
    int room = end - x - 1;
    size_t from = 0;
    while (from < b->cursor && text_width(b->text + from, b->cursor - from) > room)
        from += text_next_grapheme(b->text + from, b->length - from, &(int){ 0 });
    int before = draw_text(line.y, x, room, b->text + from, b->cursor - from, STYLE_NORMAL);
    int after = draw_text(line.y, x + before, room - before, b->text + b->cursor,
                          b->length - b->cursor, STYLE_NORMAL);
    if (overlay->prompt == PROMPT_FIND_USER && overlay->not_found)
        draw_string(line.y, x + before + after, room - before - after, "  (no such name)",
                    STYLE_WARNING);
    draw_cursor_at(line.y, x + before);
}

void overlay_draw_help(struct overlay *overlay, int screen_rows, int screen_cols,
                       bool editor_allowed)
{
    enum { MAX_LINES = 160 };
    char *lines[MAX_LINES];
    size_t total = keys_help_lines(lines, MAX_LINES, editor_allowed ? ACTION_NONE : ACTION_EDITOR);
    size_t count = total < MAX_LINES ? total : MAX_LINES;
    struct rect box = { .y = 0, .x = 0, .rows = screen_rows, .cols = screen_cols };
    if (box.cols > 84) {
        box.x = (screen_cols - 84) / 2;
        box.cols = 84;
    }
    if (box.rows > (int)count + 2) {
        box.rows = (int)count + 2;
        box.y = (screen_rows - box.rows) / 2;
    }
    bool framed = box.rows >= 4 && box.cols >= 10;
    int inner_rows = framed ? box.rows - 2 : box.rows;
    int inner_x = framed ? box.x + 2 : box.x;
    int inner_cols = framed ? box.cols - 4 : box.cols;
    if (overlay->help_top + (size_t)inner_rows > count)
        overlay->help_top = count > (size_t)inner_rows ? count - (size_t)inner_rows : 0;
    for (int r = 0; r < box.rows; r++)
        draw_fill(box.y + r, box.x, box.cols, STYLE_NORMAL);
    if (framed) {
        draw_box(box, STYLE_BORDER);
        draw_string(box.y, box.x + 2, box.cols - 4, " Keys (j/k/G scroll, any other key closes) ",
                    STYLE_TITLE);
    }
    for (int r = 0; r < inner_rows && overlay->help_top + (size_t)r < count; r++) {
        const char *line = lines[overlay->help_top + (size_t)r];
        draw_string(box.y + (framed ? 1 : 0) + r, inner_x, inner_cols, line,
                    line[0] == ' ' ? STYLE_NORMAL : STYLE_TITLE);
    }
    for (size_t i = 0; i < count; i++)
        free(lines[i]);
}
