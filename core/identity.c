/* Who is running the program: the mode (personal, shared, restricted), the
 * person's name as the system gives it, and the shared group's rights,
 * held only while the system configuration and the database are opened
 * and then given up for good. The compiled-in SYSCONFDIR is used here and
 * nowhere else, so `make install-shared` rebuilds only this file. */
#include "core/identity.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"

#ifndef MB_SYSCONFDIR
#define MB_SYSCONFDIR "/etc"
#endif

/* The environment is an allowlist in the shared modes: a variable that is
 * not here (ICU_DATA, SQLITE_TMPDIR, TERMINFO, LOCPATH, GCONV_PATH,
 * MALLOC_*, ...) may make a library read a file of the person's choosing,
 * with the group held (shared mode) or on behalf of an SSH client
 * (restricted mode). Names ending in '_' are prefixes (LC_). */
static const char *const shared_keep[] = {
    "TERM", "COLORTERM", "NO_COLOR", "LANG", "LANGUAGE", "LC_", "TZ", "HOME", "USER",
    "LOGNAME", "PATH", "SHELL", "COLUMNS", "LINES", "SSH_",
    /* the person's editor, run without the group (tui/editor.c) */
    "VISUAL", "EDITOR",
    /* refused with a message, never used (cli/main.c) */
    "DATABASE_URL", "MICROBLOG_CONFIG",
    NULL,
};
/* Restricted mode: the client chooses nothing (sshd's AcceptEnv may pass
 * anything); SSH_ORIGINAL_COMMAND is read to be refused. */
static const char *const restricted_keep[] = {
    "TERM", "COLORTERM", "NO_COLOR", "LANG", "LANGUAGE", "LC_", "TZ", "USER", "LOGNAME",
    "PATH", "COLUMNS", "LINES", "SSH_", NULL,
};

static bool kept(const char *entry, const char *const *keep)
{
    size_t name = strcspn(entry, "=");
    for (const char *const *k = keep; *k != NULL; k++) {
        size_t length = strlen(*k);
        bool prefix = (*k)[length - 1] == '_';
        if (prefix ? name > length && strncmp(entry, *k, length) == 0
                   : name == length && strncmp(entry, *k, length) == 0)
            return true;
    }
    return false;
}

/* Replaces the environment with the allowed part of it. */
static void keep_only(const char *const *keep)
{
    extern char **environ;
    size_t count = 0;
    for (char **e = environ; e != NULL && *e != NULL; e++)
        count++;
    char **copy = xcalloc(count + 1, sizeof *copy);
    size_t n = 0;
    for (char **e = environ; e != NULL && *e != NULL; e++)
        if (kept(*e, keep))
            copy[n++] = xstrdup(*e);
    clearenv();
    for (size_t i = 0; i < n; i++) {
        char *equals = strchr(copy[i], '=');
        if (equals != NULL) {
            *equals = '\0';
            setenv(copy[i], equals + 1, 1);
        }
        free(copy[i]);
    }
    free(copy);
}

enum mb_status identity_start(struct identity *identity, struct mb_error *err)
{
    *identity = (struct identity){
        .mode = IDENTITY_PERSONAL,
        .real_gid = getgid(),
        .shared_gid = getegid(),
    };
    if (identity->shared_gid == identity->real_gid)
        return MB_OK;
    identity->mode = IDENTITY_SHARED;
    /* Lowered before anything else happens; raised only around opening
     * the system configuration and the database. */
    identity_lower(identity);
    keep_only(shared_keep);
    /* A server database is reached with the group held: libpq must not
     * read the person's ~/.pgpass, ~/.pg_service.conf or ~/.postgresql/
     * certificates and keys (their own HOME), nor trust a root certificate
     * of theirs. */
    setenv("PGPASSFILE", "/nonexistent/microblog-tui/pgpass", 1);
    setenv("PGSERVICEFILE", "/nonexistent/microblog-tui/pg_service.conf", 1);
    setenv("PGSSLCERT", "/nonexistent/microblog-tui/postgresql.crt", 1);
    setenv("PGSSLKEY", "/nonexistent/microblog-tui/postgresql.key", 1);
    setenv("PGSSLCRL", "/nonexistent/microblog-tui/root.crl", 1);
    setenv("PGSSLROOTCERT", "/etc/ssl/certs/ca-certificates.crt", 1);
    errno = 0;
    struct passwd *pw = getpwuid(getuid());
    if (pw == NULL || pw->pw_name == NULL || pw->pw_name[0] == '\0')
        return mb_fail(err, MB_DENIED, "your user id %ld has no login name",
                       (long)getuid());
    identity->person = xstrdup(pw->pw_name);
    return MB_OK;
}

enum mb_status identity_restrict(struct identity *identity, const char *name,
                                 struct mb_error *err)
{
    if (identity->mode == IDENTITY_SHARED)
        return mb_fail(err, MB_DENIED,
                       "--restricted is not allowed in shared mode (you are %s here)",
                       identity->person);
    if (name == NULL || name[0] == '\0')
        return mb_fail(err, MB_INVALID, "--restricted needs --user NAME");
    keep_only(restricted_keep);
    struct passwd *pw = getpwuid(getuid());
    if (pw != NULL && pw->pw_dir != NULL && pw->pw_dir[0] == '/')
        setenv("HOME", pw->pw_dir, 1);
    else
        unsetenv("HOME");
    identity->mode = IDENTITY_RESTRICTED;
    free(identity->person);
    identity->person = xstrdup(name);
    return MB_OK;
}

static void set_effective_group(gid_t gid)
{
    if (setegid(gid) != 0 || getegid() != gid) {
        fprintf(stderr, "microblog-tui: cannot change the effective group to %ld: %s\n",
                (long)gid, strerror(errno));
        abort();
    }
}

void identity_raise(const struct identity *identity)
{
    if (identity->mode == IDENTITY_SHARED && !identity->group_dropped)
        set_effective_group(identity->shared_gid);
}

void identity_lower(const struct identity *identity)
{
    if (identity->mode == IDENTITY_SHARED && !identity->group_dropped)
        set_effective_group(identity->real_gid);
}

enum mb_status identity_drop_for_good(struct identity *identity, struct mb_error *err)
{
    if (identity->mode != IDENTITY_SHARED || identity->group_dropped)
        return MB_OK;
    gid_t real = identity->real_gid;
    if (setresgid(real, real, real) != 0)
        return mb_fail(err, MB_DENIED, "cannot give up the shared group: %s", strerror(errno));
    gid_t r, e, s;
    /* Proof that it is gone: every id is the real one and it cannot be
     * taken back. */
    if (getresgid(&r, &e, &s) != 0 || r != real || e != real || s != real ||
        setegid(identity->shared_gid) == 0)
        return mb_fail(err, MB_DENIED, "the shared group could not be given up for good");
    identity->group_dropped = true;
    return MB_OK;
}

const char *identity_system_config(void)
{
    return MB_SYSCONFDIR "/microblog/microblog.conf";
}

/* Whether the login `name` belongs to `group` (as primary or supplementary
 * group, from the group database, not from the process's own groups). */
static bool in_unix_group(const char *name, const char *group)
{
    struct group *gr = getgrnam(group);
    struct passwd *pw = getpwnam(name);
    if (gr == NULL || pw == NULL)
        return false;
    if (pw->pw_gid == gr->gr_gid)
        return true;
    for (char **member = gr->gr_mem; member != NULL && *member != NULL; member++)
        if (strcmp(*member, name) == 0)
            return true;
    return false;
}

bool identity_is_admin(const struct identity *identity, const struct config *config)
{
    if (identity->mode == IDENTITY_PERSONAL)
        return true;
    if (config_names_admin(config, identity->person))
        return true;
    /* A restricted person is a name given by a key, not a Unix account. */
    return identity->mode == IDENTITY_SHARED && config->admin_group != NULL &&
           in_unix_group(identity->person, config->admin_group);
}

void identity_free(struct identity *identity)
{
    if (identity == NULL)
        return;
    free(identity->person);
    identity->person = NULL;
}
