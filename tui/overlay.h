/* The modal overlays: the help (from the key table), the y/n questions
 * and the one-line prompts (whom to post as, a password), drawn over the
 * screen or in the status line. While one is open it takes every key and
 * answers the app with what the person chose; the app acts on it. The
 * password prompt echoes nothing and zeroes what was typed.
 * Internal to tui/. */
#ifndef TUI_OVERLAY_H
#define TUI_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui/edit_buffer.h"
#include "tui/keys.h"
#include "tui/layout.h"

enum overlay_mode { OVERLAY_NONE, OVERLAY_HELP, OVERLAY_CONFIRM, OVERLAY_PROMPT };

enum overlay_question { QUESTION_DELETE, QUESTION_QUIT, QUESTION_CREATE_AUTHOR };

enum overlay_prompt {
    PROMPT_USERNAME,
    PROMPT_PASSWORD,
    PROMPT_FIND_USER,
    PROMPT_SEARCH,            /* / on the timeline */
    PROMPT_DATE,              /* @: a WHEN to go to */
    PROMPT_TAG,               /* t: the tag to show (user_name: the post's tags) */
    PROMPT_PASSPHRASE,        /* private entries: echo off, as a password */
    PROMPT_PASSPHRASE_AGAIN,  /* the first entry's passphrase, typed again */
};

struct overlay {
    enum overlay_mode mode;
    enum overlay_question question;
    int64_t post_id;             /* QUESTION_DELETE: the post */
    enum overlay_prompt prompt;
    struct edit_buffer text;     /* what was typed in the prompt */
    char *user_name;             /* PROMPT_PASSWORD: whose; QUESTION_CREATE_AUTHOR: who */
    size_t help_top;
    bool not_found;              /* PROMPT_FIND_USER: no name starts so */
};

/* What a key did to the overlay. */
enum overlay_answer {
    OVERLAY_OPEN,       /* still open */
    OVERLAY_EDITED,     /* still open; the prompt's text changed */
    OVERLAY_CLOSED,     /* closed with nothing to do (help) */
    OVERLAY_YES,        /* y to the question */
    OVERLAY_NO,         /* anything else to the question */
    OVERLAY_ACCEPTED,   /* Enter in the prompt: the text is in overlay.text */
    OVERLAY_CANCELLED,  /* Esc in the prompt */
};

void overlay_init(struct overlay *overlay);
void overlay_free(struct overlay *overlay);

void overlay_open_help(struct overlay *overlay);
void overlay_ask(struct overlay *overlay, enum overlay_question question, int64_t post_id);
void overlay_prompt_username(struct overlay *overlay);
/* u with a name nobody has (personal mode): create that author? (y/n) */
void overlay_ask_create_author(struct overlay *overlay, const char *name);
/* Find a user as one types: the app finds after every key. */
void overlay_prompt_find_user(struct overlay *overlay);
/* A one-line prompt of kind prompt with text already typed (NULL:
 * none); detail (NULL: none) is shown in its label (PROMPT_TAG: the
 * post's tags) or kept (PROMPT_PASSPHRASE_AGAIN: the first typing, to
 * compare). The passphrase prompts echo nothing, as the password's. */
void overlay_prompt(struct overlay *overlay, enum overlay_prompt prompt, const char *text,
                    const char *detail);
/* Asks for name's password (turns core dumps off first). */
void overlay_prompt_password(struct overlay *overlay, const char *name);
/* Closes the prompt, zeroing what was typed. */
void overlay_close(struct overlay *overlay);

/* A key while the overlay is open; screen_rows pages the help. */
enum overlay_answer overlay_key(struct overlay *overlay, struct key_event *event,
                                int screen_rows);

/* A pasted character: into the prompt (the only overlay that takes text). */
void overlay_paste(struct overlay *overlay, unsigned long codepoint);

/* True when the status line belongs to the overlay (a question, a prompt). */
bool overlay_owns_status(const struct overlay *overlay);
void overlay_draw_status(const struct overlay *overlay, struct rect line);

/* The help overlay over the whole screen, leaving out the editor's keys
 * where there is no editor. */
void overlay_draw_help(struct overlay *overlay, int screen_rows, int screen_cols,
                       bool editor_allowed);

#endif
