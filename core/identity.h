/* Who is running the program, as the system says: the three modes of
 * shared/ARCHITECTURE.md ("Who you are"). Personal: your own file, you are
 * whoever the configuration says. Shared: the binary runs setgid to a
 * group that alone can open the database; you are the login name of your
 * real uid, and the group is held only while the system configuration and
 * the database are opened. Restricted: an SSH forced command
 * (--restricted --user NAME); you are NAME and the environment is ignored. */
#ifndef CORE_IDENTITY_H
#define CORE_IDENTITY_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/config.h"
#include "core/status.h"

enum identity_mode {
    IDENTITY_PERSONAL,
    IDENTITY_SHARED,
    IDENTITY_RESTRICTED,
};

struct identity {
    enum identity_mode mode;
    char *person;        /* shared: the real uid's login; restricted: NAME */
    gid_t real_gid;
    gid_t shared_gid;    /* shared: the group the binary is setgid to */
    bool group_dropped;  /* shared: the group is gone for good */
};

/* The first thing main does. Detects the shared mode (effective group
 * differs from the real one) and at once sets the effective group back to
 * the real one, so that nothing is opened with the shared group by
 * accident (locale, terminal descriptions, files named by the person);
 * identity_raise takes it back where it is needed. MB_DENIED when the
 * person has no login name. Free with identity_free. */
enum mb_status identity_start(struct identity *identity, struct mb_error *err);

/* Restricted mode for person NAME: the variables a client may send
 * through sshd (DATABASE_URL, MICROBLOG_CONFIG, VISUAL, EDITOR, TMPDIR,
 * XDG_*) are removed and HOME is set from the password database. */
enum mb_status identity_restrict(struct identity *identity, const char *name,
                                 struct mb_error *err);

/* Shared mode: takes the group (raise) for opening the system
 * configuration and the database, and gives it up again (lower); both
 * abort when the system refuses, since going on would run with the wrong
 * rights. No-ops in the other modes or once dropped. */
void identity_raise(const struct identity *identity);
void identity_lower(const struct identity *identity);

/* Shared mode: gives the group up for good (real, effective and saved),
 * and checks that it cannot be taken back; after this no child, editor or
 * file the person names gets it. No-op in the other modes. */
enum mb_status identity_drop_for_good(struct identity *identity, struct mb_error *err);

/* SYSCONFDIR/microblog/microblog.conf, the shared mode's only
 * configuration (SYSCONFDIR is compiled in; default /etc). */
const char *identity_system_config(void);

/* True when the person is an admin: named in `admins`, or (shared mode)
 * a member of `admin_group`. Personal mode: always true. */
bool identity_is_admin(const struct identity *identity, const struct config *config);

void identity_free(struct identity *identity);

#endif
