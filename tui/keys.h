/* The key table: every binding with its help text, in one const array that
 * both the dispatcher and the `?` overlay read, so the help can never
 * disagree with what the keys do (as tig's keymaps). */
#ifndef TUI_KEYS_H
#define TUI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

enum key_action {
    ACTION_NONE,
    /* anywhere outside the compose box */
    ACTION_NEXT_PANE,
    ACTION_PREVIOUS_PANE,
    ACTION_COMPOSE,
    ACTION_EDITOR,
    ACTION_SWITCH_AUTHOR,
    ACTION_RELOAD,
    ACTION_REPAINT,
    ACTION_HOME,
    ACTION_ALL,
    ACTION_MENTIONS,
    ACTION_BACK,
    ACTION_HELP,
    ACTION_QUIT,
    ACTION_SUSPEND,
    ACTION_PRIVATE,
    ACTION_UNLOCK,
    /* lists */
    ACTION_UP,
    ACTION_DOWN,
    ACTION_PAGE_UP,
    ACTION_PAGE_DOWN,
    ACTION_FIRST,
    ACTION_LAST,
    ACTION_CHOOSE,
    ACTION_DELETE,
    ACTION_PROFILE,
    ACTION_REPLY,
    ACTION_FIND,
    ACTION_NEXT_MATCH,
    ACTION_PREVIOUS_MATCH,
    ACTION_TAG,
    ACTION_GO_TO_DATE,
    /* line editing (compose box and prompts) */
    ACTION_POST,
    ACTION_LEAVE,
    ACTION_LEFT,
    ACTION_RIGHT,
    ACTION_LINE_UP,
    ACTION_LINE_DOWN,
    ACTION_LINE_START,
    ACTION_LINE_END,
    ACTION_BACKSPACE,
    ACTION_DELETE_CHAR,
    ACTION_KILL_TO_END,
    ACTION_KILL_TO_START,
    ACTION_KILL_WORD,
    ACTION_NEWLINE,
};

/* Where a binding applies; a focused pane looks keys up in a set of these. */
enum key_scope {
    KEY_SCOPE_GLOBAL = 1u << 0,   /* any list pane */
    KEY_SCOPE_LIST = 1u << 1,     /* movement in the users and timeline panes */
    KEY_SCOPE_USERS = 1u << 2,
    KEY_SCOPE_TIMELINE = 1u << 3,
    KEY_SCOPE_COMPOSE = 1u << 4,  /* the compose box and the prompts */
};

/* One key: a curses function key (KEY_DOWN...) or a character (code point,
 * control characters included). */
struct key_event {
    bool function;
    int code;
    enum key_action action;   /* filled in by the dispatcher */
};

struct key_binding {
    unsigned scope;
    bool function;
    int code;
    enum key_action action;
    const char *name;   /* as shown in the help: "j", "Down", "Ctrl-U" */
    const char *help;   /* shown once per run of bindings with one action */
    const char *hint;   /* in the status line, after the name: "Enter:post" */
};

extern const struct key_binding keys_table[];
extern const size_t keys_table_count;

/* The action bound to the key in the first matching scope of `scopes`,
 * ACTION_NONE when there is none. */
enum key_action keys_lookup(unsigned scopes, const struct key_event *event);

/* The status line's keys for a pane looked up in `scopes`: "name:hint"
 * for each binding with a hint, the pane's own scopes first, then the
 * lists', then the global ones; the actions in without[0..count) are left
 * out (the author switch in the shared modes, the editor where there is
 * none). Writes at most size bytes (NUL included) into out. */
void keys_status_hints(unsigned scopes, const enum key_action *without, size_t without_count,
                       char *out, size_t size);

/* A key as the person pressed it, for "x does nothing here": "x",
 * "Ctrl-G", "F5", "PgUp"... (UTF-8; at most size bytes with the NUL). */
void keys_describe(const struct key_event *event, char *out, size_t size);

/* The heading of a scope in the help overlay. */
const char *keys_scope_title(unsigned scope);

/* The help overlay as text lines: a heading per scope, then one line per
 * action with all its keys ("j, Down  next"), leaving out the keys bound to
 * `without` (ACTION_NONE: none; ACTION_EDITOR where there is no editor).
 * Stores at most `max` lines into lines[] (each newly allocated, caller
 * frees) and returns how many there are in total. */
size_t keys_help_lines(char **lines, size_t max, enum key_action without);

#endif
