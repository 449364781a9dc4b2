/* The profile card (see profile.h). Every string goes through the draw
 * layer: a name or an "about me" is whatever its owner typed. */
#include "tui/profile.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "tui/draw.h"

void profile_card_free(struct profile_card *card)
{
    store_user_clear(&card->user);
    *card = (struct profile_card){ 0 };
}

void profile_card_load(struct profile_card *card, struct session *session, int64_t user_id)
{
    profile_card_free(card);
    enum mb_status status = store_user_get_by_id(session->store, user_id, &card->user);
    if (status == MB_OK)
        status = store_follow_counts(session->store, user_id, &card->followers,
                                     &card->following);
    if (status != MB_OK) {
        session_store_error(session, "Could not read the profile", status);
        profile_card_free(card);
        return;
    }
    card->loaded = true;
}

static void format_time(int64_t when, bool with_time, char *out, size_t size)
{
    time_t t = (time_t)when;
    struct tm tm;
    if (when == 0) {
        snprintf(out, size, "never");
        return;
    }
    if (localtime_r(&t, &tm) == NULL || strftime(out, size, with_time ? "%Y-%m-%d %H:%M" : "%Y-%m-%d", &tm) == 0)
        snprintf(out, size, "@%" PRId64, when);
}

void profile_card_draw(const struct profile_card *card, struct rect area)
{
    int x = area.x + 1, end = area.x + area.cols;
    if (area.rows < PROFILE_CARD_ROWS || end - x <= 0)
        return;
    if (!card->loaded) {
        draw_string(area.y, x, end - x, "No profile to show.", STYLE_HINT);
        draw_hline(area.y + PROFILE_CARD_ROWS - 1, area.x, area.cols, STYLE_BORDER);
        return;
    }
    const struct user *u = &card->user;
    char joined[32], seen[32], line[160];
    format_time(u->created_at, false, joined, sizeof joined);
    format_time(u->last_seen, true, seen, sizeof seen);
    int used = draw_string(area.y, x, end - x, u->username != NULL ? u->username : "?",
                           STYLE_AUTHOR);
    snprintf(line, sizeof line, "  joined %s, last seen %s", joined, seen);
    draw_string(area.y, x + used, end - x - used, line, STYLE_TIME);
    if (u->about != NULL && u->about[0] != '\0')
        draw_string(area.y + 1, x, end - x, u->about, STYLE_NORMAL);
    else
        draw_string(area.y + 1, x, end - x, "(nothing about them yet)", STYLE_HINT);
    snprintf(line, sizeof line,
             "%" PRId64 " follower%s, %" PRId64 " following, %" PRId64 " post%s",
             card->followers, card->followers == 1 ? "" : "s", card->following, u->post_count,
             u->post_count == 1 ? "" : "s");
    draw_string(area.y + 2, x, end - x, line, STYLE_HINT);
    draw_hline(area.y + PROFILE_CARD_ROWS - 1, area.x, area.cols, STYLE_BORDER);
}
