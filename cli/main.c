/* The program's entry point: the global options (--db, --config, --help,
 * --version), the table of commands with their one-line help, and the
 * terminal interface when no command is given. Each command group lives in
 * its own file under cli/; the shared machinery is in cli/common.c. */
#include "cli/cli.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui/tui.h"

#ifndef MB_VERSION
#define MB_VERSION "unknown"
#endif

static const struct cli_command commands[] = {
    {
        .name = "db",
        .summary = "show and change the database schema (revisions, as `flask db`)",
        .subcommands = cli_db_commands,
    },
    {
        .name = "user",
        .summary = "add, list, show, change and delete users",
        .subcommands = cli_user_commands,
    },
    {
        .name = "post",
        .synopsis = "[--as NAME] [--password-stdin] [--reply-to ID | --private] TEXT...|-",
        .summary = "write a post (TEXT words joined by spaces; - reads stdin)",
        .description =
            "The author is --as NAME, else the config's `user`; a user that does not\n"
            "exist yet is created without a password. A user with a password must\n"
            "give it (asked on a terminal, or --password-stdin). A post is 1 to 140\n"
            "characters; @name mentions that user, #word tags the post. --reply-to ID\n"
            "answers a post. --private writes a private entry: its text is sealed\n"
            "under your passphrase (asked, twice for your first entry; with\n"
            "--password-stdin the first line of stdin, then your password when you\n"
            "have one), and everyone else sees only that it exists.\n"
            "To post text that starts with 'show', 'edit', 'del' or '-', put -- before\n"
            "it.\n",
        .options = cli_post_options,
        .min_args = 1,
        .max_args = -1,
        .run = cli_post_run,
        .subcommands = cli_post_commands,
    },
    {
        .name = "posts",
        .synopsis = "[--user NAME] [--following] [--mentions] [--as NAME] [--limit N]\n"
                    "       [--since WHEN] [--until WHEN] [--tag WORD] [--search QUERY]\n"
                    "       [--unlock [--password-stdin]] [--before ID] [--json]",
        .summary = "list posts, newest first (author, local time, body)",
        .description =
            "The filters combine: --user NAME --mentions is NAME's posts that mention\n"
            "you. You are --as NAME or the config's `user` (the person in the shared\n"
            "modes); the authors you mute are left out. A reply shows what it answers\n"
            "(\u21b3 @bob #12), an edited post ends with (edited).\n"
            "--since and --until take 2026-11-29, 2026-11-29T14:05 (local time, or\n"
            "with Z or +01:00), today, yesterday, now, or 7d, 2w, 12h, 30m ago; since\n"
            "is inclusive, until exclusive, and a day is whole: --until 2026-11-29\n"
            "includes the 29th.\n"
            "--tag WORD: the posts tagged #WORD (any case). --search QUERY: the posts\n"
            "holding every word of QUERY (whole words, any case and accents).\n"
            "--unlock asks your passphrase and shows your private entries as written\n"
            "(\"private\":true in JSON); otherwise they read (private entry).\n"
            "With --json, prints JSON Lines: {\"id\":1,\"author\":\"john\",\n"
            "\"timestamp\":\"2026-11-23T20:09:38Z\",\"body\":\"...\"}, with\n"
            "\"reply_to\" and \"reply_to_author\" on a reply and \"edited_at\" on an\n"
            "edited post.\n",
        .options = cli_posts_options,
        .max_args = 0,
        .run = cli_posts_run,
    },
    {
        .name = "follow",
        .synopsis = "NAME [--as NAME] [--password-stdin]",
        .summary = "follow a user (their posts join posts --following)",
        .options = cli_act_options, .min_args = 1, .max_args = 1, .run = cli_follow_run,
    },
    {
        .name = "unfollow",
        .synopsis = "NAME [--as NAME] [--password-stdin]",
        .summary = "stop following a user",
        .options = cli_act_options, .min_args = 1, .max_args = 1, .run = cli_unfollow_run,
    },
    {
        .name = "followers",
        .synopsis = "NAME [--json]",
        .summary = "list the users who follow NAME, alphabetically",
        .options = cli_user_list_options, .min_args = 1, .max_args = 1,
        .run = cli_followers_run,
    },
    {
        .name = "following",
        .synopsis = "NAME [--json]",
        .summary = "list the users NAME follows, alphabetically",
        .options = cli_user_list_options, .min_args = 1, .max_args = 1,
        .run = cli_following_run,
    },
    {
        .name = "mentions",
        .synopsis = "[--as NAME] [--unread [--password-stdin]] [--limit N] [--json]",
        .summary = "list the posts that mention you, newest first",
        .description =
            "Listing marks nothing read. With --unread, only the mentions after your\n"
            "read mark (at most --limit, the oldest first chosen, so none is skipped),\n"
            "and the mark moves past them: the next --unread shows only newer ones.\n"
            "--unread acts as you (your password when you have one); listing does not.\n",
        .options = cli_mentions_options, .max_args = 0, .run = cli_mentions_run,
    },
    {
        .name = "mute",
        .synopsis = "NAME [--as NAME] [--password-stdin]",
        .summary = "hide a user's posts from your listings",
        .options = cli_act_options, .min_args = 1, .max_args = 1, .run = cli_mute_run,
    },
    {
        .name = "unmute",
        .synopsis = "NAME [--as NAME] [--password-stdin]",
        .summary = "show a muted user's posts again",
        .options = cli_act_options, .min_args = 1, .max_args = 1, .run = cli_unmute_run,
    },
    {
        .name = "muted",
        .synopsis = "[--as NAME] [--json]",
        .summary = "list the users you mute",
        .options = cli_muted_options, .max_args = 0, .run = cli_muted_run,
    },
    {
        .name = "tags",
        .synopsis = "[--after TAG] [--limit N] [--json]",
        .summary = "list the tags (#word) with the number of their posts",
        .options = cli_tags_options, .max_args = 0, .run = cli_tags_run,
    },
    {
        .name = "import",
        .synopsis = "[--format jsonl|twtxt|jrnl] [--as NAME] FILE|-",
        .summary = "add posts from JSON Lines (as `posts --json` prints), all or nothing",
        .description =
            "Each line is {\"author\":\"...\",\"body\":\"...\"} with an optional\n"
            "\"timestamp\" (\"YYYY-MM-DDTHH:MM:SSZ\"); \"id\" is ignored. Authors are\n"
            "created as needed, without a password. A bad line is reported as\n"
            "FILE:LINE and nothing is imported.\n"
            "--format twtxt reads twtxt.txt (TIME<TAB>TEXT, U+2028 for a newline),\n"
            "--format jrnl jrnl's JSON export (title and body joined by a space,\n"
            "local date and time); their posts are --as NAME's, else the config's\n"
            "`user`'s.\n",
        .options = cli_import_options,
        .min_args = 1,
        .max_args = 1,
        .run = cli_import_run,
    },
    {
        .name = "admin",
        .summary = "deployment helpers for admins (authorize an SSH key)",
        .subcommands = cli_admin_commands,
    },
    {
        .name = "export",
        .synopsis = "[--format jsonl|twtxt|markdown] [--user NAME]",
        .summary = "print every post, oldest first, as JSON Lines",
        .description =
            "--format twtxt prints twtxt.txt lines (RFC 3339 local time, a tab, the\n"
            "text; a newline as U+2028); --format markdown a journal, a heading per\n"
            "local day and a line per post with its time and author.\n"
            "Private entries are left out.\n",
        .options = cli_export_options,
        .max_args = 0,
        .run = cli_export_run,
    },
    { .name = NULL },
};

static void print_main_usage(FILE *out)
{
    fprintf(out, "usage: %s [--db PATH|URL] [--config FILE] [COMMAND [ARGS...]]\n"
                 "       %s --restricted --user NAME [--db PATH|URL] [--config FILE]\n",
            CLI_PROGRAM, CLI_PROGRAM);
}

static void print_main_help(void)
{
    print_main_usage(stdout);
    printf("\nA terminal microblog. Without a command, starts the terminal interface.\n"
           "\nCommands:\n");
    cli_print_command_list(stdout, commands, 2);
    printf("\nGlobal options (before the command):\n"
           "  --db PATH|URL  the database file, or a postgresql:// URL (over\n"
           "                 $DATABASE_URL and the config)\n"
           "  --config FILE  the configuration file (over $MICROBLOG_CONFIG)\n"
           "  --restricted --user NAME\n"
           "                 an SSH forced command: the TUI only, as NAME, without an\n"
           "                 editor and ignoring the environment (admin authorize)\n"
           "  -h, --help     show this help and exit\n"
           "  -V, --version  print the version and exit\n"
           "\nRun '%s COMMAND --help' for a command's options; see microblog-tui(1).\n",
           CLI_PROGRAM);
}

static int main_usage_error(const char *message, const char *word)
{
    cli_fail("%s '%s'", message, word);
    print_main_usage(stderr);
    fprintf(stderr, "Run '%s --help' for more.\n", CLI_PROGRAM);
    return CLI_EXIT_USAGE;
}

/* Matches "--name VALUE" or "--name=VALUE" at argv[*i]; advances *i. */
static bool global_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t length = strlen(name);
    const char *word = argv[*i];
    if (strncmp(word, name, length) != 0)
        return false;
    if (word[length] == '=') {
        *value = word + length + 1;
        return true;
    }
    if (word[length] != '\0')
        return false;
    if (*i + 1 >= argc) {
        *value = NULL;
        return true;
    }
    *value = argv[++*i];
    return true;
}

static int run_tui(struct cli_context *context)
{
    struct store *store = NULL;
    /* A broken config is reported first; then, without a terminal, refuse
     * before any database is created. */
    int loaded = cli_load_config(context);
    if (loaded != CLI_EXIT_OK)
        return loaded;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return cli_fail("the TUI needs a terminal (see --help for commands)");
    int status = cli_open_store(context, CLI_OPEN_INTERACTIVE, NULL, &store);
    if (status != CLI_EXIT_OK)
        return status;
    status = tui_run(store, &context->config);
    store_close(store);
    return status;
}

/* Shared mode: nothing the person controls chooses the database or the
 * configuration. */
static int refuse_in_shared_mode(const struct cli_context *context)
{
    const char *what = NULL;
    const char *url = getenv("DATABASE_URL");
    const char *config = getenv("MICROBLOG_CONFIG");
    if (context->db_option != NULL)
        what = "--db";
    else if (context->config_option != NULL)
        what = "--config";
    else if (url != NULL && url[0] != '\0')
        what = "DATABASE_URL";
    else if (config != NULL && config[0] != '\0')
        what = "MICROBLOG_CONFIG";
    if (what == NULL)
        return CLI_EXIT_OK;
    return cli_fail("%s is not allowed in shared mode (the database and settings come "
                    "from %s)", what, identity_system_config());
}

/* Restricted mode: the forced command of an SSH key runs the TUI and
 * nothing else, whatever the client asked for. */
static int enter_restricted_mode(struct cli_context *context, const char *user,
                                 const char *command)
{
    struct mb_error err = { { 0 } };
    const char *asked = getenv("SSH_ORIGINAL_COMMAND");
    if (identity_restrict(&context->identity, user, &err) != MB_OK)
        return cli_fail("%s", err.message);
    if (asked != NULL && asked[0] != '\0')
        return cli_fail("this key opens the microblog only: the command '%.200s' was not run",
                        asked);
    if (command != NULL)
        return cli_fail("restricted mode runs the terminal interface only, not '%.200s'",
                        command);
    return CLI_EXIT_OK;
}

static int choose_mode(struct cli_context *context, bool restricted, const char *user,
                       const char *command)
{
    if (context->identity.mode == IDENTITY_SHARED) {
        if (restricted || user != NULL)
            return cli_fail("%s is not allowed in shared mode (you are %s here)",
                            restricted ? "--restricted" : "--user", context->identity.person);
        return refuse_in_shared_mode(context);
    }
    if (user != NULL && !restricted)
        return main_usage_error("--user only goes with", "--restricted");
    if (restricted)
        return enter_restricted_mode(context, user, command);
    return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    struct cli_context context = { 0 };
    struct mb_error err = { { 0 } };
    const char *restricted_user = NULL;
    bool restricted = false;
    int status;
    int i;

    /* Before anything else: in shared mode the group is lowered at once,
     * so the locale and everything after it are read with the person's
     * own rights. */
    if (identity_start(&context.identity, &err) != MB_OK) {
        status = cli_fail("%s", err.message);
        goto out;
    }
    setlocale(LC_ALL, "");
    tzset();
    for (i = 1; i < argc; i++) {
        const char *word = argv[i];
        const char *value;
        if (word[0] != '-' || word[1] == '\0')
            break;
        if (strcmp(word, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0) {
            print_main_help();
            status = CLI_EXIT_OK;
            goto out;
        }
        if (strcmp(word, "--version") == 0 || strcmp(word, "-V") == 0) {
            printf("%s %s\n", CLI_PROGRAM, MB_VERSION);
            status = CLI_EXIT_OK;
            goto out;
        }
        if (strcmp(word, "--restricted") == 0) {
            restricted = true;
        } else if (global_value(argc, argv, &i, "--user", &value)) {
            if (value == NULL || value[0] == '\0') {
                status = main_usage_error("missing NAME after", "--user");
                goto out;
            }
            restricted_user = value;
        } else if (global_value(argc, argv, &i, "--db", &value)) {
            if (value == NULL || value[0] == '\0') {
                status = main_usage_error("missing PATH after", "--db");
                goto out;
            }
            context.db_option = value;
        } else if (global_value(argc, argv, &i, "--config", &value)) {
            if (value == NULL || value[0] == '\0') {
                status = main_usage_error("missing FILE after", "--config");
                goto out;
            }
            context.config_option = value;
        } else {
            status = main_usage_error("unknown option", word);
            goto out;
        }
    }

    status = choose_mode(&context, restricted, restricted_user, i < argc ? argv[i] : NULL);
    if (status != CLI_EXIT_OK)
        goto out;
    if (i >= argc)
        status = run_tui(&context);
    else
        status = cli_dispatch(&context, commands, CLI_PROGRAM, argc - i, argv + i);
out:
    if (context.config_loaded)
        config_free(&context.config);
    identity_free(&context.identity);
    if (fflush(stdout) != 0 && status == CLI_EXIT_OK)
        status = cli_fail("cannot write the output");
    return status;
}
