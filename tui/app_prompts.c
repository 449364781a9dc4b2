/* The app's answers to its overlays (see app.h): what Enter or Esc in a
 * prompt and y or n to a question come to: switching author (with the
 * password when the store asks for it), finding a user as one types,
 * deleting a post, quitting. */
#include "tui/app.h"

#include <stdlib.h>
#include <string.h>

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
        else
            accept_prompt(app);
        break;
    case OVERLAY_CANCELLED:
        if (overlay->prompt == PROMPT_FIND_USER) {
            find_end(app, true);
            break;
        }
        overlay_close(overlay);
        session_message(&app->session, STYLE_INFO, "Still posting as %s.",
                        app->session.author.name);
        break;
    }
}

