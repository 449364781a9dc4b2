/* Unit tests for tui/signals and the external editor's wait: the signal
 * handler leaves errno as the interrupted code had it, and a termination
 * signal whose handler already ran before the editor is waited for (the
 * race between fork and waitpid, where no EINTR will come) still ends the
 * wait at once instead of waiting for the editor to exit. Both are timing
 * races in the real program; here the signal is raised at the exact point. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/status.h"
#include "tui/editor.h"
#include "tui/signals.h"

static void test_handler_keeps_errno(void **state)
{
    (void)state;
    signals_install();
    /* The handler's unlink and rmdir fail (ENOENT) on these. */
    signals_track_temp("/nonexistent/microblog-test-dir", "/nonexistent/microblog-test-dir/f");
    errno = EAGAIN;
    raise(SIGTERM);
    assert_int_equal(errno, EAGAIN);
    assert_int_equal(signals_pending(), SIGTERM);
    signals_track_temp(NULL, NULL);
    signals_restore();
}

static void test_signal_before_wait_does_not_hang(void **state)
{
    (void)state;
    signals_install();
    raise(SIGTERM);   /* handled now: the wait below gets no EINTR */
    setenv("VISUAL", "sh -c 'exec sleep 8'", 1);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    char *text = NULL;
    size_t length = 0;
    struct mb_error err;
    enum mb_status status = editor_run("draft", 5, &text, &length, &err);
    clock_gettime(CLOCK_MONOTONIC, &end);
    assert_int_not_equal(status, MB_OK);
    assert_null(text);
    assert_true(end.tv_sec - start.tv_sec < 5);
    unsetenv("VISUAL");
    signals_restore();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handler_keeps_errno),
        cmocka_unit_test(test_signal_before_wait_does_not_hang),
    };
    return cmocka_run_group_tests_name("tui_signals", tests, NULL, NULL);
}
