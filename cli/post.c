/* `microblog-tui post ...` and `posts`: writing a post or a reply from the
 * shell (the author defaults to the config's user, created on first use,
 * so a journal needs no set-up), deleting one, and listing the timeline
 * newest first, for a terminal (sanitized, aligned, local time) or as JSON
 * Lines, with the journal's filters (a tag, a search) and private entries
 * (written with --private, read with --unlock: the passphrase and the
 * tags command are cli/journal.c's). A conversation (`post show`) and
 * edits are in cli/thread.c. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/crypto.h"
#include "core/text.h"
#include "core/when.h"
#include "core/xalloc.h"

/* Anything longer than this cannot be a valid body (140 code points of at
 * most 4 bytes each), so stdin is not read further. */
#define BODY_READ_MAX 4096
#define PAGE_SIZE 500

const struct cli_option cli_post_options[] = {
    { "--as", "NAME", "post as this existing user (default: the config's `user`)" },
    { "--password-stdin", NULL, "read the password from stdin (with --private: the passphrase first)" },
    { "--reply-to", "ID", "answer post ID (the reply joins its conversation)" },
    { "--private", NULL, "a private entry: sealed under your passphrase, shown only to you" },
    { NULL, NULL, NULL },
};

const struct cli_option cli_posts_options[] = {
    { "--user", "NAME", "only this user's posts" },
    { "--following", NULL, "only the posts of the people you follow, and yours" },
    { "--mentions", NULL, "only the posts that mention you" },
    { "--as", "NAME", "who you are (personal mode; default: the config's `user`)" },
    { "--limit", "N", "at most N posts (default 20)" },
    { "--before", "ID", "only posts older than post ID (the next page)" },
    { "--json", NULL, "print JSON Lines (id, author, timestamp in UTC, body)" },
    { "--since", "WHEN", "only posts at or after WHEN (2026-11-29, 2026-11-29T14:05, today, 7d)" },
    { "--until", "WHEN", "only posts before WHEN (a day: up to its end)" },
    { "--tag", "WORD", "only posts tagged #WORD (any case)" },
    { "--search", "QUERY", "only posts holding every word of QUERY" },
    { "--unlock", NULL, "show your private entries (asks your passphrase)" },
    { "--password-stdin", NULL, "with --unlock: read the passphrase from stdin" },
    { NULL, NULL, NULL },
};

static const struct cli_option del_options[] = {
    { "--yes", NULL, "do not ask for confirmation" },
    { NULL, NULL, NULL },
};

/* Reads the body from stdin, without its trailing newline. */
static int read_body(char **out)
{
    size_t length = 0;
    char *body = xmalloc(BODY_READ_MAX + 2);
    size_t got;
    *out = NULL;
    while ((got = fread(body + length, 1, BODY_READ_MAX + 1 - length, stdin)) > 0) {
        length += got;
        if (length > BODY_READ_MAX)
            break;
    }
    if (ferror(stdin)) {
        free(body);
        return cli_fail("cannot read the post from stdin");
    }
    if (length > BODY_READ_MAX) {
        free(body);
        return cli_fail("the post is longer than %d characters", STORE_BODY_MAX);
    }
    body[length] = '\0';
    if (memchr(body, '\0', length) != NULL) {
        free(body);
        return cli_fail("the post contains a NUL byte");
    }
    if (length > 0 && body[length - 1] == '\n')
        body[--length] = '\0';
    if (length > 0 && body[length - 1] == '\r')
        body[--length] = '\0';
    *out = body;
    return CLI_EXIT_OK;
}

static char *join_words(char **words, int count)
{
    size_t length = 1;
    for (int i = 0; i < count; i++)
        length += strlen(words[i]) + 1;
    char *text = xmalloc(length);
    char *p = text;
    for (int i = 0; i < count; i++) {
        if (i > 0)
            *p++ = ' ';
        size_t n = strlen(words[i]);
        memcpy(p, words[i], n);
        p += n;
    }
    *p = '\0';
    return text;
}

/* A private entry's text on a terminal: one line, not echoed (it would
 * stay on the screen and in the terminal's scrollback). */
static int read_private_body(char **out)
{
    *out = NULL;
    crypto_disable_core_dumps();
    if (crypto_read_password("Private entry (not shown): ", out) != MB_OK)
        return cli_fail("no private entry given");
    return CLI_EXIT_OK;
}

/* Overwrites the words of a private entry's text in the process's own
 * argv, as mysql does with -p passwords: /proc/PID/cmdline (and so ps)
 * reads that memory, which everyone on the box may read while the
 * passphrase is asked. The shell's history still has them: the README says
 * to write `post --private -` instead. */
static void wipe_argv_words(const struct cli_args *args, int first)
{
    for (int i = first; i < args->count; i++)
        crypto_wipe(args->positional[i], strlen(args->positional[i]));
}

/* The text of a post: the words of args from first on joined by spaces,
 * or stdin for a lone "-" (then the password cannot come from there too;
 * a private entry's is asked without echo when stdin is a terminal).
 * Checked (store_validate_body) before any database is opened. */
int cli_post_body(const struct cli_args *args, int first, char **out)
{
    struct mb_error err = { { 0 } };
    bool private_entry = cli_flag(args, "--private");
    int status;
    *out = NULL;
    if (args->count == first + 1 && strcmp(args->positional[first], "-") == 0) {
        if (cli_flag(args, "--password-stdin"))
            return cli_usage_error(args, "the password and the post cannot both come "
                                         "from stdin");
        status = private_entry && cli_stdin_is_tty() ? read_private_body(out) : read_body(out);
        if (status != CLI_EXIT_OK)
            return status;
    } else if (private_entry) {
        *out = join_words(args->positional + first, args->count - first);
        wipe_argv_words(args, first);
    } else {
        *out = join_words(args->positional + first, args->count - first);
    }
    if (store_validate_body(*out, &err) != MB_OK) {
        cli_password_free(*out);
        *out = NULL;
        return cli_fail("%s", err.message);
    }
    return CLI_EXIT_OK;
}

/* Decides the author as every command that acts as you does
 * (cli_whoami), except that the configured user of personal mode is
 * created with the post when missing, in one transaction (*in_batch is
 * then set). */
static int choose_author(struct cli_context *context, struct store *store, const char *as,
                         bool password_stdin, struct user *user, bool *created, bool *in_batch)
{
    if (as == NULL && store_mode(store) == STORE_MODE_PERSONAL) {
        enum mb_status found = store_user_get(store, context->config.user, user);
        store_user_clear(user);
        if (found == MB_NOT_FOUND) {
            if (store_batch_begin(store) != MB_OK)
                return cli_fail("%s", store_error(store));
            *in_batch = true;
            found = store_author_resolve(store, NULL, context->config.user, true, NULL, user,
                                         created);
        }
        if (found != MB_OK)
            return cli_fail("%s", store_error(store));
        if (*in_batch)
            return CLI_EXIT_OK;
    }
    return cli_whoami(context, store, as, password_stdin, CLI_WHO_ACTOR, user);
}

int cli_post_run(struct cli_context *context, const struct cli_args *args)
{
    const char *as = cli_option(args, "--as");
    const char *reply_text = cli_option(args, "--reply-to");
    bool password_stdin = cli_flag(args, "--password-stdin");
    bool private_entry = cli_flag(args, "--private");
    char *passphrase = NULL;
    struct store *store = NULL;
    struct user user = { 0 };
    struct mb_error err = { { 0 } };
    char *body = NULL;
    bool created = false, in_batch = false;
    int64_t id, reply_to = 0;
    int status;

    if (reply_text && !cli_parse_int64(reply_text, 1, INT64_MAX, &reply_to))
        return cli_usage_error(args, "invalid --reply-to '%s' (a post id)", reply_text);
    if (reply_text && private_entry)
        return cli_usage_error(args, "a private entry answers no post (--reply-to)");

    /* Validate everything before the database is opened or created. */
    status = cli_post_body(args, 0, &body);
    if (status != CLI_EXIT_OK)
        return status;
    status = cli_load_config(context);
    if (status != CLI_EXIT_OK)
        goto out;
    const char *author = as ? as : context->config.user;
    if (context->identity.mode == IDENTITY_PERSONAL &&
        store_validate_username(author, &err) != MB_OK) {
        status = cli_fail("%s", err.message);
        goto out;
    }
    status = cli_open_store(context, CLI_OPEN_DATA, NULL, &store);
    if (status != CLI_EXIT_OK)
        goto out;
    if (private_entry) {
        status = cli_private_passphrase_to_write(context, store, as, password_stdin, &passphrase);
        if (status != CLI_EXIT_OK)
            goto out;
    }
    status = choose_author(context, store, as, password_stdin, &user, &created, &in_batch);
    if (status == CLI_EXIT_OK && private_entry)
        status = cli_private_unlock(store, user.id, passphrase);
    if (status != CLI_EXIT_OK)
        goto out;
    enum mb_status written = private_entry ? store_post_private(store, user.id, body, &id)
                                           : store_post_reply(store, user.id, reply_to, body,
                                                              0, &id);
    if (written != MB_OK) {
        status = cli_fail("%s", store_error(store));
        goto out;
    }
    if (in_batch) {
        in_batch = false;
        if (store_batch_commit(store) != MB_OK) {
            store_batch_rollback(store);
            status = cli_fail("%s", store_error(store));
            goto out;
        }
    }
    if (created) {
        fputs("created user '", stdout);
        cli_print_clean(stdout, user.username, 0);
        fputs("' (no password)\n", stdout);
    }
    printf(private_entry ? "posted private entry %lld as " : "posted %lld as ", (long long)id);
    cli_print_clean(stdout, user.username, 0);
    if (reply_to != 0)
        printf(" (a reply to %lld)", (long long)reply_to);
    putchar('\n');
    status = cli_seen(store, &user);
out:
    if (in_batch)
        store_batch_rollback(store);
    store_user_clear(&user);
    store_close(store);
    cli_password_free(passphrase);
    cli_password_free(body); /* a private entry's text: wiped */
    return status;
}

int cli_post_id(const struct cli_args *args, int64_t *id)
{
    if (!cli_parse_int64(args->positional[0], 1, INT64_MAX, id))
        return cli_usage_error(args, "invalid post id '%s' (to post text starting with "
                                     "this word, use: post -- TEXT...)",
                               args->positional[0]);
    return CLI_EXIT_OK;
}

int cli_get_post(struct store *store, int64_t id, struct post *post)
{
    enum mb_status status = store_post_get(store, id, post);
    if (status == MB_NOT_FOUND)
        return cli_fail("no post %lld", (long long)id);
    if (status != MB_OK)
        return cli_fail("%s", store_error(store));
    return CLI_EXIT_OK;
}

static int post_del(struct cli_context *context, const struct cli_args *args)
{
    struct store *store = NULL;
    struct post post = { 0 };
    int64_t id;
    int status = cli_post_id(args, &id);
    if (status != CLI_EXIT_OK)
        return status;
    status = cli_open_store(context, CLI_OPEN_DATA, NULL, &store);
    if (status != CLI_EXIT_OK)
        goto out;
    status = cli_get_post(store, id, &post);
    if (status == CLI_EXIT_OK)
        status = cli_authorize(store, STORE_ACTION_POST_DELETE, post.user_id);
    if (status != CLI_EXIT_OK)
        goto out;
    if (!cli_flag(args, "--yes")) {
        if (!cli_stdin_is_tty()) {
            status = cli_fail("not deleting post %lld without --yes (stdin is not a terminal)",
                              (long long)id);
            goto out;
        }
        char *author = text_sanitize(post.author, strlen(post.author), 0);
        char *body = text_sanitize(post.body, strlen(post.body), 0);
        char *question = xasprintf("Delete post %lld by %s: \"%s\"?", (long long)id,
                                   author, body);
        bool yes = cli_confirm(question);
        free(question);
        free(body);
        free(author);
        if (!yes) {
            status = cli_fail("post %lld not deleted", (long long)id);
            goto out;
        }
    }
    if (store_post_delete(store, id) != MB_OK) {
        status = cli_fail("%s", store_error(store));
        goto out;
    }
    printf("deleted post %lld\n", (long long)id);
out:
    store_post_clear(&post);
    store_close(store);
    return status;
}

const struct cli_command cli_post_commands[] = {
    {
        .name = "show",
        .synopsis = "ID [--json]",
        .summary = "show a post in its conversation (every reply, oldest first)",
        .description =
            "Prints the post (author, local time, body), then the whole conversation\n"
            "it belongs to, oldest first, the post marked with '>'. With --json,\n"
            "the conversation as JSON Lines (as posts --json).\n",
        .options = cli_post_show_options, .min_args = 1, .max_args = 1,
        .run = cli_post_show_run,
    },
    {
        .name = "edit",
        .synopsis = "ID [--as NAME] [--password-stdin] TEXT...|-",
        .summary = "replace the text of one of your posts (shown as edited)",
        .description =
            "Only the author may edit a post, in every mode (an edit speaks for\n"
            "them); a user with a password gives it as for post.\n",
        .options = cli_act_options, .min_args = 2, .max_args = -1,
        .run = cli_post_edit_run,
    },
    {
        .name = "del",
        .synopsis = "ID [--yes]",
        .summary = "delete one post (asks y/N on a terminal)",
        .options = del_options, .min_args = 1, .max_args = 1, .run = post_del,
    },
    { .name = NULL },
};

/* For a terminal: the id (for `post show/del`), then the author column as
 * wide as the widest author, local time, what a reply answers and the
 * body. */
static void print_lines(FILE *out, const struct post_list *page, int64_t marked_id)
{
    char **authors = xcalloc(page->count + 1, sizeof *authors);
    int width = 0, id_width = 1;
    for (size_t i = 0; i < page->count; i++) {
        int digits = snprintf(NULL, 0, "%lld", (long long)page->items[i].id);
        if (digits > id_width)
            id_width = digits;
    }
    for (size_t i = 0; i < page->count; i++) {
        authors[i] = text_sanitize(page->items[i].author, strlen(page->items[i].author), 0);
        int w = text_width(authors[i], strlen(authors[i]));
        if (w > width)
            width = w;
    }
    for (size_t i = 0; i < page->count; i++) {
        const struct post *post = &page->items[i];
        char when[48];
        cli_format_local_time(post->timestamp, false, when, sizeof when);
        int w = text_width(authors[i], strlen(authors[i]));
        if (marked_id != 0)
            fputs(post->id == marked_id ? "> " : "  ", out);
        fprintf(out, "%*lld  %s%*s  %s  ", id_width, (long long)post->id, authors[i],
                width - w, "", when);
        if (post->reply_to != 0) {
            fputs("\u21b3 @", out);
            cli_print_clean(out, post->reply_to_author ? post->reply_to_author : "?", 0);
            fprintf(out, " #%lld  ", (long long)post->reply_to);
        }
        cli_print_clean(out, post->body, 0);
        if (post->is_private && strcmp(post->body, STORE_PRIVATE_PLACEHOLDER) != 0)
            fputs(" (private)", out);
        if (post->edited_at != 0)
            fputs(" (edited)", out);
        putc('\n', out);
        free(authors[i]);
    }
    free(authors);
}

void cli_print_posts(FILE *out, const struct post_list *page, int64_t marked_id, bool json)
{
    if (!json) {
        print_lines(out, page, marked_id);
        return;
    }
    for (size_t i = 0; i < page->count; i++)
        cli_print_post_json(out, &page->items[i]);
}

int cli_list_posts(struct store *store, const struct post_filter *filter,
                   const struct post_cursor *from, int64_t limit, bool json)
{
    struct post_cursor cursor = from ? *from : (struct post_cursor){ 0 };
    bool have_cursor = from != NULL;
    /* Pages of at most PAGE_SIZE, so a large --limit never holds it all. */
    while (limit > 0) {
        struct post_list page = { 0 };
        size_t want = limit < PAGE_SIZE ? (size_t)limit : PAGE_SIZE;
        if (store_posts_page(store, filter, have_cursor ? &cursor : NULL, PAGE_OLDER, want,
                             &page) != MB_OK)
            return cli_fail("%s", store_error(store));
        cli_print_posts(stdout, &page, 0, json);
        size_t got = page.count;
        if (got > 0) {
            cursor = (struct post_cursor){ .timestamp = page.items[got - 1].timestamp,
                                           .id = page.items[got - 1].id };
            have_cursor = true;
        }
        store_post_list_free(&page);
        limit -= (int64_t)got;
        if (got < want)
            break;
    }
    return CLI_EXIT_OK;
}

/* Reads --since/--until (core/when.h has the forms and the rule for a
 * day); one line and a usage status when it cannot. *out stays 0 (no
 * bound) when the option is not given. */
static int parse_when_option(const struct cli_args *args, const char *name,
                             enum when_bound bound, int64_t now, int64_t *out)
{
    const char *text = cli_option(args, name);
    struct mb_error err;
    if (text == NULL || when_parse(text, bound, now, out, &err) == MB_OK)
        return CLI_EXIT_OK;
    char *message = xasprintf("%s: %s", name, err.message);
    cli_print_error_line(message);
    free(message);
    return CLI_EXIT_USAGE;
}

int cli_posts_run(struct cli_context *context, const struct cli_args *args)
{
    const char *username = cli_option(args, "--user");
    const char *limit_text = cli_option(args, "--limit");
    const char *before_text = cli_option(args, "--before");
    bool json = cli_flag(args, "--json");
    bool unlock = cli_flag(args, "--unlock");
    bool yours = cli_flag(args, "--following") || cli_flag(args, "--mentions") || unlock;
    char *passphrase = NULL;
    struct store *store = NULL;
    struct user user = { 0 }, you = { 0 };
    struct post before = { 0 };
    struct post_cursor cursor;
    bool have_cursor = false;
    int64_t limit = 20, before_id = 0, user_id = 0, since = 0, until = 0;
    int status;

    if (limit_text && !cli_parse_int64(limit_text, 1, INT64_MAX, &limit))
        return cli_usage_error(args, "invalid --limit '%s' (a number from 1)", limit_text);
    if (before_text && !cli_parse_int64(before_text, 1, INT64_MAX, &before_id))
        return cli_usage_error(args, "invalid --before '%s' (a post id)", before_text);
    int64_t now = (int64_t)time(NULL);
    if ((status = parse_when_option(args, "--since", WHEN_SINCE, now, &since)) != CLI_EXIT_OK
        || (status = parse_when_option(args, "--until", WHEN_UNTIL, now, &until)) != CLI_EXIT_OK)
        return status;
    if (cli_flag(args, "--password-stdin") && !unlock)
        return cli_usage_error(args, "--password-stdin goes with --unlock");
    if (since != 0 && until != 0 && since >= until)
        return cli_fail("--since %s is not before --until %s: no post can match",
                        cli_option(args, "--since"), cli_option(args, "--until"));
    status = cli_open_store(context, CLI_OPEN_DATA, NULL, &store);
    if (status != CLI_EXIT_OK)
        goto out;
    if (username != NULL) {
        enum mb_status found = store_user_get(store, username, &user);
        if (found == MB_NOT_FOUND) {
            status = cli_fail("no user '%s'", username);
            goto out;
        }
        if (found != MB_OK) {
            status = cli_fail("%s", store_error(store));
            goto out;
        }
        user_id = user.id;
    }
    /* You: whose follows and mentions, and whose mutes hide authors. */
    status = cli_whoami(context, store, cli_option(args, "--as"), false,
                        yours ? CLI_WHO_READER : CLI_WHO_VIEWER, &you);
    if (status == CLI_EXIT_OK && unlock)
        status = cli_private_passphrase(store, you.username, you.id,
                                        cli_flag(args, "--password-stdin"), false, &passphrase);
    if (status == CLI_EXIT_OK && unlock)
        status = cli_private_unlock(store, you.id, passphrase);
    if (status != CLI_EXIT_OK)
        goto out;
    struct post_filter filter = {
        .author_id = user_id,
        .following_of = cli_flag(args, "--following") ? you.id : 0,
        .mentioning = cli_flag(args, "--mentions") ? you.id : 0,
        .viewer_id = you.id,
        .since = since,
        .until = until,
        .tag = cli_option(args, "--tag"),
        .search = cli_option(args, "--search"),
    };
    if (before_text != NULL) {
        status = cli_get_post(store, before_id, &before);
        if (status != CLI_EXIT_OK)
            goto out;
        cursor = (struct post_cursor){ .timestamp = before.timestamp, .id = before.id };
        have_cursor = true;
    }
    status = cli_list_posts(store, &filter, have_cursor ? &cursor : NULL, limit, json);
out:
    cli_password_free(passphrase);
    store_post_clear(&before);
    store_user_clear(&you);
    store_user_clear(&user);
    store_close(store);
    return status;
}
