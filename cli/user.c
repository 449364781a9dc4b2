/* `microblog-tui user ...`: adding, listing, showing (the profile),
 * editing your profile, re-passwording and deleting users from the shell.
 * Input is validated before the database is opened and passwords are asked
 * for before anything is written, so an error leaves the database as it
 * was. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/xalloc.h"

static const struct cli_option add_options[] = {
    { "--email", "E", "the user's email address (unique, up to 120 characters)" },
    { "--password-stdin", NULL, "read the password from the first line of stdin" },
    { "--no-password", NULL, "create the user without a password (never asked)" },
    { NULL, NULL, NULL },
};

static const struct cli_option list_options[] = {
    { "--desc", NULL, "reverse alphabetical order" },
    { NULL, NULL, NULL },
};

static const struct cli_option passwd_options[] = {
    { "--password-stdin", NULL, "read the new password from the first line of stdin" },
    { "--no-password", NULL, "remove the password" },
    { NULL, NULL, NULL },
};

static const struct cli_option del_options[] = {
    { "--yes", NULL, "do not ask for confirmation" },
    { NULL, NULL, NULL },
};

static const struct cli_option show_options[] = {
    { "--json", NULL, "print one JSON object (id, username, about, joined, last_seen, "
                      "posts, followers, following)" },
    { NULL, NULL, NULL },
};

static const struct cli_option edit_options[] = {
    { "--about", "TEXT", "your \"about me\", up to 140 characters (\"\" removes it)" },
    { "--as", "NAME", "whose profile (personal mode; default: the config's `user`)" },
    { "--password-stdin", NULL, "read your password from the first line of stdin" },
    { NULL, NULL, NULL },
};

static const char *plural(int64_t n)
{
    return n == 1 ? "" : "s";
}

static int validate(const char *username, const char *email)
{
    struct mb_error err = { { 0 } };
    if (store_validate_username(username, &err) != MB_OK)
        return cli_fail("%s", err.message);
    if (email != NULL && store_validate_email(email, &err) != MB_OK)
        return cli_fail("%s", err.message);
    return CLI_EXIT_OK;
}

/* Decides the new password: --no-password or no terminal: none;
 * --password-stdin: stdin's first line; otherwise asked twice. */
static int new_password(const struct cli_args *args, const char *username, bool ask_on_tty,
                        char **out)
{
    bool from_stdin = cli_flag(args, "--password-stdin");
    *out = NULL;
    if (from_stdin && cli_flag(args, "--no-password"))
        return cli_usage_error(args, "--password-stdin and --no-password exclude each other");
    if (cli_flag(args, "--no-password") || (!from_stdin && !ask_on_tty))
        return CLI_EXIT_OK;
    int status = cli_read_password(from_stdin, true, username, out);
    if (status != CLI_EXIT_OK)
        return status;
    if ((*out)[0] == '\0') {
        cli_password_free(*out);
        *out = NULL;
        return cli_fail("the password is empty");
    }
    return CLI_EXIT_OK;
}

static int user_add(struct cli_context *context, const struct cli_args *args)
{
    const char *username = args->positional[0];
    const char *email = cli_option(args, "--email");
    struct store *store = NULL;
    char *password = NULL;
    struct user existing = { 0 };
    int64_t id;
    int status;

    if (cli_flag(args, "--password-stdin") && cli_flag(args, "--no-password"))
        return cli_usage_error(args, "--password-stdin and --no-password exclude each other");
    status = validate(username, email);
    if (status != CLI_EXIT_OK)
        return status;
    status = cli_open_store(context, CLI_OPEN_DATA, NULL, &store);
    if (status != CLI_EXIT_OK)
        goto out;
    status = cli_authorize(store, STORE_ACTION_USER_ADD, 0);
    if (status != CLI_EXIT_OK)
        goto out;
    /* Say so before asking for a password that could not be used. */
    if (store_user_get(store, username, &existing) == MB_OK) {
        status = cli_fail("username '%s' is taken", username);
        goto out;
    }
    status = new_password(args, username, cli_stdin_is_tty(), &password);
    if (status != CLI_EXIT_OK)
        goto out;
    if (store_user_add(store, username, email, password, &id) != MB_OK) {
        status = cli_fail("%s", store_error(store));
        goto out;
    }
    fputs("added user '", stdout);
    cli_print_clean(stdout, username, 0);
    printf("' (id %lld%s)\n", (long long)id, password ? ", with a password" : "");
out:
    cli_password_free(password);
    store_user_clear(&existing);
    store_close(store);
    return status;
}

static int user_list(struct cli_context *context, const struct cli_args *args)
{
    bool descending = cli_flag(args, "--desc");
    struct store *store = NULL;
    struct user *all = NULL;
    size_t count = 0, capacity = 0;
    int status = cli_open_store(context, CLI_OPEN_DATA, NULL, &store);
    if (status != CLI_EXIT_OK)
        goto out;
    /* Keyset pages on the username; the list is gathered to align columns. */
    for (;;) {
        struct user_list page = { 0 };
        const char *after = count > 0 ? all[count - 1].username : NULL;
        if (store_user_list(store, after, descending, 500, &page) != MB_OK) {
            status = cli_fail("%s", store_error(store));
            goto out;
        }
        if (count + page.count > capacity) {
            capacity = (count + page.count) * 2;
            all = xreallocarray(all, capacity, sizeof *all);
        }
        if (page.count > 0)
            memcpy(all + count, page.items, page.count * sizeof *all);
        count += page.count;
        size_t got = page.count;
        free(page.items);  /* the strings now belong to all[] */
        if (got < 500)
            break;
    }
    int id_width = 1, name_width = 1;
    for (size_t i = 0; i < count; i++) {
        char digits[24];
        int w = snprintf(digits, sizeof digits, "%lld", (long long)all[i].id);
        if (w > id_width)
            id_width = w;
        char *clean = text_sanitize(all[i].username, strlen(all[i].username), 0);
        w = text_width(clean, strlen(clean));
        if (w > name_width)
            name_width = w;
        free(clean);
    }
    for (size_t i = 0; i < count; i++) {
        char *clean = text_sanitize(all[i].username, strlen(all[i].username), 0);
        printf("%*lld  %s", id_width, (long long)all[i].id, clean);
        if (all[i].email != NULL) {
            printf("%*s  ", name_width - text_width(clean, strlen(clean)), "");
            cli_print_clean(stdout, all[i].email, 0);
        }
        putchar('\n');
        free(clean);
    }
out:
    for (size_t i = 0; i < count; i++)
        store_user_clear(&all[i]);
    free(all);
    store_close(store);
    return status;
}

static void print_field_time(const char *label, int64_t seconds)
{
    char when[48] = "never";
    if (seconds != 0)
        cli_format_local_time(seconds, true, when, sizeof when);
    printf("%-11s%s\n", label, when);
}

static int user_show(struct cli_context *context, const struct cli_args *args)
{
    struct store *store = NULL;
    struct user user = { 0 };
    struct cli_follow_counts counts = { 0 };
    int status = cli_open_store(context, CLI_OPEN_DATA, NULL, &store);
    if (status != CLI_EXIT_OK)
        goto out;
    status = cli_find_user(store, args->positional[0], &user);
    if (status != CLI_EXIT_OK)
        goto out;
    if (store_follow_counts(store, user.id, &counts.followers, &counts.following) != MB_OK) {
        status = cli_fail("%s", store_error(store));
        goto out;
    }
    if (cli_flag(args, "--json")) {
        cli_print_user_json(stdout, &user, &counts);
        goto out;
    }
    printf("id:        %lld\nusername:  ", (long long)user.id);
    cli_print_clean(stdout, user.username, 0);
    printf("\nabout:     ");
    cli_print_clean(stdout, user.about ? user.about : "-", 0);
    printf("\nemail:     ");
    cli_print_clean(stdout, user.email ? user.email : "-", 0);
    printf("\npassword:  %s\n", user.has_password ? "yes" : "no");
    print_field_time("joined:", user.created_at);
    print_field_time("last seen:", user.last_seen);
    printf("posts:     %lld\nfollowers: %lld\nfollowing: %lld\n", (long long)user.post_count,
           (long long)counts.followers, (long long)counts.following);
out:
    store_user_clear(&user);
    store_close(store);
    return status;
}

/* Your own profile: the about text is checked before the database is
 * opened; the store decides whose profile you may change. */
static int user_edit(struct cli_context *context, const struct cli_args *args)
{
    const char *about = cli_option(args, "--about");
    struct store *store = NULL;
    struct user you = { 0 };
    struct mb_error err = { { 0 } };
    int status;

    if (about == NULL)
        return cli_usage_error(args, "nothing to change (give --about TEXT)");
    if (about[0] != '\0' && store_validate_about(about, &err) != MB_OK)
        return cli_fail("%s", err.message);
    status = cli_open_store(context, CLI_OPEN_DATA, NULL, &store);
    if (status != CLI_EXIT_OK)
        goto out;
    status = cli_whoami(context, store, cli_option(args, "--as"),
                        cli_flag(args, "--password-stdin"), CLI_WHO_ACTOR, &you);
    if (status != CLI_EXIT_OK)
        goto out;
    if (store_user_set_about(store, you.id, about) != MB_OK) {
        status = cli_fail("%s", store_error(store));
        goto out;
    }
    fputs(about[0] != '\0' ? "about changed for '" : "about removed for '", stdout);
    cli_print_clean(stdout, you.username, 0);
    fputs("'\n", stdout);
    status = cli_seen(store, &you);
out:
    store_user_clear(&you);
    store_close(store);
    return status;
}

static int user_passwd(struct cli_context *context, const struct cli_args *args)
{
    struct store *store = NULL;
    struct user user = { 0 };
    char *password = NULL;
    int status;

    if (cli_flag(args, "--password-stdin") && cli_flag(args, "--no-password"))
        return cli_usage_error(args, "--password-stdin and --no-password exclude each other");
    status = cli_open_store(context, CLI_OPEN_DATA, NULL, &store);
    if (status != CLI_EXIT_OK)
        goto out;
    status = cli_find_user(store, args->positional[0], &user);
    if (status == CLI_EXIT_OK)
        status = cli_authorize(store, STORE_ACTION_USER_PASSWORD, user.id);
    if (status != CLI_EXIT_OK)
        goto out;
    if (!cli_flag(args, "--no-password") && !cli_flag(args, "--password-stdin")
        && !cli_stdin_is_tty()) {
        status = cli_fail("cannot ask for the new password: stdin is not a terminal "
                          "(use --password-stdin or --no-password)");
        goto out;
    }
    status = new_password(args, user.username, true, &password);
    if (status != CLI_EXIT_OK)
        goto out;
    if (store_user_set_password(store, user.id, password) != MB_OK) {
        status = cli_fail("%s", store_error(store));
        goto out;
    }
    fputs(password ? "password changed for '" : "password removed for '", stdout);
    cli_print_clean(stdout, user.username, 0);
    fputs("'\n", stdout);
out:
    cli_password_free(password);
    store_user_clear(&user);
    store_close(store);
    return status;
}

static int user_del(struct cli_context *context, const struct cli_args *args)
{
    struct store *store = NULL;
    struct user user = { 0 };
    int status = cli_open_store(context, CLI_OPEN_DATA, NULL, &store);
    if (status != CLI_EXIT_OK)
        goto out;
    status = cli_find_user(store, args->positional[0], &user);
    if (status == CLI_EXIT_OK)
        status = cli_authorize(store, STORE_ACTION_USER_DELETE, user.id);
    if (status != CLI_EXIT_OK)
        goto out;
    char *clean = text_sanitize(user.username, strlen(user.username), 0);
    if (!cli_flag(args, "--yes")) {
        if (!cli_stdin_is_tty()) {
            status = cli_fail("not deleting user '%s' without --yes (stdin is not a terminal)",
                              clean);
            free(clean);
            goto out;
        }
        char *question = xasprintf("Delete user '%s' and their %lld post%s?", clean,
                                   (long long)user.post_count, plural(user.post_count));
        bool yes = cli_confirm(question);
        free(question);
        if (!yes) {
            status = cli_fail("user '%s' not deleted", clean);
            free(clean);
            goto out;
        }
    }
    if (store_user_delete(store, user.id) != MB_OK) {
        status = cli_fail("%s", store_error(store));
        free(clean);
        goto out;
    }
    printf("deleted user '%s' and %lld post%s\n", clean, (long long)user.post_count,
           plural(user.post_count));
    free(clean);
out:
    store_user_clear(&user);
    store_close(store);
    return status;
}

const struct cli_command cli_user_commands[] = {
    {
        .name = "add",
        .synopsis = "NAME [--email E] [--password-stdin | --no-password]",
        .summary = "add a user (asks for a password twice on a terminal)",
        .description =
            "A username is 1 to 64 characters, unique ignoring case. Without\n"
            "--password-stdin or --no-password, a terminal is asked for the password\n"
            "twice without echo; without a terminal the user gets no password.\n",
        .options = add_options, .min_args = 1, .max_args = 1, .run = user_add,
    },
    {
        .name = "list",
        .synopsis = "[--desc]",
        .summary = "list users alphabetically (id, username, email)",
        .options = list_options, .max_args = 0, .run = user_list,
    },
    {
        .name = "show",
        .synopsis = "NAME|ID [--json]",
        .summary = "show a user's profile (about, joined, last seen, posts, follows)",
        .options = show_options, .min_args = 1, .max_args = 1, .run = user_show,
    },
    {
        .name = "edit",
        .synopsis = "--about TEXT [--as NAME] [--password-stdin]",
        .summary = "change your profile's \"about me\"",
        .description =
            "Acts as you: --as NAME or the config's `user` in personal mode (with\n"
            "its password when it has one), the person in the shared modes.\n",
        .options = edit_options, .max_args = 0, .run = user_edit,
    },
    {
        .name = "passwd",
        .synopsis = "NAME [--password-stdin | --no-password]",
        .summary = "set (or remove) a user's password",
        .options = passwd_options, .min_args = 1, .max_args = 1, .run = user_passwd,
    },
    {
        .name = "del",
        .synopsis = "NAME [--yes]",
        .summary = "delete a user and all their posts",
        .description =
            "Asks y/N on a terminal; without a terminal, --yes is required.\n",
        .options = del_options, .min_args = 1, .max_args = 1, .run = user_del,
    },
    { .name = NULL },
};
