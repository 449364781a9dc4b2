/* Whether a file may be trusted before it is read or written, as OpenSSH's
 * StrictModes decides: nobody but you (or root) can change the file, or
 * any directory on the way to it, or a link followed on the way. The
 * configuration (which can name the database) and the database are checked
 * before they are opened (issue 9, item 4). */
#ifndef CORE_TRUST_H
#define CORE_TRUST_H

#include <sys/types.h>

#include "core/status.h"

/* shared_group for trust_check_path when there is no shared mode. */
#define TRUST_NO_GROUP ((gid_t)-1)

/* Checks path (absolute or relative to the working directory) as the
 * system will resolve it: "/" and every directory looked in on the way,
 * every symbolic link followed (a link in the middle or at the end: its
 * target is checked as well, from wherever it points), and the file
 * itself when it exists. When the file or a directory before it does not
 * exist yet, the checks stop at the nearest existing directory: that is
 * where it will be created (with O_EXCL, or mkdir, by the caller).
 *
 * Refused (MB_DENIED, err says "refusing PATH: WHAT is ... (the fix)"):
 *   - anything owned by a user other than the real uid or root (the
 *     file, a directory, a link);
 *   - the file writable by everyone, or by a group other than
 *     shared_group (TRUST_NO_GROUP: no group is excepted); root's
 *     character devices excepted (--config /dev/null is fine);
 *   - a directory writable by everyone, or by a group other than
 *     shared_group, unless it is sticky (like /tmp: others may add names
 *     but not move or remove yours).
 * MB_IO when something on the way cannot be examined (no search
 * permission: call with the shared group held), is not a directory, or
 * the links loop; MB_INVALID for an empty path. Nothing is allocated for
 * the caller; err may be NULL. */
enum mb_status trust_check_path(const char *path, gid_t shared_group, struct mb_error *err);

/* trust_check_path for a SQLite database, which is more than one name:
 * SQLite opens and creates NAME-wal, -shm and -journal beside it by name.
 * So the directory it is in (when that exists) must also not let others
 * add names, sticky or not (shared_group excepted). */
enum mb_status trust_check_database(const char *path, gid_t shared_group, struct mb_error *err);

#endif
