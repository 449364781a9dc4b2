/* The social commands: follow, unfollow, mute and unmute someone as you;
 * the lists of a user's followers and followings and of the people you
 * mute; and the posts that mention you (`mentions`, whose --unread shows
 * only those after your mentions read mark and moves it past them). Who
 * "you" are is cli/whoami.c's; every rule (yourself, twice, someone
 * else's) is the store's. Lists walk keyset pages, so none holds more
 * than a page (mentions --unread: what it prints). */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/xalloc.h"

#define USER_PAGE 500
#define POST_PAGE 500  /* mentions --unread gathers at most --limit */

const struct cli_option cli_act_options[] = {
    { "--as", "NAME", "act as this user (personal mode; default: the config's `user`)" },
    { "--password-stdin", NULL, "read your password from the first line of stdin" },
    { NULL, NULL, NULL },
};

const struct cli_option cli_user_list_options[] = {
    { "--json", NULL, "print JSON Lines (id, username, about, joined, last_seen, posts)" },
    { NULL, NULL, NULL },
};

const struct cli_option cli_muted_options[] = {
    { "--as", "NAME", "whose mutes (personal mode; default: the config's `user`)" },
    { "--json", NULL, "print JSON Lines (id, username, about, joined, last_seen, posts)" },
    { NULL, NULL, NULL },
};

const struct cli_option cli_mentions_options[] = {
    { "--as", "NAME", "whose mentions (personal mode; default: the config's `user`)" },
    { "--unread", NULL, "only the mentions after your read mark, and mark them read" },
    { "--limit", "N", "at most N posts (default 20)" },
    { "--json", NULL, "print JSON Lines, as posts --json" },
    { "--password-stdin", NULL, "with --unread: read your password from stdin" },
    { NULL, NULL, NULL },
};

/* ---- follow, unfollow, mute, unmute ---------------------------------- */

struct relation {
    enum mb_status (*change)(struct store *store, int64_t who, int64_t whom);
    const char *verb;  /* "followed" */
};

static const struct relation follow = { store_follow, "followed" };
static const struct relation unfollow = { store_unfollow, "unfollowed" };
static const struct relation mute = { store_mute, "muted" };
static const struct relation unmute = { store_unmute, "unmuted" };

/* The other user is found before any password is asked for. */
static int relate(struct cli_context *context, const struct cli_args *args,
                  const struct relation *relation)
{
    struct store *store = NULL;
    struct user you = { 0 }, them = { 0 };
    int status = cli_open_store(context, CLI_OPEN_DATA, NULL, &store);
    if (status != CLI_EXIT_OK)
        goto out;
    status = cli_find_user(store, args->positional[0], &them);
    if (status != CLI_EXIT_OK)
        goto out;
    status = cli_whoami(context, store, cli_option(args, "--as"),
                        cli_flag(args, "--password-stdin"), CLI_WHO_ACTOR, &you);
    if (status != CLI_EXIT_OK)
        goto out;
    if (relation->change(store, you.id, them.id) != MB_OK) {
        status = cli_fail("%s", store_error(store));
        goto out;
    }
    cli_print_clean(stdout, you.username, 0);
    printf(" %s ", relation->verb);
    cli_print_clean(stdout, them.username, 0);
    putchar('\n');
    status = cli_seen(store, &you);
out:
    store_user_clear(&them);
    store_user_clear(&you);
    store_close(store);
    return status;
}

int cli_follow_run(struct cli_context *context, const struct cli_args *args)
{
    return relate(context, args, &follow);
}

int cli_unfollow_run(struct cli_context *context, const struct cli_args *args)
{
    return relate(context, args, &unfollow);
}

int cli_mute_run(struct cli_context *context, const struct cli_args *args)
{
    return relate(context, args, &mute);
}

int cli_unmute_run(struct cli_context *context, const struct cli_args *args)
{
    return relate(context, args, &unmute);
}

/* ---- lists of users -------------------------------------------------- */

enum user_list_kind { LIST_FOLLOWERS, LIST_FOLLOWING, LIST_MUTED };

static enum mb_status user_page(struct store *store, enum user_list_kind kind, int64_t id,
                                const char *after, struct user_list *page)
{
    if (kind == LIST_MUTED)
        return store_mute_list(store, id, after, USER_PAGE, page);
    return store_follow_list(store, id, kind == LIST_FOLLOWERS, after, USER_PAGE, page);
}

/* A terminal line per user: the name, then their "about me" when they
 * have one, aligned within the page. */
static void print_user_page(const struct user_list *page)
{
    int width = 0;
    for (size_t i = 0; i < page->count; i++) {
        char *clean = text_sanitize(page->items[i].username, strlen(page->items[i].username), 0);
        int w = text_width(clean, strlen(clean));
        if (w > width)
            width = w;
        free(clean);
    }
    for (size_t i = 0; i < page->count; i++) {
        const struct user *user = &page->items[i];
        char *clean = text_sanitize(user->username, strlen(user->username), 0);
        fputs(clean, stdout);
        if (user->about != NULL && user->about[0] != '\0') {
            printf("%*s  ", width - text_width(clean, strlen(clean)), "");
            cli_print_clean(stdout, user->about, 0);
        }
        putchar('\n');
        free(clean);
    }
}

static int list_users(struct store *store, enum user_list_kind kind, int64_t id, bool json)
{
    char *after = NULL;
    int status = CLI_EXIT_OK;
    for (;;) {
        struct user_list page = { 0 };
        if (user_page(store, kind, id, after, &page) != MB_OK) {
            status = cli_fail("%s", store_error(store));
            break;
        }
        if (json) {
            for (size_t i = 0; i < page.count; i++)
                cli_print_user_json(stdout, &page.items[i], NULL);
        } else {
            print_user_page(&page);
        }
        size_t got = page.count;
        if (got > 0) {
            free(after);
            after = xstrdup(page.items[got - 1].username);
        }
        store_user_list_free(&page);
        if (got < USER_PAGE)
            break;
    }
    free(after);
    return status;
}

static int follow_list(struct cli_context *context, const struct cli_args *args,
                       enum user_list_kind kind)
{
    struct store *store = NULL;
    struct user user = { 0 };
    int status = cli_open_store(context, CLI_OPEN_DATA, NULL, &store);
    if (status != CLI_EXIT_OK)
        goto out;
    status = cli_find_user(store, args->positional[0], &user);
    if (status != CLI_EXIT_OK)
        goto out;
    status = list_users(store, kind, user.id, cli_flag(args, "--json"));
out:
    store_user_clear(&user);
    store_close(store);
    return status;
}

int cli_followers_run(struct cli_context *context, const struct cli_args *args)
{
    return follow_list(context, args, LIST_FOLLOWERS);
}

int cli_following_run(struct cli_context *context, const struct cli_args *args)
{
    return follow_list(context, args, LIST_FOLLOWING);
}

int cli_muted_run(struct cli_context *context, const struct cli_args *args)
{
    struct store *store = NULL;
    struct user you = { 0 };
    int status = cli_open_store(context, CLI_OPEN_DATA, NULL, &store);
    if (status != CLI_EXIT_OK)
        goto out;
    status = cli_whoami(context, store, cli_option(args, "--as"), false, CLI_WHO_ACTOR, &you);
    if (status != CLI_EXIT_OK)
        goto out;
    status = list_users(store, LIST_MUTED, you.id, cli_flag(args, "--json"));
out:
    store_user_clear(&you);
    store_close(store);
    return status;
}

/* ---- mentions -------------------------------------------------------- */

static struct post_cursor cursor_of(const struct post *post)
{
    return (struct post_cursor){ .timestamp = post->timestamp, .id = post->id };
}

/* The oldest `limit` mentions after the read mark (so none is skipped:
 * the rest wait for the next time), printed newest first, then the mark
 * moves to the newest printed. */
static int list_unread(struct store *store, const struct user *you,
                       const struct post_filter *filter, int64_t limit, bool json)
{
    struct post_list unread = { 0 };
    struct post_cursor mark = { 0 };
    int status = CLI_EXIT_OK;
    if (store_read_mark_get(store, you->id, STORE_MARK_MENTIONS, &mark) != MB_OK) {
        status = cli_fail("%s", store_error(store));
        goto out;
    }
    while ((int64_t)unread.count < limit) {
        struct post_list page = { 0 };
        int64_t left = limit - (int64_t)unread.count;
        size_t want = left < POST_PAGE ? (size_t)left : POST_PAGE;
        if (store_posts_page(store, filter, &mark, PAGE_NEWER, want, &page) != MB_OK) {
            status = cli_fail("%s", store_error(store));
            goto out;
        }
        /* Each page is newest first and newer than the one before: it
         * goes in front. */
        unread.items = xreallocarray(unread.items, unread.count + page.count + 1,
                                     sizeof *unread.items);
        memmove(unread.items + page.count, unread.items, unread.count * sizeof *unread.items);
        if (page.count > 0)
            memcpy(unread.items, page.items, page.count * sizeof *page.items);
        unread.count += page.count;
        size_t got = page.count;
        free(page.items);  /* the strings now belong to unread */
        if (got > 0)
            mark = cursor_of(&unread.items[0]);
        if (got < want)
            break;
    }
    cli_print_posts(stdout, &unread, 0, json);
    if (unread.count > 0) {
        if (store_read_mark_set(store, you->id, STORE_MARK_MENTIONS, &mark) != MB_OK) {
            status = cli_fail("%s", store_error(store));
            goto out;
        }
        status = cli_seen(store, you);
    }
out:
    store_post_list_free(&unread);
    return status;
}

int cli_mentions_run(struct cli_context *context, const struct cli_args *args)
{
    const char *limit_text = cli_option(args, "--limit");
    bool unread = cli_flag(args, "--unread");
    struct store *store = NULL;
    struct user you = { 0 };
    int64_t limit = 20;
    int status;

    if (limit_text && !cli_parse_int64(limit_text, 1, INT64_MAX, &limit))
        return cli_usage_error(args, "invalid --limit '%s' (a number from 1)", limit_text);
    if (cli_flag(args, "--password-stdin") && !unread)
        return cli_usage_error(args, "--password-stdin goes with --unread (listing needs "
                                     "no password)");
    status = cli_open_store(context, CLI_OPEN_DATA, NULL, &store);
    if (status != CLI_EXIT_OK)
        goto out;
    status = cli_whoami(context, store, cli_option(args, "--as"),
                        cli_flag(args, "--password-stdin"),
                        unread ? CLI_WHO_ACTOR : CLI_WHO_READER, &you);
    if (status != CLI_EXIT_OK)
        goto out;
    struct post_filter filter = { .mentioning = you.id, .viewer_id = you.id };
    if (unread)
        status = list_unread(store, &you, &filter, limit, cli_flag(args, "--json"));
    else
        status = cli_list_posts(store, &filter, NULL, limit, cli_flag(args, "--json"));
out:
    store_user_clear(&you);
    store_close(store);
    return status;
}
