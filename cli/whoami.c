/* Who a command acts as: the one place the command line turns `--as NAME`,
 * the configured `user` and the shared modes' person into a user, through
 * the store's rule (store_author_resolve). Reading needs no password (what
 * a listing shows is no secret in a personal file); acting as someone does:
 * it is asked on a terminal or read with --password-stdin. In the shared
 * modes you are the person, and --as anyone else is refused by the store. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "core/text.h"

int cli_ask_author_password(const struct user *user, bool from_stdin, char **password)
{
    *password = NULL;
    if (!from_stdin && !cli_stdin_is_tty()) {
        char *clean = text_sanitize(user->username, strlen(user->username), 0);
        int status = cli_fail("user '%s' has a password: give it with --password-stdin", clean);
        free(clean);
        return status;
    }
    return cli_read_password(from_stdin, false, user->username, password);
}

int cli_whoami(struct cli_context *context, struct store *store, const char *as,
               bool password_stdin, enum cli_who need, struct user *out)
{
    char *password = NULL;
    int status = cli_load_config(context);
    if (status != CLI_EXIT_OK)
        return status;
    enum mb_status found = store_author_resolve(store, as, context->config.user, false, NULL,
                                                out, NULL);
    /* store_author_resolve still says who it was when a password is
     * missing: enough to read as them. */
    if (found == MB_PASSWORD && need != CLI_WHO_ACTOR)
        return CLI_EXIT_OK;
    if (found == MB_NOT_FOUND && as == NULL && need == CLI_WHO_VIEWER
        && store_mode(store) == STORE_MODE_PERSONAL) {
        store_user_clear(out);
        return CLI_EXIT_OK;  /* nobody yet: out->id is 0, nothing is hidden */
    }
    if (found == MB_PASSWORD) {
        status = cli_ask_author_password(out, password_stdin, &password);
        if (status != CLI_EXIT_OK)
            return status;
        store_user_clear(out);
        found = store_author_resolve(store, as, context->config.user, false, password, out,
                                     NULL);
        cli_password_free(password);
    }
    if (found != MB_OK)
        return cli_fail("%s", store_error(store));
    return CLI_EXIT_OK;
}

int cli_seen(struct store *store, const struct user *user)
{
    if (store_user_seen(store, user->id) != MB_OK)
        return cli_fail("%s", store_error(store));
    return CLI_EXIT_OK;
}

int cli_find_user(struct store *store, const char *text, struct user *out)
{
    int64_t id;
    enum mb_status status = store_user_get(store, text, out);
    if (status == MB_NOT_FOUND && cli_parse_int64(text, 1, INT64_MAX, &id))
        status = store_user_get_by_id(store, id, out);
    if (status == MB_NOT_FOUND)
        return cli_fail("no user '%s'", text);
    if (status != MB_OK)
        return cli_fail("%s", store_error(store));
    return CLI_EXIT_OK;
}
