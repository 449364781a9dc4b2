/* Unit tests for tui/editor: the external editor is the person's own
 * program and never runs with a set-group-id. The shared box's binary is
 * setgid to the group that alone may open the database; the shared mode
 * gives the group up before the TUI starts, and the editor's child checks
 * again before exec (editor_drop_group). Here a process is put in that
 * state (effective and saved group different from the real one, which
 * needs root). The end-to-end test cannot fail on Debian by itself: dash,
 * the /bin/sh the editor is started through, drops a set-group-id too
 * unless run with -p; it guards the path for a /bin/sh that does not. The
 * test of editor_drop_group is the one that fails without it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/status.h"
#include "core/xalloc.h"
#include "tests/unit/testutil.h"
#include "tui/editor.h"

/* A group nobody is in; root may take it without it existing. */
#define FOREIGN_GID 42424

/* An editor that replaces the draft with its own "Gid:" line (real,
 * effective, saved and file-system group). */
static char *write_gid_editor(const char *dir)
{
    char *path = xasprintf("%s/gid-editor", dir);
    testutil_write(path, "#!/bin/sh\ngrep '^Gid:' /proc/self/status > \"$1\"\n");
    assert_int_equal(chmod(path, 0700), 0);
    return path;
}

/* In a child (the test's own groups stay as they are): the effective and
 * saved groups become the real one. */
static void test_drop_group(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();   /* only root can give this process a group it is not in */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        gid_t real = getgid(), r, e, s;
        if (setresgid(real, FOREIGN_GID, FOREIGN_GID) != 0)
            _exit(2);
        if (!editor_drop_group())
            _exit(3);
        if (getresgid(&r, &e, &s) != 0 || r != real || e != real || s != real)
            _exit(4);
        /* Already plain: nothing to do, and true. */
        _exit(editor_drop_group() ? 0 : 5);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_editor_runs_without_the_set_group_id(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();   /* only root can give this process a group it is not in */
    char *dir = testutil_tempdir();
    char *editor = write_gid_editor(dir);
    setenv("VISUAL", editor, 1);
    gid_t real = getgid();
    assert_int_equal(setresgid(real, FOREIGN_GID, FOREIGN_GID), 0);

    char *text = NULL;
    size_t length = 0;
    struct mb_error err;
    enum mb_status status = editor_run("draft", 5, &text, &length, &err);

    gid_t r, e, s;
    assert_int_equal(getresgid(&r, &e, &s), 0);
    assert_int_equal(setresgid(real, real, real), 0);   /* before any assert can fail */
    assert_int_equal(e, FOREIGN_GID);   /* the TUI itself kept what it had */
    assert_int_equal(status, MB_OK);
    char *expected = xasprintf("Gid:\t%ld\t%ld\t%ld\t%ld", (long)real, (long)real, (long)real,
                               (long)real);
    assert_string_equal(text, expected);

    free(expected);
    free(text);
    unsetenv("VISUAL");
    testutil_rmtree(dir);
    free(editor);
    free(dir);
}

/* Without a set-group-id nothing changes: the editor gets the draft. */
static void test_editor_plain(void **state)
{
    (void)state;
    char *dir = testutil_tempdir();
    char *editor = xasprintf("%s/upper-editor", dir);
    testutil_write(editor, "#!/bin/sh\ntr a-z A-Z < \"$1\" > \"$1.new\" && mv \"$1.new\" \"$1\"\n");
    assert_int_equal(chmod(editor, 0700), 0);
    setenv("VISUAL", editor, 1);
    char *text = NULL;
    size_t length = 0;
    struct mb_error err;
    assert_int_equal(editor_run("draft", 5, &text, &length, &err), MB_OK);
    assert_string_equal(text, "DRAFT");
    assert_int_equal(length, 5);
    free(text);
    unsetenv("VISUAL");
    testutil_rmtree(dir);
    free(editor);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_editor_plain),
        cmocka_unit_test(test_drop_group),
        cmocka_unit_test(test_editor_runs_without_the_set_group_id),
    };
    return cmocka_run_group_tests_name("tui_editor", tests, NULL, NULL);
}
