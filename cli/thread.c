/* Conversations and edits from the shell: `post show ID` prints the post
 * and then the whole conversation it belongs to (store_conversation, in
 * keyset pages, oldest first, the asked-for post marked), and `post edit
 * ID TEXT` replaces the text of one of your own posts (the store decides
 * whose it is). Replies are written by `post --reply-to` (cli/post.c). */
#include "cli/cli.h"

#include <stdlib.h>

#include "core/text.h"

#define THREAD_PAGE 500

const struct cli_option cli_post_show_options[] = {
    { "--json", NULL, "print the conversation as JSON Lines, oldest first" },
    { NULL, NULL, NULL },
};

static void print_post(const struct post *post)
{
    char when[48];
    cli_format_local_time(post->timestamp, true, when, sizeof when);
    printf("id:      %lld\nauthor:  ", (long long)post->id);
    cli_print_clean(stdout, post->author, 0);
    printf("\ntime:    %s\n", when);
    if (post->reply_to != 0) {
        printf("reply:   to %lld by ", (long long)post->reply_to);
        cli_print_clean(stdout, post->reply_to_author ? post->reply_to_author : "?", 0);
        putchar('\n');
    }
    if (post->edited_at != 0) {
        cli_format_local_time(post->edited_at, true, when, sizeof when);
        printf("edited:  %s\n", when);
    }
    putchar('\n');
    cli_print_clean(stdout, post->body, TEXT_KEEP_NEWLINES);
    putchar('\n');
}

/* The conversation in pages, oldest first. On a terminal it follows the
 * post under "conversation:", and only when the post is not alone. */
static int print_conversation(struct store *store, const struct post *post, bool json)
{
    struct post_cursor cursor = { 0 };
    bool first = true;
    for (;;) {
        struct post_list page = { 0 };
        if (store_conversation(store, post->id, first ? NULL : &cursor, THREAD_PAGE, &page)
            != MB_OK)
            return cli_fail("%s", store_error(store));
        if (!json && first && page.count > 1)
            printf("\nconversation:\n");
        if (json || page.count > 1 || !first)
            cli_print_posts(stdout, &page, json ? 0 : post->id, json);
        size_t got = page.count;
        if (got > 0)
            cursor = (struct post_cursor){ .timestamp = page.items[got - 1].timestamp,
                                           .id = page.items[got - 1].id };
        store_post_list_free(&page);
        first = false;
        if (got < THREAD_PAGE)
            break;
    }
    return CLI_EXIT_OK;
}

int cli_post_show_run(struct cli_context *context, const struct cli_args *args)
{
    struct store *store = NULL;
    struct post post = { 0 };
    bool json = cli_flag(args, "--json");
    int64_t id;
    int status = cli_post_id(args, &id);
    if (status != CLI_EXIT_OK)
        return status;
    status = cli_open_store(context, CLI_OPEN_DATA, NULL, &store);
    if (status != CLI_EXIT_OK)
        goto out;
    status = cli_get_post(store, id, &post);
    if (status != CLI_EXIT_OK)
        goto out;
    if (!json)
        print_post(&post);
    status = print_conversation(store, &post, json);
out:
    store_post_clear(&post);
    store_close(store);
    return status;
}

int cli_post_edit_run(struct cli_context *context, const struct cli_args *args)
{
    struct store *store = NULL;
    struct post post = { 0 };
    struct user you = { 0 };
    char *body = NULL;
    int64_t id;
    int status = cli_post_id(args, &id);
    if (status != CLI_EXIT_OK)
        return status;
    status = cli_post_body(args, 1, &body);
    if (status != CLI_EXIT_OK)
        return status;
    status = cli_open_store(context, CLI_OPEN_DATA, NULL, &store);
    if (status != CLI_EXIT_OK)
        goto out;
    status = cli_get_post(store, id, &post);
    if (status != CLI_EXIT_OK)
        goto out;
    status = cli_whoami(context, store, cli_option(args, "--as"),
                        cli_flag(args, "--password-stdin"), CLI_WHO_ACTOR, &you);
    if (status != CLI_EXIT_OK)
        goto out;
    if (store_post_edit(store, id, you.id, body) != MB_OK) {
        status = cli_fail("%s", store_error(store));
        goto out;
    }
    printf("edited post %lld\n", (long long)id);
    status = cli_seen(store, &you);
out:
    store_user_clear(&you);
    store_post_clear(&post);
    store_close(store);
    free(body);
    return status;
}
