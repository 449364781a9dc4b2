/* The profile card at the top of a profile view: the user's name, when
 * they joined and were last seen, their "about me", and their followers,
 * following and post counts (store_user_get_by_id, store_follow_counts:
 * O(1) and range scans). Internal to tui/. */
#ifndef TUI_PROFILE_H
#define TUI_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "tui/layout.h"
#include "tui/session.h"

#define PROFILE_CARD_ROWS 4

struct profile_card {
    bool loaded;
    struct user user;
    int64_t followers;
    int64_t following;
};

/* Reads user_id's profile (a failure is said on the status line and the
 * card stays empty). Free with profile_card_free. */
void profile_card_load(struct profile_card *card, struct session *session, int64_t user_id);
void profile_card_free(struct profile_card *card);

/* Draws the card into the first PROFILE_CARD_ROWS rows of area. */
void profile_card_draw(const struct profile_card *card, struct rect area);

#endif
