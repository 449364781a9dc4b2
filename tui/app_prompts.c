/* The app's answers to its overlays (see app.h): what Enter or Esc in a
 * prompt and y or n to a question come to: switching author (with the
 * password when the store asks for it, creating a new one), finding a
 * user as one types, searching, a tag, a date to go to, the passphrase of
 * private entries (twice for the first), deleting a post, quitting. */
#include "tui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/when.h"
#include "core/xalloc.h"
#include "tui/draw.h"
#include "tui/overlay.h"
#include "tui/pane.h"
#include "tui/session.h"

/* ---- finding a user (/ in the users pane) -------------------------------- */

void app_find_start(struct app *app)
{
    free(app->find_from);
    app->find_from = users_pane_selected_name(app->panes[FOCUS_USERS]);
    overlay_prompt_find_user(&app->overlay);
}

/* Enter stays on the user found; Esc goes back to where the find began. */
static void find_end(struct app *app, bool go_back)
{
    if (go_back)
        users_pane_find(app->panes[FOCUS_USERS], app->find_from != NULL ? app->find_from : "");
    overlay_close(&app->overlay);
    free(app->find_from);
    app->find_from = NULL;
}

/* ---- the timeline's prompts: search, tag, date ----------------------------- */

void app_tag_start(struct app *app, const struct pane_post *post)
{
    if (post->id == 0) {
        session_message(&app->session, STYLE_INFO, "No post selected: t shows a post's tag.");
        return;
    }
    /* The post's tags as the store records them (store_body_tags),
     * offered in the prompt's label, the first one typed in. */
    char offered[256] = "";
    size_t used = 0, count = 0;
    char **tags = NULL;
    if (store_body_tags(post->body != NULL ? post->body : "", &tags, &count) != MB_OK) {
        session_message(&app->session, STYLE_ERROR, "Out of memory reading the post's tags.");
        return;
    }
    for (size_t i = 0; i < count; i++) {
        int n = snprintf(offered + used, sizeof offered - used, "%s#%s", used ? " " : "",
                         tags[i]);
        if (n > 0 && (size_t)n < sizeof offered - used)
            used += (size_t)n;
    }
    overlay_prompt(&app->overlay, PROMPT_TAG, count > 0 ? tags[0] : "",
                   used > 0 ? offered : "none here");
    for (size_t i = 0; i < count; i++)
        free(tags[i]);
    free(tags);
}

static void accept_timeline_prompt(struct app *app)
{
    struct overlay *overlay = &app->overlay;
    char *text = xstrdup(overlay->text.text);
    enum overlay_prompt prompt = overlay->prompt;
    overlay_close(overlay);
    if (text[0] == '\0') {
        free(text);
        return;
    }
    struct mb_error err;
    if (prompt == PROMPT_SEARCH) {
        struct view search = view_search(text);
        app_open_view(app, &search);
    } else if (prompt == PROMPT_TAG) {
        char *folded = NULL;
        if (store_tag_fold(text, &folded, &err) == MB_OK) {
            struct view tag = view_tag(folded);
            app_open_view(app, &tag);
        } else {
            session_message(&app->session, STYLE_ERROR, "%s", err.message);
        }
        free(folded);
    } else {
        int64_t until = 0;
        if (when_parse(text, WHEN_UNTIL, (int64_t)time(NULL), &until, &err) != MB_OK)
            session_message(&app->session, STYLE_ERROR, "%s", err.message);
        else if (!timeline_pane_go_to(app->panes[FOCUS_TIMELINE], until))
            session_message(&app->session, STYLE_INFO,
                            "A conversation has no dates to go to: b goes back.");
        else
            app_focus(app, FOCUS_TIMELINE);
    }
    free(text);
}

/* ---- private entries (P, U) ------------------------------------------------ */

/* Unlocked: P writes in the compose box; U has nothing more to do. */
static void private_ready(struct app *app)
{
    if (!app->private_write) {
        app_refresh_all(app);
        return;
    }
    compose_pane_set_private(app->panes[FOCUS_COMPOSE], true);
    app_focus(app, FOCUS_COMPOSE);
    session_message(&app->session, STYLE_INFO,
                    "A private entry: Enter seals and posts it, Esc keeps the draft.");
}

void app_private_start(struct app *app, bool write)
{
    app->private_write = write;
    if (session_private_unlocked(&app->session)) {
        if (!write)
            session_message(&app->session, STYLE_INFO, "Your private entries are unlocked.");
        private_ready(app);
        return;
    }
    bool first = false;
    enum session_outcome outcome = session_private_first(&app->session, &first);
    if (outcome == SESSION_ASK_PASSWORD)
        overlay_prompt_password(&app->overlay, app->session.author.waiting_for);
    if (outcome != SESSION_DONE)
        return;
    if (first && !write) {
        session_message(&app->session, STYLE_INFO, "No private entries yet: P writes one.");
        return;
    }
    overlay_prompt(&app->overlay, PROMPT_PASSPHRASE, NULL, first ? "first" : NULL);
}

static void accept_passphrase(struct app *app)
{
    struct overlay *overlay = &app->overlay;
    bool first = overlay->prompt == PROMPT_PASSPHRASE && overlay->user_name != NULL;
    if (edit_buffer_blank(&overlay->text)) {
        overlay_close(overlay);
        session_message(&app->session, STYLE_INFO, "No passphrase: nothing unlocked.");
        return;
    }
    char *passphrase = xstrdup(overlay->text.text);
    if (first) {   /* the first entry's: once more, to be sure of it */
        overlay_prompt(overlay, PROMPT_PASSPHRASE_AGAIN, NULL, passphrase);
    } else {
        bool same = overlay->prompt != PROMPT_PASSPHRASE_AGAIN ||
                    strcmp(overlay->user_name, passphrase) == 0;
        overlay_close(overlay);
        if (!same)
            session_message(&app->session, STYLE_ERROR,
                            "The two passphrases differ: nothing unlocked, P to try again.");
        else if (session_private_unlock(&app->session, passphrase) == SESSION_DONE)
            private_ready(app);
    }
    explicit_bzero(passphrase, strlen(passphrase));
    free(passphrase);
}

/* ---- switching author ------------------------------------------------------ */

/* Enter in a prompt: the name to switch to, then (when the store says the
 * user has a password) the password. */
static void accept_prompt(struct app *app)
{
    struct overlay *overlay = &app->overlay;
    bool asking_name = overlay->prompt == PROMPT_USERNAME;
    if (asking_name && edit_buffer_blank(&overlay->text)) {
        overlay_close(overlay);
        session_message(&app->session, STYLE_INFO, "Still posting as %s.",
                        app->session.author.name);
        return;
    }
    if (!asking_name) {
        session_message(&app->session, STYLE_INFO, "Checking the password...");
        app_draw_frame(app);
    }
    char *name = xstrdup(asking_name ? overlay->text.text : overlay->user_name);
    char *password = asking_name ? NULL : xstrdup(overlay->text.text);
    overlay_close(overlay);
    char *asking = NULL;
    enum session_outcome outcome = session_switch_author(&app->session, name, password, &asking);
    if (outcome == SESSION_ASK_PASSWORD)
        overlay_prompt_password(overlay, asking);
    else if (outcome == SESSION_ASK_CREATE)
        overlay_ask_create_author(overlay, name);
    else if (outcome == SESSION_DONE)
        app_author_changed(app);
    if (password != NULL) {
        explicit_bzero(password, strlen(password));
        free(password);
    }
    free(asking);
    free(name);
}

void app_overlay_answered(struct app *app, enum overlay_answer answer)
{
    struct overlay *overlay = &app->overlay;
    switch (answer) {
    case OVERLAY_OPEN:
    case OVERLAY_CLOSED:
        break;
    case OVERLAY_EDITED:
        if (overlay->prompt == PROMPT_FIND_USER)
            overlay->not_found = !users_pane_find(app->panes[FOCUS_USERS], overlay->text.text);
        break;
    case OVERLAY_YES:
        if (overlay->question == QUESTION_QUIT) {
            app->quit = true;
        } else if (overlay->question == QUESTION_CREATE_AUTHOR) {
            if (session_create_author(&app->session, overlay->user_name) == SESSION_DONE) {
                app_author_changed(app);
                users_pane_refresh(app->panes[FOCUS_USERS]);
            }
        } else if (session_delete(&app->session, overlay->post_id)) {
            app_refresh_all(app);
        }
        break;
    case OVERLAY_NO:
        if (overlay->question == QUESTION_CREATE_AUTHOR)
            session_message(&app->session, STYLE_INFO, "Still posting as %s.",
                            app->session.author.name);
        else
            session_message(&app->session, STYLE_INFO,
                            overlay->question == QUESTION_QUIT ? "Not quitting; the draft is kept."
                                                               : "Not deleted.");
        break;
    case OVERLAY_ACCEPTED:
        if (overlay->prompt == PROMPT_FIND_USER)
            find_end(app, false);
        else if (overlay->prompt == PROMPT_SEARCH || overlay->prompt == PROMPT_TAG ||
                 overlay->prompt == PROMPT_DATE)
            accept_timeline_prompt(app);
        else if (overlay->prompt == PROMPT_PASSPHRASE ||
                 overlay->prompt == PROMPT_PASSPHRASE_AGAIN)
            accept_passphrase(app);
        else
            accept_prompt(app);
        break;
    case OVERLAY_CANCELLED:
        if (overlay->prompt == PROMPT_FIND_USER) {
            find_end(app, true);
            break;
        }
        if (overlay->prompt != PROMPT_USERNAME && overlay->prompt != PROMPT_PASSWORD) {
            overlay_close(overlay);
            break;
        }
        overlay_close(overlay);
        session_message(&app->session, STYLE_INFO, "Still posting as %s.",
                        app->session.author.name);
        break;
    }
}

