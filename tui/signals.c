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
static volatile sig_atomic_t suspend_requested;
static volatile sig_atomic_t continued;
static volatile sig_atomic_t tracking;
static char temp_directory[4096];
static char temp_file[4096];
static struct sigaction saved[HANDLED_COUNT];
static struct sigaction saved_tstp, saved_cont;

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

static void on_job_control(int signo)
{
    if (signo == SIGTSTP)
        suspend_requested = 1;
    else
        continued = 1;
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
    /* Ours rather than curses' SIGTSTP handler, which knows nothing of
     * bracketed paste and draws from inside the handler. */
    action.sa_handler = on_job_control;
    sigaction(SIGTSTP, &action, &saved_tstp);
    sigaction(SIGCONT, &action, &saved_cont);
}

void signals_restore(void)
{
    for (size_t i = 0; i < HANDLED_COUNT; i++)
        sigaction(handled[i], &saved[i], NULL);
    sigaction(SIGTSTP, &saved_tstp, NULL);
    sigaction(SIGCONT, &saved_cont, NULL);
}

void signals_suspend(void)
{
    struct sigaction stop, ours;
    memset(&stop, 0, sizeof stop);
    stop.sa_handler = SIG_DFL;
    sigemptyset(&stop.sa_mask);
    sigaction(SIGTSTP, &stop, &ours);
    suspend_requested = 0;
    /* The whole job, as the terminal driver would: a wrapper shell or a
     * pipeline stops with us. Delivered before kill returns. */
    kill(0, SIGTSTP);
    sigaction(SIGTSTP, &ours, NULL);
    continued = 0;   /* this stop's own SIGCONT: the caller repaints */
}

bool signals_take_suspend(void)
{
    bool taken = suspend_requested != 0;
    suspend_requested = 0;
    return taken;
}

bool signals_take_continued(void)
{
    bool taken = continued != 0;
    continued = 0;
    return taken;
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
