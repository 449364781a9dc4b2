/* `microblog-tui admin ...`: what the admin of a restricted deployment
 * runs. `admin authorize NAME KEYFILE` prints the authorized_keys line
 * that makes a person's SSH key open the TUI as NAME and nothing else:
 * `restrict,pty,command="BINARY --restricted --user NAME ..." KEY`. The
 * forced command is run by the account's shell, so every word of it is
 * quoted for the shell, then for authorized_keys. */
#include "cli/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"

/* The public key types OpenSSH accepts in authorized_keys. */
static const char *const key_types[] = {
    "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com", "ssh-dss", NULL,
};

/* The longest public key line we accept (an RSA 16384-bit key is ~2.8 KB). */
#define KEY_LINE_MAX 8192

/* Appends word to *line as one shell word in single quotes ('\'' for a
 * quote), with the double quotes authorized_keys needs escaped. */
static void append_word(char **line, const char *word)
{
    size_t length = strlen(*line);
    size_t need = length + 4 * strlen(word) + 4;
    char *out = xrealloc(*line, need);
    char *p = out + length;
    *p++ = ' ';
    *p++ = '\'';
    for (const char *c = word; *c != '\0'; c++) {
        if (*c == '\'') {
            memcpy(p, "'\\''", 4);
            p += 4;
        } else if (*c == '"') {
            memcpy(p, "\\\"", 2);
            p += 2;
        } else {
            *p++ = *c;
        }
    }
    *p++ = '\'';
    *p = '\0';
    *line = out;
}

/* An absolute form of path (the forced command runs in the account's
 * home, not here). */
static char *absolute(const char *path)
{
    if (path[0] == '/')
        return xstrdup(path);
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == NULL)
        return xstrdup(path);
    return xasprintf("%s/%s", cwd, path);
}

/* Whether a postgresql:// URL carries a password (user:password@, or a
 * password= parameter, however its key is percent-encoded). */
static bool url_has_password(const char *url)
{
    const char *rest = strstr(url, "://") + 3;
    size_t authority = strcspn(rest, "/?#");
    const char *at = memchr(rest, '@', authority);
    if (at != NULL && memchr(rest, ':', (size_t)(at - rest)) != NULL)
        return true;
    const char *query = strchr(rest, '?');
    if (query == NULL)
        return false;
    /* Any parameter whose key is not plainly something else: %-encoded
     * keys are decoded by libpq, so they count. */
    return strstr(query, "password") != NULL || strchr(query, '%') != NULL;
}

static bool base64_text(const char *s, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '='))
            return false;
    }
    return length > 0;
}

/* Reads the first key line of path: "TYPE BASE64 [comment]". The comment
 * is kept only when it is printable ASCII. */
static int read_public_key(const char *path, char **out)
{
    FILE *file = fopen(path, "r");
    char line[KEY_LINE_MAX + 2];
    int status = CLI_EXIT_FAILURE;
    *out = NULL;
    if (file == NULL)
        return cli_fail("%s: %s", path, strerror(errno));
    while (fgets(line, sizeof line, file) != NULL) {
        size_t length = strcspn(line, "\r\n");
        if (length > KEY_LINE_MAX) {
            status = cli_fail("%s: the key line is too long for a public key", path);
            goto out;
        }
        line[length] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        size_t type = strcspn(line, " \t");
        bool known = false;
        for (const char *const *t = key_types; *t != NULL; t++)
            if (strlen(*t) == type && strncmp(line, *t, type) == 0)
                known = true;
        if (!known) {
            status = cli_fail("%s: not an OpenSSH public key (give the .pub file, without "
                              "options)", path);
            goto out;
        }
        const char *data = line + type + strspn(line + type, " \t");
        size_t data_length = strcspn(data, " \t");
        if (!base64_text(data, data_length)) {
            status = cli_fail("%s: the key data is not base64", path);
            goto out;
        }
        const char *comment = data + data_length + strspn(data + data_length, " \t");
        bool printable = comment[0] != '\0';
        for (const char *c = comment; *c != '\0'; c++)
            if (*c < 0x20 || *c > 0x7e)
                printable = false;
        if (printable)
            *out = xasprintf("%.*s %.*s %s", (int)type, line, (int)data_length, data, comment);
        else
            *out = xasprintf("%.*s %.*s", (int)type, line, (int)data_length, data);
        status = CLI_EXIT_OK;
        goto out;
    }
    status = cli_fail(ferror(file) ? "%s: cannot read it" : "%s: no public key in it", path);
out:
    fclose(file);
    return status;
}

static int admin_authorize(struct cli_context *context, const struct cli_args *args)
{
    const char *name = args->positional[0];
    struct mb_error err = { { 0 } };
    char *key = NULL, *command = NULL;
    char binary[PATH_MAX];
    int status;

    if (store_validate_username(name, &err) != MB_OK)
        return cli_fail("%s", err.message);
    status = read_public_key(args->positional[1], &key);
    if (status != CLI_EXIT_OK)
        return status;
    ssize_t length = readlink("/proc/self/exe", binary, sizeof binary - 1);
    if (length <= 0) {
        status = cli_fail("cannot tell where this program is: %s", strerror(errno));
        goto out;
    }
    binary[length] = '\0';
    command = xstrdup("");
    append_word(&command, binary);
    append_word(&command, "--restricted");
    append_word(&command, "--user");
    append_word(&command, name);
    if (context->db_option != NULL && config_is_server_url(context->db_option) &&
        url_has_password(context->db_option)) {
        status = cli_fail("the URL holds a password, which a forced command shows to every "
                          "local user (ps): put it in the account's ~/.pgpass or in a --config "
                          "file only the account can read");
        goto out;
    }
    if (context->db_option != NULL) {
        /* A server's URL is not a path: kept as it is. */
        char *db = config_is_server_url(context->db_option) ? xstrdup(context->db_option)
                                                            : absolute(context->db_option);
        append_word(&command, "--db");
        append_word(&command, db);
        free(db);
    }
    if (context->config_option != NULL) {
        char *config = absolute(context->config_option);
        append_word(&command, "--config");
        append_word(&command, config);
        free(config);
    }
    /* restrict: no forwarding, no agent, no X11, no rc file, no terminal;
     * pty gives the terminal back, which the TUI needs. */
    printf("restrict,pty,command=\"%s\" %s\n", command + 1, key);
out:
    free(command);
    free(key);
    return status;
}

const struct cli_command cli_admin_commands[] = {
    {
        .name = "authorize",
        .synopsis = "NAME KEYFILE",
        .summary = "print the authorized_keys line that lets KEYFILE in as NAME (restricted)",
        .description =
            "Append the line to the shared account's ~/.ssh/authorized_keys. The key\n"
            "then opens the terminal interface as NAME and nothing else: no command,\n"
            "no editor, no forwarding (restrict,pty and a forced command). --db and\n"
            "--config given before `admin` are written into the forced command.\n",
        .min_args = 2, .max_args = 2, .run = admin_authorize,
    },
    { .name = NULL },
};
