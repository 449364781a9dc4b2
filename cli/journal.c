/* The journal on the command line (issue 12): the passphrase of private
 * entries (asked on a terminal, twice for an author's first entry, or the
 * first line of stdin with --password-stdin) and unlocking them through the
 * store, which alone decides whose they are; and `tags`, every tag with the
 * number of its posts, in keyset pages. Writing an entry (`post --private`)
 * and listing with --tag, --search and --unlock are cli/post.c's. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define TAG_PAGE 500

const struct cli_option cli_tags_options[] = {
    { "--after", "TAG", "only the tags after TAG (the next page)" },
    { "--limit", "N", "at most N tags (default: all)" },
    { "--json", NULL, "print JSON Lines ({\"tag\":\"work\",\"posts\":12})" },
    { NULL, NULL, NULL },
};

int cli_private_passphrase(struct store *store, const char *author, int64_t author_id,
                           bool from_stdin, bool writing, char **passphrase)
{
    bool exists = false;
    *passphrase = NULL;
    if (author_id != 0 && store_private_exists(store, author_id, &exists) != MB_OK)
        return cli_fail("%s", store_error(store));
    if (!exists && !writing)
        return cli_fail("'%s' has no private entries yet (post --private TEXT writes the first)",
                        author);
    /* A new passphrase is typed twice: a typo would lock the entries away. */
    return cli_read_secret("passphrase", from_stdin, !exists, author, passphrase);
}

int cli_private_passphrase_to_write(struct cli_context *context, struct store *store,
                                    const char *as, bool from_stdin, char **passphrase)
{
    struct user user = { 0 };
    const char *name = store_person(store);
    int64_t id = store_person_id(store);
    if (name == NULL) {
        name = as ? as : context->config.user;
        enum mb_status found = store_user_get(store, name, &user);
        if (found != MB_OK && found != MB_NOT_FOUND)
            return cli_fail("%s", store_error(store));
        id = user.id;
    }
    int status = cli_private_passphrase(store, name, id, from_stdin, true, passphrase);
    store_user_clear(&user);
    return status;
}

int cli_private_unlock(struct store *store, int64_t author_id, const char *passphrase)
{
    enum mb_status status = store_private_unlock(store, author_id, passphrase);
    if (status != MB_OK)
        return cli_fail("%s", store_error(store));
    return CLI_EXIT_OK;
}

static void print_tag(const struct tag_count *tag, int width, bool json)
{
    if (json) {
        fputs("{\"tag\":", stdout);
        cli_print_json_string(stdout, tag->tag);
        printf(",\"posts\":%lld}\n", (long long)tag->posts);
        return;
    }
    printf("%*lld  #", width, (long long)tag->posts);
    cli_print_clean(stdout, tag->tag, 0);
    putchar('\n');
}

int cli_tags_run(struct cli_context *context, const struct cli_args *args)
{
    const char *limit_text = cli_option(args, "--limit");
    const char *after_text = cli_option(args, "--after");
    bool json = cli_flag(args, "--json");
    struct store *store = NULL;
    int64_t limit = INT64_MAX;
    char *after = NULL;
    int status;

    if (limit_text && !cli_parse_int64(limit_text, 1, INT64_MAX, &limit))
        return cli_usage_error(args, "invalid --limit '%s' (a number from 1)", limit_text);
    if (after_text != NULL) {
        struct mb_error err = { { 0 } };
        if (store_tag_fold(after_text, &after, &err) != MB_OK)
            return cli_usage_error(args, "--after: %s", err.message);
    }
    status = cli_open_store(context, CLI_OPEN_DATA, NULL, &store);
    while (status == CLI_EXIT_OK && limit > 0) {
        struct tag_list page = { 0 };
        size_t want = limit < TAG_PAGE ? (size_t)limit : TAG_PAGE;
        if (store_tag_list(store, after, want, &page) != MB_OK) {
            status = cli_fail("%s", store_error(store));
            break;
        }
        int width = 1;
        for (size_t i = 0; i < page.count; i++) {
            int digits = snprintf(NULL, 0, "%lld", (long long)page.items[i].posts);
            width = digits > width ? digits : width;
        }
        for (size_t i = 0; i < page.count; i++)
            print_tag(&page.items[i], width, json);
        if (page.count > 0) {
            free(after);
            after = xstrdup(page.items[page.count - 1].tag);
        }
        limit -= (int64_t)page.count;
        bool last = page.count < want;
        store_tag_list_free(&page);
        if (last)
            break;
    }
    free(after);
    store_close(store);
    return status;
}
