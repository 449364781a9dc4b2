/* The machinery every command shares: finding a command in the tables and
 * parsing its options (the tables also produce every --help), the one-line
 * error and the usage-error conventions, passwords and confirmations, and
 * printing text from the database sanitized for a terminal. Opening the
 * store is in cli/open.c, JSON in cli/json.c. */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/text.h"
#include "core/xalloc.h"

/* ---- messages -------------------------------------------------------- */

static char *vformat(const char *format, va_list args)
    __attribute__((format(printf, 1, 0)));

static char *vformat(const char *format, va_list args)
{
    va_list copy;
    va_copy(copy, args);
    int length = vsnprintf(NULL, 0, format, copy);
    va_end(copy);
    if (length < 0)
        return xstrdup(format);
    char *text = xmalloc((size_t)length + 1);
    vsnprintf(text, (size_t)length + 1, format, args);
    return text;
}

void cli_print_error_line(const char *message)
{
    char *clean = text_sanitize(message, strlen(message), 0);
    fflush(stdout);
    fprintf(stderr, "%s: %s\n", CLI_PROGRAM, clean);
    free(clean);
}

int cli_fail(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *message = vformat(format, args);
    va_end(args);
    cli_print_error_line(message);
    free(message);
    return CLI_EXIT_FAILURE;
}

/* ---- options --------------------------------------------------------- */

static int option_index(const struct cli_command *command, const char *name, size_t length)
{
    if (command->options == NULL)
        return -1;
    for (int i = 0; command->options[i].name != NULL && i < CLI_MAX_OPTIONS; i++) {
        const char *candidate = command->options[i].name;
        if (strlen(candidate) == length && strncmp(candidate, name, length) == 0)
            return i;
    }
    return -1;
}

const char *cli_option(const struct cli_args *args, const char *name)
{
    int i = option_index(args->command, name, strlen(name));
    return i < 0 ? NULL : args->values[i];
}

bool cli_flag(const struct cli_args *args, const char *name)
{
    return cli_option(args, name) != NULL;
}

static void print_usage_lines(FILE *out, const struct cli_command *command, const char *path)
{
    bool first = true;
    if (command->run != NULL) {
        fprintf(out, "usage: %s%s%s\n", path, command->synopsis ? " " : "",
                command->synopsis ? command->synopsis : "");
        first = false;
    }
    if (command->subcommands != NULL) {
        for (const struct cli_command *sub = command->subcommands; sub->name; sub++) {
            fprintf(out, "%s %s %s%s%s\n", first ? "usage:" : "      ", path, sub->name,
                    sub->synopsis ? " " : "", sub->synopsis ? sub->synopsis : "");
            first = false;
        }
    }
}

void cli_print_command_list(FILE *out, const struct cli_command *table, int indent)
{
    int width = 0;
    for (const struct cli_command *c = table; c->name; c++) {
        int length = (int)strlen(c->name);
        if (length > width)
            width = length;
    }
    for (const struct cli_command *c = table; c->name; c++)
        fprintf(out, "%*s%-*s  %s\n", indent, "", width, c->name, c->summary);
}

static void print_help(const struct cli_command *command, const char *path)
{
    print_usage_lines(stdout, command, path);
    printf("\n%s\n", command->summary);
    if (command->description != NULL)
        printf("\n%s", command->description);
    if (command->subcommands != NULL) {
        printf("\nCommands:\n");
        cli_print_command_list(stdout, command->subcommands, 2);
    }
    printf("\nOptions:\n");
    int width = (int)strlen("-h, --help");
    for (const struct cli_option *o = command->options; o && o->name; o++) {
        int length = (int)strlen(o->name) + (o->value_name ? 1 + (int)strlen(o->value_name) : 0);
        if (length > width)
            width = length;
    }
    for (const struct cli_option *o = command->options; o && o->name; o++) {
        char left[64];
        snprintf(left, sizeof left, "%s%s%s", o->name, o->value_name ? " " : "",
                 o->value_name ? o->value_name : "");
        printf("  %-*s  %s\n", width, left, o->help);
    }
    printf("  %-*s  %s\n", width, "-h, --help", "show this help and exit");
    if (command->subcommands != NULL)
        printf("\nRun '%s COMMAND --help' for a command's options.\n", path);
}

static int usage_error_for(const struct cli_command *command, const char *path,
                           const char *message)
{
    cli_print_error_line(message);
    print_usage_lines(stderr, command, path);
    fprintf(stderr, "Run '%s --help' for more.\n", path);
    return CLI_EXIT_USAGE;
}

int cli_usage_error(const struct cli_args *args, const char *format, ...)
{
    va_list list;
    va_start(list, format);
    char *message = vformat(format, list);
    va_end(list);
    int status = usage_error_for(args->command, args->path, message);
    free(message);
    return status;
}

enum parse_result { PARSE_OK, PARSE_HELP, PARSE_USAGE };

/* Options may come anywhere before "--"; "-" alone is an argument. */
static enum parse_result parse_options(const struct cli_command *command, int argc,
                                       char **argv, struct cli_args *args,
                                       char *message, size_t size)
{
    bool options_done = false;
    for (int i = 0; i < argc; i++) {
        char *word = argv[i];
        if (options_done || word[0] != '-' || word[1] == '\0') {
            args->positional[args->count++] = word;
            continue;
        }
        if (strcmp(word, "--") == 0) {
            options_done = true;
            continue;
        }
        if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0)
            return PARSE_HELP;
        const char *equals = strchr(word, '=');
        size_t length = equals ? (size_t)(equals - word) : strlen(word);
        int index = word[1] == '-' ? option_index(command, word, length) : -1;
        if (index < 0) {
            snprintf(message, size, "unknown option '%.*s'", (int)length, word);
            return PARSE_USAGE;
        }
        const struct cli_option *option = &command->options[index];
        if (option->value_name == NULL) {
            if (equals != NULL) {
                snprintf(message, size, "option '%s' takes no value", option->name);
                return PARSE_USAGE;
            }
            args->values[index] = "";
        } else if (equals != NULL) {
            args->values[index] = equals + 1;
        } else if (i + 1 < argc) {
            args->values[index] = argv[++i];
        } else {
            snprintf(message, size, "option '%s' needs a value (%s)", option->name,
                     option->value_name);
            return PARSE_USAGE;
        }
    }
    return PARSE_OK;
}

static const struct cli_command *find_command(const struct cli_command *table, const char *name)
{
    for (const struct cli_command *c = table; c && c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static bool is_help(const char *word)
{
    return strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0;
}

/* argv[0] is the command's own name. */
static int run_command(struct cli_context *context, const struct cli_command *command,
                       const char *path, int argc, char **argv)
{
    if (command->subcommands != NULL && argc >= 2) {
        const struct cli_command *sub = find_command(command->subcommands, argv[1]);
        if (sub != NULL) {
            char sub_path[256];
            snprintf(sub_path, sizeof sub_path, "%s %s", path, sub->name);
            return run_command(context, sub, sub_path, argc - 1, argv + 1);
        }
    }
    if (command->run == NULL) {
        char message[300];
        if (argc < 2)
            return usage_error_for(command, path, "missing command");
        if (is_help(argv[1])) {
            print_help(command, path);
            return CLI_EXIT_OK;
        }
        snprintf(message, sizeof message, "unknown command '%s %.200s'", path, argv[1]);
        return usage_error_for(command, path, message);
    }

    struct cli_args args = { .command = command, .path = path };
    args.positional = xcalloc((size_t)argc + 1, sizeof *args.positional);
    char message[300];
    int status;
    switch (parse_options(command, argc - 1, argv + 1, &args, message, sizeof message)) {
    case PARSE_HELP:
        print_help(command, path);
        status = CLI_EXIT_OK;
        goto out;
    case PARSE_USAGE:
        status = usage_error_for(command, path, message);
        goto out;
    case PARSE_OK:
        break;
    }
    if (args.count < command->min_args) {
        status = usage_error_for(command, path, "missing argument");
        goto out;
    }
    if (command->max_args >= 0 && args.count > command->max_args) {
        snprintf(message, sizeof message, "unexpected argument '%.200s'",
                 args.positional[command->max_args]);
        status = usage_error_for(command, path, message);
        goto out;
    }
    status = command->run(context, &args);
out:
    free(args.positional);
    return status;
}

int cli_dispatch(struct cli_context *context, const struct cli_command *table,
                 const char *prefix, int argc, char **argv)
{
    const struct cli_command *command = find_command(table, argv[0]);
    if (command == NULL) {
        char message[300];
        snprintf(message, sizeof message, "unknown command '%.200s'", argv[0]);
        cli_print_error_line(message);
        fprintf(stderr, "usage: %s [--db PATH|URL] [--config FILE] [COMMAND [ARGS...]]\n"
                        "Run '%s --help' for the commands.\n", prefix, prefix);
        return CLI_EXIT_USAGE;
    }
    char path[256];
    snprintf(path, sizeof path, "%s %s", prefix, command->name);
    return run_command(context, command, path, argc, argv);
}

/* ---- parsing and formatting ------------------------------------------ */

bool cli_parse_int64(const char *text, int64_t min, int64_t max, int64_t *out)
{
    if (text == NULL || text[0] == '\0')
        return false;
    /* strtoll accepts leading spaces and '+': a number here is digits only,
     * with an optional '-'. */
    const char *digits = text[0] == '-' ? text + 1 : text;
    if (*digits < '0' || *digits > '9')
        return false;
    char *end;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < min || value > max)
        return false;
    *out = value;
    return true;
}

void cli_print_clean(FILE *out, const char *s, unsigned flags)
{
    char *clean = text_sanitize(s, strlen(s), flags);
    fputs(clean, out);
    free(clean);
}

void cli_format_local_time(int64_t seconds, bool with_seconds, char *buf, size_t size)
{
    time_t t = (time_t)seconds;
    struct tm tm;
    if (localtime_r(&t, &tm) == NULL) {
        snprintf(buf, size, "@%lld", (long long)seconds);
        return;
    }
    if (with_seconds)
        strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
    else
        strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
}

void cli_format_utc_time(int64_t seconds, char *buf, size_t size)
{
    time_t t = (time_t)seconds;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL) {
        snprintf(buf, size, "@%lld", (long long)seconds);
        return;
    }
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- asking the user ------------------------------------------------- */

bool cli_stdin_is_tty(void)
{
    return isatty(STDIN_FILENO) == 1;
}

bool cli_confirm(const char *question)
{
    char *line = NULL;
    size_t capacity = 0;
    bool yes = false;
    fflush(stdout);
    fprintf(stderr, "%s [y/N] ", question);
    fflush(stderr);
    if (getline(&line, &capacity, stdin) > 0)
        yes = strcmp(line, "y\n") == 0 || strcmp(line, "Y\n") == 0 || strcmp(line, "yes\n") == 0
              || strcmp(line, "y") == 0 || strcmp(line, "yes") == 0;
    free(line);
    return yes;
}

void cli_password_free(char *password)
{
    if (password == NULL)
        return;
    crypto_wipe(password, strlen(password));
    free(password);
}

int cli_read_password(bool from_stdin, bool confirm, const char *username, char **out)
{
    return cli_read_secret("password", from_stdin, confirm, username, out);
}

int cli_read_secret(const char *what, bool from_stdin, bool confirm, const char *username,
                    char **out)
{
    char *clean = text_sanitize(username, strlen(username), 0);
    char *prompt = NULL;
    char *first = NULL;
    char *second = NULL;
    int status = CLI_EXIT_FAILURE;

    *out = NULL;
    crypto_disable_core_dumps();
    if (!from_stdin && !cli_stdin_is_tty()) {
        cli_fail("cannot ask for the %s of '%s': stdin is not a terminal "
                 "(use --password-stdin)", what, clean);
        goto out;
    }
    /* A password piped in is not prompted for: the prompt would only
     * clutter a script's stderr. */
    if (cli_stdin_is_tty())
        prompt = confirm ? xasprintf("New %s for '%s': ", what, clean)
                         : xasprintf("%c%s for '%s': ", what[0] - 'a' + 'A', what + 1, clean);
    if (crypto_read_password(prompt, &first) != MB_OK) {
        cli_fail(from_stdin ? "no %s on stdin" : "no %s given", what);
        goto out;
    }
    if (confirm && !from_stdin) {
        if (crypto_read_password("Again: ", &second) != MB_OK) {
            cli_fail("no %s given", what);
            goto out;
        }
        if (strcmp(first, second) != 0) {
            cli_fail("the %ss do not match", what);
            goto out;
        }
    }
    *out = first;
    first = NULL;
    status = CLI_EXIT_OK;
out:
    cli_password_free(first);
    cli_password_free(second);
    free(prompt);
    free(clean);
    return status;
}
