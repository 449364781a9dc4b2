/* The key bindings and the help overlay text, both from keys_table. */
#include "tui/keys.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/xalloc.h"

#define CTRL(c) ((c) & 0x1f)
#define ESCAPE 27

const struct key_binding keys_table[] = {
    { .scope = KEY_SCOPE_GLOBAL, .code = '?', .action = ACTION_HELP, .name = "?",
      .help = "this help" },
    { .scope = KEY_SCOPE_GLOBAL, .function = true, .code = KEY_F(1), .action = ACTION_HELP,
      .name = "F1" },
    { .scope = KEY_SCOPE_GLOBAL, .code = '\t', .action = ACTION_NEXT_PANE, .name = "Tab",
      .help = "next pane (users, timeline, compose)",
      .hint = "pane" },
    { .scope = KEY_SCOPE_GLOBAL, .function = true, .code = KEY_BTAB,
      .action = ACTION_PREVIOUS_PANE, .name = "Shift-Tab", .help = "previous pane" },
    { .scope = KEY_SCOPE_GLOBAL, .code = 'i', .action = ACTION_COMPOSE, .name = "i",
      .help = "write a post in the compose box", .hint = "write" },
    { .scope = KEY_SCOPE_GLOBAL, .code = 'c', .action = ACTION_COMPOSE, .name = "c",
      .help = NULL },
    { .scope = KEY_SCOPE_GLOBAL, .code = 'E', .action = ACTION_EDITOR, .name = "E",
      .help = "write the post in $VISUAL / $EDITOR (default vi)" },
    { .scope = KEY_SCOPE_GLOBAL, .code = 'u', .action = ACTION_SWITCH_AUTHOR, .name = "u",
      .help = "switch author (its password if it has one; a new name: create it?)",
      .hint = "author" },
    { .scope = KEY_SCOPE_GLOBAL, .code = 'h', .action = ACTION_HOME, .name = "h",
      .help = "Home: the people you follow, and you" },
    { .scope = KEY_SCOPE_GLOBAL, .code = 'a', .action = ACTION_ALL, .name = "a",
      .help = "All: every post" },
    { .scope = KEY_SCOPE_GLOBAL, .code = 'm', .action = ACTION_MENTIONS, .name = "m",
      .help = "Mentions: posts naming you (reading them clears the count)" },
    { .scope = KEY_SCOPE_GLOBAL, .code = 'b', .action = ACTION_BACK, .name = "b",
      .help = "back to the previous view" },
    { .scope = KEY_SCOPE_GLOBAL, .function = true, .code = KEY_BACKSPACE,
      .action = ACTION_BACK, .name = "Backspace" },
    { .scope = KEY_SCOPE_GLOBAL, .code = 127, .action = ACTION_BACK, .name = NULL },
    { .scope = KEY_SCOPE_GLOBAL, .code = 'P', .action = ACTION_PRIVATE, .name = "P",
      .help = "write a private entry (your passphrase, once a session)" },
    { .scope = KEY_SCOPE_GLOBAL, .code = 'U', .action = ACTION_UNLOCK, .name = "U",
      .help = "unlock your private entries to read them (your passphrase)" },
    { .scope = KEY_SCOPE_GLOBAL, .code = 'R', .action = ACTION_RELOAD, .name = "R",
      .help = "reload from the database" },
    { .scope = KEY_SCOPE_GLOBAL, .code = CTRL('L'), .action = ACTION_REPAINT,
      .name = "Ctrl-L", .help = "repaint the screen" },
    { .scope = KEY_SCOPE_GLOBAL, .code = 'q', .action = ACTION_QUIT, .name = "q",
      .help = "quit (asks first when there is a draft)",
      .hint = "quit" },
    { .scope = KEY_SCOPE_GLOBAL, .code = CTRL('C'), .action = ACTION_QUIT, .name = "Ctrl-C" },
    { .scope = KEY_SCOPE_GLOBAL, .code = CTRL('Z'), .action = ACTION_SUSPEND, .name = "Ctrl-Z",
      .help = "suspend to the shell (fg comes back)" },

    { .scope = KEY_SCOPE_LIST, .code = 'j', .action = ACTION_DOWN, .name = "j",
      .help = "next (older post, next user)" },
    { .scope = KEY_SCOPE_LIST, .function = true, .code = KEY_DOWN, .action = ACTION_DOWN,
      .name = "Down" },
    { .scope = KEY_SCOPE_LIST, .code = 'k', .action = ACTION_UP, .name = "k",
      .help = "previous (newer post, previous user)" },
    { .scope = KEY_SCOPE_LIST, .function = true, .code = KEY_UP, .action = ACTION_UP,
      .name = "Up" },
    { .scope = KEY_SCOPE_LIST, .function = true, .code = KEY_NPAGE,
      .action = ACTION_PAGE_DOWN, .name = "PgDn", .help = "page down" },
    { .scope = KEY_SCOPE_LIST, .code = CTRL('D'), .action = ACTION_PAGE_DOWN,
      .name = "Ctrl-D" },
    { .scope = KEY_SCOPE_LIST, .code = ' ', .action = ACTION_PAGE_DOWN, .name = "Space" },
    { .scope = KEY_SCOPE_LIST, .function = true, .code = KEY_PPAGE, .action = ACTION_PAGE_UP,
      .name = "PgUp", .help = "page up" },
    { .scope = KEY_SCOPE_LIST, .code = CTRL('U'), .action = ACTION_PAGE_UP, .name = "Ctrl-U" },
    { .scope = KEY_SCOPE_LIST, .code = 'g', .action = ACTION_FIRST, .name = "g",
      .help = "first (newest post)" },
    { .scope = KEY_SCOPE_LIST, .function = true, .code = KEY_HOME, .action = ACTION_FIRST,
      .name = "Home" },
    { .scope = KEY_SCOPE_LIST, .code = 'G', .action = ACTION_LAST, .name = "G",
      .help = "last (oldest post)" },
    { .scope = KEY_SCOPE_LIST, .function = true, .code = KEY_END, .action = ACTION_LAST,
      .name = "End" },

    { .scope = KEY_SCOPE_USERS, .code = '\r', .action = ACTION_CHOOSE, .name = "Enter",
      .help = "show only this user's posts (All: everyone's)",
      .hint = "posts" },
    { .scope = KEY_SCOPE_USERS, .code = '\n', .action = ACTION_CHOOSE, .name = NULL },
    { .scope = KEY_SCOPE_USERS, .function = true, .code = KEY_ENTER, .action = ACTION_CHOOSE,
      .name = NULL },
    { .scope = KEY_SCOPE_USERS, .code = '/', .action = ACTION_FIND, .name = "/",
      .help = "find a user by the start of the name, as you type (Enter stays, Esc goes back)",
      .hint = "find" },
    { .scope = KEY_SCOPE_USERS, .code = 'p', .action = ACTION_PROFILE, .name = "p",
      .help = "this user's profile and posts" },
    { .scope = KEY_SCOPE_TIMELINE, .code = '\r', .action = ACTION_CHOOSE, .name = "Enter",
      .help = "the conversation of the selected post",
      .hint = "thread" },
    { .scope = KEY_SCOPE_TIMELINE, .code = '\n', .action = ACTION_CHOOSE, .name = NULL },
    { .scope = KEY_SCOPE_TIMELINE, .function = true, .code = KEY_ENTER,
      .action = ACTION_CHOOSE, .name = NULL },
    { .scope = KEY_SCOPE_TIMELINE, .code = 'r', .action = ACTION_REPLY, .name = "r",
      .help = "reply to the selected post", .hint = "reply" },
    { .scope = KEY_SCOPE_TIMELINE, .code = 'p', .action = ACTION_PROFILE, .name = "p",
      .help = "the profile and posts of the selected post's author" },
    { .scope = KEY_SCOPE_TIMELINE, .code = '/', .action = ACTION_FIND, .name = "/",
      .help = "search the posts (the words found are highlighted)", .hint = "search" },
    { .scope = KEY_SCOPE_TIMELINE, .code = 'n', .action = ACTION_NEXT_MATCH, .name = "n",
      .help = "next match of the search (older)" },
    { .scope = KEY_SCOPE_TIMELINE, .code = 'N', .action = ACTION_PREVIOUS_MATCH, .name = "N",
      .help = "previous match of the search (newer)" },
    { .scope = KEY_SCOPE_TIMELINE, .code = 't', .action = ACTION_TAG, .name = "t",
      .help = "the posts of a #tag of the selected post (its first offered; type another)" },
    { .scope = KEY_SCOPE_TIMELINE, .code = '@', .action = ACTION_GO_TO_DATE, .name = "@",
      .help = "go to a date: 2026-11-24, yesterday, 7d (the posts before its end)" },
    { .scope = KEY_SCOPE_TIMELINE, .code = 'd', .action = ACTION_DELETE, .name = "d",
      .help = "delete the selected post (your own), after y/n" },

    { .scope = KEY_SCOPE_COMPOSE, .function = true, .code = KEY_F(1), .action = ACTION_HELP,
      .name = "F1", .help = "this help (? is text here)" },
    { .scope = KEY_SCOPE_COMPOSE, .code = '\r', .action = ACTION_POST, .name = "Enter",
      .help = "post the draft", .hint = "post" },
    { .scope = KEY_SCOPE_COMPOSE, .function = true, .code = KEY_ENTER, .action = ACTION_POST,
      .name = NULL },
    { .scope = KEY_SCOPE_COMPOSE, .code = ESCAPE, .action = ACTION_LEAVE, .name = "Esc",
      .help = "leave the compose box, keeping the draft",
      .hint = "leave" },
    { .scope = KEY_SCOPE_COMPOSE, .code = '\t', .action = ACTION_NEXT_PANE, .name = "Tab",
      .help = "next pane, keeping the draft" },
    { .scope = KEY_SCOPE_COMPOSE, .function = true, .code = KEY_BTAB,
      .action = ACTION_PREVIOUS_PANE, .name = "Shift-Tab", .help = "previous pane" },
    { .scope = KEY_SCOPE_COMPOSE, .code = CTRL('Z'), .action = ACTION_SUSPEND,
      .name = "Ctrl-Z", .help = "suspend to the shell, keeping the draft" },
    { .scope = KEY_SCOPE_COMPOSE, .code = CTRL('X'), .action = ACTION_EDITOR,
      .name = "Ctrl-X", .help = "continue the draft in $VISUAL / $EDITOR",
      .hint = "editor" },
    { .scope = KEY_SCOPE_COMPOSE, .code = '\n', .action = ACTION_NEWLINE, .name = "Ctrl-J",
      .help = "new line", .hint = "new line" },
    { .scope = KEY_SCOPE_COMPOSE, .function = true, .code = KEY_LEFT, .action = ACTION_LEFT,
      .name = "Left", .help = "back one character" },
    { .scope = KEY_SCOPE_COMPOSE, .code = CTRL('B'), .action = ACTION_LEFT, .name = "Ctrl-B" },
    { .scope = KEY_SCOPE_COMPOSE, .function = true, .code = KEY_RIGHT, .action = ACTION_RIGHT,
      .name = "Right", .help = "forward one character" },
    { .scope = KEY_SCOPE_COMPOSE, .code = CTRL('F'), .action = ACTION_RIGHT, .name = "Ctrl-F" },
    { .scope = KEY_SCOPE_COMPOSE, .function = true, .code = KEY_UP, .action = ACTION_LINE_UP,
      .name = "Up", .help = "up a line (as the draft is shown)" },
    { .scope = KEY_SCOPE_COMPOSE, .code = CTRL('P'), .action = ACTION_LINE_UP, .name = "Ctrl-P" },
    { .scope = KEY_SCOPE_COMPOSE, .function = true, .code = KEY_DOWN,
      .action = ACTION_LINE_DOWN, .name = "Down", .help = "down a line" },
    { .scope = KEY_SCOPE_COMPOSE, .code = CTRL('N'), .action = ACTION_LINE_DOWN,
      .name = "Ctrl-N" },
    { .scope = KEY_SCOPE_COMPOSE, .function = true, .code = KEY_HOME,
      .action = ACTION_LINE_START, .name = "Home", .help = "start of line" },
    { .scope = KEY_SCOPE_COMPOSE, .code = CTRL('A'), .action = ACTION_LINE_START,
      .name = "Ctrl-A" },
    { .scope = KEY_SCOPE_COMPOSE, .function = true, .code = KEY_END, .action = ACTION_LINE_END,
      .name = "End", .help = "end of line" },
    { .scope = KEY_SCOPE_COMPOSE, .code = CTRL('E'), .action = ACTION_LINE_END,
      .name = "Ctrl-E" },
    { .scope = KEY_SCOPE_COMPOSE, .function = true, .code = KEY_BACKSPACE,
      .action = ACTION_BACKSPACE, .name = "Backspace", .help = "delete before the cursor" },
    { .scope = KEY_SCOPE_COMPOSE, .code = 127, .action = ACTION_BACKSPACE, .name = NULL },
    { .scope = KEY_SCOPE_COMPOSE, .code = CTRL('H'), .action = ACTION_BACKSPACE, .name = NULL },
    { .scope = KEY_SCOPE_COMPOSE, .function = true, .code = KEY_DC,
      .action = ACTION_DELETE_CHAR, .name = "Delete", .help = "delete under the cursor" },
    { .scope = KEY_SCOPE_COMPOSE, .code = CTRL('D'), .action = ACTION_DELETE_CHAR,
      .name = "Ctrl-D" },
    { .scope = KEY_SCOPE_COMPOSE, .code = CTRL('K'), .action = ACTION_KILL_TO_END,
      .name = "Ctrl-K", .help = "delete to the end of the line" },
    { .scope = KEY_SCOPE_COMPOSE, .code = CTRL('U'), .action = ACTION_KILL_TO_START,
      .name = "Ctrl-U", .help = "delete to the start of the line" },
    { .scope = KEY_SCOPE_COMPOSE, .code = CTRL('W'), .action = ACTION_KILL_WORD,
      .name = "Ctrl-W", .help = "delete the word before the cursor" },
};

const size_t keys_table_count = sizeof keys_table / sizeof keys_table[0];

static const struct {
    unsigned scope;
    const char *title;
} scope_titles[] = {
    { KEY_SCOPE_GLOBAL, "Everywhere but the compose box" },
    { KEY_SCOPE_LIST, "Users and timeline" },
    { KEY_SCOPE_USERS, "Users pane" },
    { KEY_SCOPE_TIMELINE, "Timeline" },
    { KEY_SCOPE_COMPOSE, "Compose box (and prompts)" },
};

enum key_action keys_lookup(unsigned scopes, const struct key_event *event)
{
    for (size_t i = 0; i < keys_table_count; i++) {
        const struct key_binding *b = &keys_table[i];
        if ((b->scope & scopes) && b->function == event->function && b->code == event->code)
            return b->action;
    }
    return ACTION_NONE;
}

const char *keys_scope_title(unsigned scope)
{
    for (size_t i = 0; i < sizeof scope_titles / sizeof scope_titles[0]; i++)
        if (scope_titles[i].scope == scope)
            return scope_titles[i].title;
    return "";
}

static bool left_out(enum key_action action, const enum key_action *without, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (without[i] == action)
            return true;
    return false;
}

void keys_status_hints(unsigned scopes, const enum key_action *without, size_t without_count,
                       char *out, size_t size)
{
    static const unsigned order[] = { KEY_SCOPE_USERS, KEY_SCOPE_TIMELINE, KEY_SCOPE_COMPOSE,
                                      KEY_SCOPE_LIST, KEY_SCOPE_GLOBAL };
    size_t used = 0;
    if (size == 0)
        return;
    out[0] = '\0';
    for (size_t s = 0; s < sizeof order / sizeof order[0]; s++) {
        if (!(scopes & order[s]))
            continue;
        for (size_t i = 0; i < keys_table_count; i++) {
            const struct key_binding *b = &keys_table[i];
            if (b->scope != order[s] || b->hint == NULL ||
                left_out(b->action, without, without_count))
                continue;
            int n = snprintf(out + used, size - used, "%s%s:%s", used ? "  " : "", b->name,
                             b->hint);
            if (n < 0 || (size_t)n >= size - used) {
                out[used] = '\0';
                return;
            }
            used += (size_t)n;
        }
    }
}

void keys_describe(const struct key_event *event, char *out, size_t size)
{
    for (size_t i = 0; i < keys_table_count; i++) {
        const struct key_binding *b = &keys_table[i];
        if (b->function == event->function && b->code == event->code && b->name != NULL) {
            snprintf(out, size, "%s", b->name);
            return;
        }
    }
    if (event->function) {
        if (event->code >= KEY_F0 && event->code <= KEY_F(63)) {
            snprintf(out, size, "F%d", event->code - KEY_F0);
            return;
        }
        const char *name = keyname(event->code);
        if (name == NULL)
            name = "That key";
        snprintf(out, size, "%s", strncmp(name, "KEY_", 4) == 0 ? name + 4 : name);
        return;
    }
    if (event->code < 0x20) {
        snprintf(out, size, "Ctrl-%c", event->code + '@');
        return;
    }
    char bytes[4];
    size_t n = text_encode(event->code, bytes);
    snprintf(out, size, "%.*s", (int)n, bytes);
    if (n == 0)
        snprintf(out, size, "That key");
}

static void add_line(char **lines, size_t max, size_t *count, char *line)
{
    if (*count < max)
        lines[*count] = line;
    else
        free(line);
    (*count)++;
}

size_t keys_help_lines(char **lines, size_t max, enum key_action without)
{
    size_t count = 0;
    for (size_t s = 0; s < sizeof scope_titles / sizeof scope_titles[0]; s++) {
        unsigned scope = scope_titles[s].scope;
        if (count > 0)
            add_line(lines, max, &count, xstrdup(""));
        add_line(lines, max, &count, xstrdup(scope_titles[s].title));
        for (size_t i = 0; i < keys_table_count; i++) {
            const struct key_binding *b = &keys_table[i];
            if (b->scope != scope || b->help == NULL ||
                (without != ACTION_NONE && b->action == without))
                continue;
            /* Gather the names of this binding and of the following ones
             * with the same action and no help of their own. */
            char names[64] = "";
            size_t used = 0;
            for (size_t j = i; j < keys_table_count; j++) {
                const struct key_binding *other = &keys_table[j];
                if (other->scope != scope || other->action != b->action)
                    continue;
                if (j > i && other->help != NULL)
                    break;
                if (other->name == NULL)
                    continue;
                int n = snprintf(names + used, sizeof names - used, "%s%s",
                                 used ? ", " : "", other->name);
                if (n < 0 || (size_t)n >= sizeof names - used)
                    break;
                used += (size_t)n;
            }
            add_line(lines, max, &count, xasprintf("  %-20s %s", names, b->help));
        }
    }
    return count;
}
