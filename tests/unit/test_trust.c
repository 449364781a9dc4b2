/* Unit tests for core/trust (issue 9, item 4), on real files and
 * directories made in a private temporary directory and chmod-ed: a file
 * of yours in directories only you can write is trusted; a file or a
 * directory on the way that others can write (group or world, the shared
 * mode's group excepted; a sticky directory like /tmp excepted) is refused
 * with the path and the fix; links are followed and everything they pass
 * through checked; a missing file is judged by the nearest existing
 * directory. Ownership by another user needs root (to chown to nobody)
 * and is skipped, saying so, otherwise. */
#include "tests/unit/testutil.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>

#include "core/trust.h"

struct fixture {
    char *dir;
    char *saved_cwd;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    f->dir = testutil_tempdir(); /* 0700, in /tmp (root's, sticky) */
    f->saved_cwd = getcwd(NULL, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    if (f->saved_cwd != NULL && chdir(f->saved_cwd) != 0)
        return -1;
    testutil_rmtree(f->dir);
    free(f->saved_cwd);
    free(f->dir);
    free(f);
    return 0;
}

static char *in_dir(const struct fixture *f, const char *relative)
{
    return xasprintf("%s/%s", f->dir, relative);
}

static char *make_file(const struct fixture *f, const char *relative, mode_t mode)
{
    char *path = in_dir(f, relative);
    testutil_write(path, "x\n");
    assert_int_equal(chmod(path, mode), 0);
    return path;
}

static char *make_dir(const struct fixture *f, const char *relative, mode_t mode)
{
    char *path = in_dir(f, relative);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(chmod(path, mode), 0);
    return path;
}

static char *make_link(const struct fixture *f, const char *relative, const char *target)
{
    char *path = in_dir(f, relative);
    assert_int_equal(symlink(target, path), 0);
    return path;
}

static void assert_trusted(const char *path, gid_t group)
{
    struct mb_error err = {{0}};
    enum mb_status status = trust_check_path(path, group, &err);
    if (status != MB_OK)
        fail_msg("%s refused: %s", path, err.message);
}

/* Refused with status and exactly the message format (printf-style). */
static void assert_refused(const char *path, gid_t group, enum mb_status expected,
                           const char *message)
{
    struct mb_error err = {{0}};
    enum mb_status status = trust_check_path(path, group, &err);
    if (status != expected)
        fail_msg("%s: %s (%s), expected %s", path, mb_status_message(status), err.message,
                 mb_status_message(expected));
    assert_string_equal(err.message, message);
}

static gid_t group_of(const char *path)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    return st.st_gid;
}

static const char *group_name(gid_t gid)
{
    struct group *group = getgrgid(gid);
    assert_non_null(group);
    return group->gr_name;
}

static void test_private_file_and_root_files_are_trusted(void **state)
{
    struct fixture *f = *state;
    char *path = make_file(f, "x.db", 0600);
    assert_trusted(path, TRUST_NO_GROUP);
    assert_trusted(f->dir, TRUST_NO_GROUP);
    assert_trusted("/", TRUST_NO_GROUP);
    assert_trusted("/etc/passwd", TRUST_NO_GROUP); /* root's, 0644 */
    assert_trusted("/dev/null", TRUST_NO_GROUP);   /* root's, 0666, reads nothing */
    free(path);
}

static void test_group_writable_file_refused_unless_shared_group(void **state)
{
    struct fixture *f = *state;
    char *path = make_file(f, "x.db", 0660);
    gid_t gid = group_of(path);
    char *message = xasprintf("refusing %s: it is writable by group %s (chmod g-w %s)", path,
                              group_name(gid), path);
    assert_refused(path, TRUST_NO_GROUP, MB_DENIED, message);
    assert_refused(path, gid + 1, MB_DENIED, message);
    assert_trusted(path, gid); /* the shared mode's own group */
    free(message);
    free(path);
}

static void test_world_writable_file_refused_even_for_shared_group(void **state)
{
    struct fixture *f = *state;
    char *path = make_file(f, "x.conf", 0606);
    char *message =
        xasprintf("refusing %s: it is writable by everyone (chmod o-w %s)", path, path);
    assert_refused(path, TRUST_NO_GROUP, MB_DENIED, message);
    assert_refused(path, group_of(path), MB_DENIED, message);
    free(message);
    free(path);

    /* A named pipe others can write feeds us their text. */
    char *fifo = in_dir(f, "x.fifo");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(chmod(fifo, 0622), 0);
    message = xasprintf("refusing %s: it is writable by everyone (chmod o-w %s)", fifo, fifo);
    assert_refused(fifo, TRUST_NO_GROUP, MB_DENIED, message);
    free(message);
    free(fifo);
}

static void test_writable_directory_refused_unless_sticky(void **state)
{
    struct fixture *f = *state;
    char *sub = make_dir(f, "sub", 0770);
    char *path = make_file(f, "sub/x.db", 0600);
    gid_t gid = group_of(sub);
    char *by_group = xasprintf("refusing %s: directory %s is writable by group %s (chmod g-w %s)",
                               path, sub, group_name(gid), sub);
    assert_refused(path, TRUST_NO_GROUP, MB_DENIED, by_group);
    assert_trusted(path, gid);
    assert_int_equal(chmod(sub, 01770), 0);
    assert_trusted(path, TRUST_NO_GROUP);

    assert_int_equal(chmod(sub, 0777), 0);
    char *by_everyone =
        xasprintf("refusing %s: directory %s is writable by everyone (chmod o-w %s)", path, sub,
                  sub);
    assert_refused(path, TRUST_NO_GROUP, MB_DENIED, by_everyone);
    assert_refused(path, gid, MB_DENIED, by_everyone);
    assert_int_equal(chmod(sub, 01777), 0); /* like /tmp */
    assert_trusted(path, TRUST_NO_GROUP);
    free(by_everyone);
    free(by_group);
    free(path);
    free(sub);
}

/* A database is more than one name: SQLite opens NAME-wal beside it by
 * name. In a directory others may add names to, even a sticky one, a -wal
 * planted by someone else would be read into it (found in review). */
static void test_database_needs_a_directory_of_its_own(void **state)
{
    struct fixture *f = *state;
    char *sub = make_dir(f, "shared", 01777);
    char *db = in_dir(f, "shared/x.db");
    char *missing = in_dir(f, "shared/new.db");
    char *nested = in_dir(f, "shared/mine/x.db");
    struct mb_error err = {{0}};
    assert_int_equal(trust_check_path(db, TRUST_NO_GROUP, NULL), MB_OK); /* a config may */
    assert_int_equal(trust_check_database(missing, TRUST_NO_GROUP, &err), MB_DENIED);
    assert_non_null(strstr(err.message, "others can add files to directory"));
    testutil_write(db, "");
    assert_int_equal(chmod(db, 0600), 0);
    assert_int_equal(trust_check_database(db, TRUST_NO_GROUP, NULL), MB_DENIED);
    /* A directory of its own below it is fine, as is the shared group's. */
    char *mine = make_dir(f, "shared/mine", 0700);
    assert_int_equal(trust_check_database(nested, TRUST_NO_GROUP, NULL), MB_OK);
    assert_int_equal(chmod(sub, 02770), 0);
    struct stat st;
    assert_int_equal(stat(sub, &st), 0);
    assert_int_equal(trust_check_database(db, st.st_gid, NULL), MB_OK);
    assert_int_equal(trust_check_database(db, TRUST_NO_GROUP, NULL), MB_DENIED);
    free(mine);
    free(nested);
    free(missing);
    free(db);
    free(sub);
}

/* A file that does not exist yet is judged by the directory it will be
 * created in: the nearest one that exists. */
static void test_missing_file_judged_by_nearest_directory(void **state)
{
    struct fixture *f = *state;
    char *missing = in_dir(f, "missing.db");
    char *deep = in_dir(f, "a/b/c.db");
    assert_trusted(missing, TRUST_NO_GROUP);
    assert_trusted(deep, TRUST_NO_GROUP);
    assert_int_equal(chmod(f->dir, 0770), 0);
    char *message = xasprintf("refusing %s: directory %s is writable by group %s (chmod g-w %s)",
                              deep, f->dir, group_name(group_of(f->dir)), f->dir);
    assert_refused(deep, TRUST_NO_GROUP, MB_DENIED, message);
    assert_int_equal(chmod(f->dir, 0700), 0);
    free(message);
    free(deep);
    free(missing);
}

/* A link at the end or in the middle is followed: the directory holding
 * it, its target and every directory on the way there are checked. */
static void test_links_followed_and_checked(void **state)
{
    struct fixture *f = *state;
    char *real = make_file(f, "real.db", 0600);
    char *link = make_link(f, "link.db", real);
    assert_trusted(link, TRUST_NO_GROUP);
    char *relative = make_link(f, "relative.db", "./real.db");
    assert_trusted(relative, TRUST_NO_GROUP);

    /* The target's directory is writable by everyone. */
    char *open_dir = make_dir(f, "open", 0777);
    char *exposed = make_file(f, "open/x.db", 0600);
    char *to_exposed = make_link(f, "to-exposed.db", "open/x.db");
    char *message = xasprintf(
        "refusing %s: directory %s is writable by everyone (chmod o-w %s)", to_exposed,
        open_dir, open_dir);
    assert_refused(to_exposed, TRUST_NO_GROUP, MB_DENIED, message);
    free(message);

    /* A link to a directory in the middle of the path. */
    char *through = make_link(f, "through", "open");
    char *via = in_dir(f, "through/x.db");
    message = xasprintf("refusing %s: directory %s is writable by everyone (chmod o-w %s)", via,
                        open_dir, open_dir);
    assert_refused(via, TRUST_NO_GROUP, MB_DENIED, message);
    free(message);

    /* The link itself sits where others could re-point it. */
    char *shared = make_dir(f, "shared", 0770);
    char *held = make_link(f, "shared/link.db", real);
    message = xasprintf("refusing %s: directory %s is writable by group %s (chmod g-w %s)", held,
                        shared, group_name(group_of(shared)), shared);
    assert_refused(held, TRUST_NO_GROUP, MB_DENIED, message);
    free(message);

    /* The target is group-writable: named as itself, not "it". */
    assert_int_equal(chmod(real, 0660), 0);
    message = xasprintf("refusing %s: %s is writable by group %s (chmod g-w %s)", link, real,
                        group_name(group_of(real)), real);
    assert_refused(link, TRUST_NO_GROUP, MB_DENIED, message);
    free(message);

    free(held);
    free(shared);
    free(via);
    free(through);
    free(to_exposed);
    free(exposed);
    free(open_dir);
    free(relative);
    free(link);
    free(real);
}

static void test_link_loop_and_bad_paths_are_errors(void **state)
{
    struct fixture *f = *state;
    char *a = make_link(f, "a", "b");
    char *b = make_link(f, "b", "a");
    struct mb_error err = {{0}};
    assert_int_equal(trust_check_path(a, TRUST_NO_GROUP, &err), MB_IO);
    assert_non_null(strstr(err.message, "too many symbolic links"));

    char *file = make_file(f, "file", 0600);
    char *below = in_dir(f, "file/x.db");
    char *message = xasprintf("cannot check %s: %s is not a directory", below, file);
    assert_refused(below, TRUST_NO_GROUP, MB_IO, message);
    assert_refused("", TRUST_NO_GROUP, MB_INVALID, "refusing an empty path");
    free(message);
    free(below);
    free(file);
    free(b);
    free(a);
}

/* "." and ".." are taken as the kernel takes them. */
static void test_dot_and_dot_dot(void **state)
{
    struct fixture *f = *state;
    char *sub = make_dir(f, "sub", 0700);
    char *path = make_file(f, "x.db", 0660);
    char *winding = in_dir(f, "./sub/../x.db");
    struct mb_error err = {{0}};
    assert_int_equal(trust_check_path(winding, TRUST_NO_GROUP, &err), MB_DENIED);
    char *expected = xasprintf("refusing %s: %s is writable by group %s (chmod g-w %s)",
                               winding, path, group_name(group_of(path)), path);
    assert_string_equal(err.message, expected);
    free(expected);
    free(winding);
    free(path);
    free(sub);
}

static void test_relative_path_checks_the_working_directory(void **state)
{
    struct fixture *f = *state;
    char *path = make_file(f, "x.db", 0600);
    assert_int_equal(chdir(f->dir), 0);
    assert_trusted("x.db", TRUST_NO_GROUP);
    assert_trusted("new.db", TRUST_NO_GROUP);
    assert_int_equal(chmod(f->dir, 0707), 0);
    char *message = xasprintf(
        "refusing x.db: directory %s is writable by everyone (chmod o-w %s)", f->dir, f->dir);
    assert_refused("x.db", TRUST_NO_GROUP, MB_DENIED, message);
    assert_int_equal(chmod(f->dir, 0700), 0);
    free(message);
    free(path);
}

/* Someone else's file, directory or link: refused even when nobody else
 * can write it, since its owner can always chmod it. Needs root. */
static void test_owned_by_another_user(void **state)
{
    struct fixture *f = *state;
    struct passwd *nobody = getpwnam("nobody");
    if (getuid() != 0 || geteuid() != 0 || nobody == NULL) {
        print_message("skipped: making a file another user's needs root and a 'nobody' "
                      "account (uid %lu here)\n",
                      (unsigned long)getuid());
        skip();
    }
    uid_t uid = nobody->pw_uid;
    gid_t gid = nobody->pw_gid;

    char *path = make_file(f, "x.db", 0600);
    assert_int_equal(chown(path, uid, gid), 0);
    char *message = xasprintf("refusing %s: it is owned by user nobody", path);
    assert_refused(path, TRUST_NO_GROUP, MB_DENIED, message);
    assert_refused(path, gid, MB_DENIED, message);
    free(message);

    char *sub = make_dir(f, "sub", 0755);
    char *inside = make_file(f, "sub/x.db", 0600);
    assert_int_equal(chown(sub, uid, gid), 0);
    message = xasprintf("refusing %s: directory %s is owned by user nobody", inside, sub);
    assert_refused(inside, TRUST_NO_GROUP, MB_DENIED, message);
    free(message);
    /* Sticky does not help: the directory's owner may move anything in it. */
    assert_int_equal(chmod(sub, 01777), 0);
    assert_int_equal(trust_check_path(inside, TRUST_NO_GROUP, NULL), MB_DENIED);

    char *real = make_file(f, "real.db", 0600);
    char *link = make_link(f, "link.db", real);
    assert_int_equal(lchown(link, uid, gid), 0);
    message = xasprintf("refusing %s: the link %s is owned by user nobody", link, link);
    assert_refused(link, TRUST_NO_GROUP, MB_DENIED, message);
    free(message);

    free(link);
    free(real);
    free(inside);
    free(sub);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_private_file_and_root_files_are_trusted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_writable_file_refused_unless_shared_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_world_writable_file_refused_even_for_shared_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writable_directory_refused_unless_sticky, setup, teardown),
        cmocka_unit_test_setup_teardown(test_database_needs_a_directory_of_its_own, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_missing_file_judged_by_nearest_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_links_followed_and_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_loop_and_bad_paths_are_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dot_and_dot_dot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relative_path_checks_the_working_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_owned_by_another_user, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
