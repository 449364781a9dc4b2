/* Signal handling for the TUI (see signals.h). */
#include "tui/signals.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const int handled[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT };
#define HANDLED_COUNT (sizeof handled / sizeof handled[0])

static volatile sig_atomic_t pending;
static volatile sig_atomic_t tracking;
static char temp_directory[4096];
static char temp_file[4096];
static struct sigaction saved[HANDLED_COUNT];

static void on_signal(int signo)
{
    int saved_errno = errno;   /* the interrupted code may be about to read it */
    if (pending == 0)
        pending = signo;
    if (tracking) {
        unlink(temp_file);
        rmdir(temp_directory);
    }
    errno = saved_errno;
}

void signals_install(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;   /* no SA_RESTART: a blocked read or wait returns */
    for (size_t i = 0; i < HANDLED_COUNT; i++)
        sigaction(handled[i], &action, &saved[i]);
}

void signals_restore(void)
{
    for (size_t i = 0; i < HANDLED_COUNT; i++)
        sigaction(handled[i], &saved[i], NULL);
}

int signals_pending(void)
{
    return pending;
}

void signals_track_temp(const char *directory, const char *file)
{
    tracking = 0;
    if (directory == NULL || file == NULL)
        return;
    snprintf(temp_directory, sizeof temp_directory, "%s", directory);
    snprintf(temp_file, sizeof temp_file, "%s", file);
    tracking = 1;
}
