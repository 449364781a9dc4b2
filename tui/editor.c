/* The external editor (see editor.h). The command runs as git runs
 * core.editor: `sh -c '$EDITOR "$1"' sh FILE`, so that an editor with
 * arguments ("code -w", "vim -u NONE") works. While it runs, SIGINT and
 * SIGQUIT are ignored here (a Ctrl-C meant for the editor must not end
 * the TUI and lose the draft), and termination signals end the editor.
 * The editor is the person's own program: it never runs with a set-group-id
 * (the shared box's group, which alone may open the database). The shared
 * mode gives the group up for good before the TUI starts; the child checks
 * again before exec and runs nothing when it cannot give it up. Restricted
 * mode never gets here (tui/app.c). */
#include "tui/editor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/text.h"
#include "core/xalloc.h"
#include "tui/signals.h"

#define EDITOR_MAX_BYTES (64 * 1024)

const char *editor_command(void)
{
    const char *names[] = { "VISUAL", "EDITOR" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *value = getenv(names[i]);
        if (value != NULL && value[0] != '\0')
            return value;
    }
    return "vi";
}

/* Removes the directory and whatever the editor left in it (swap and
 * backup files). */
static void remove_directory(const char *path)
{
    DIR *dir = opendir(path);
    if (dir != NULL) {
        struct dirent *entry;
        while ((entry = readdir(dir)) != NULL) {
            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
                continue;
            unlinkat(dirfd(dir), entry->d_name, 0);
        }
        closedir(dir);
    }
    rmdir(path);
}

static bool write_all(int fd, const char *data, size_t length)
{
    while (length > 0) {
        ssize_t n = write(fd, data, length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        length -= (size_t)n;
    }
    return true;
}

bool editor_drop_group(void)
{
    gid_t real = getgid(), r, e, s;
    if (getresgid(&r, &e, &s) != 0)
        return false;
    if (r == real && e == real && s == real)
        return true;
    if (setresgid(real, real, real) != 0)
        return false;
    return getresgid(&r, &e, &s) == 0 && r == real && e == real && s == real;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* Waits for the editor; on a termination signal asks it to stop, then
 * insists. Returns the wait status, or -1 when interrupted. Never blocks
 * in waitpid: a signal that arrived between fork and the wait (its
 * handler already run, so no EINTR is coming) would leave it waiting for
 * the editor to exit. It polls instead; the handler cuts the sleep short,
 * so a signal is noticed at once, and an arrival just before the sleep
 * at most one poll late. */
static int wait_editor(pid_t pid)
{
    int status = 0;
    bool signalled = false;
    int waited_ms = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return signalled ? -1 : status;
        if (r < 0 && errno != EINTR)
            return -1;
        if (signals_pending() != 0 && !signalled) {
            signalled = true;
            kill(pid, SIGTERM);
            kill(pid, SIGHUP);
        }
        /* Ctrl-Z in the editor stops it and signals the whole job: the
         * TUI waiting for it stops too, so that the shell gets the
         * terminal back; fg continues both. */
        if (signals_take_suspend())
            signals_suspend();
        if (signalled) {
            if (waited_ms >= 2000)
                kill(pid, SIGKILL);
            waited_ms += 20;
        }
        sleep_ms(signalled ? 20 : 50);
    }
}

static enum mb_status read_back(const char *path, char **out, size_t *out_length,
                                struct mb_error *err)
{
    enum mb_status status = MB_IO;
    char *text = NULL;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        status = mb_fail(err, MB_IO, "cannot read the editor's file: %s", strerror(errno));
        goto out;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        status = mb_fail(err, MB_IO, "the editor's file is not a regular file");
        goto out;
    }
    if (st.st_size > EDITOR_MAX_BYTES) {
        status = mb_fail(err, MB_INVALID, "the text is too long (%lld bytes)",
                         (long long)st.st_size);
        goto out;
    }
    text = xmalloc((size_t)st.st_size + 1);
    size_t length = 0;
    while (length < (size_t)st.st_size) {
        ssize_t n = read(fd, text + length, (size_t)st.st_size - length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            status = mb_fail(err, MB_IO, "cannot read the editor's file: %s", strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        length += (size_t)n;
    }
    while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == '\r'))
        length--;
    text[length] = '\0';
    if (!text_utf8_valid(text, length) || memchr(text, '\0', length) != NULL) {
        status = mb_fail(err, MB_INVALID, "the text is not valid UTF-8");
        goto out;
    }
    *out = text;
    *out_length = length;
    text = NULL;
    status = MB_OK;
out:
    if (fd >= 0)
        close(fd);
    free(text);
    return status;
}

enum mb_status editor_run(const char *text, size_t length, char **out, size_t *out_length,
                          struct mb_error *err)
{
    enum mb_status status = MB_IO;
    char *directory = NULL, *path = NULL, *command = NULL;
    struct sigaction ignore, saved_int, saved_quit;
    bool ignoring = false;
    *out = NULL;
    *out_length = 0;

    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || tmp[0] == '\0')
        tmp = "/tmp";
    directory = xasprintf("%s/microblog-tui.XXXXXX", tmp);
    if (mkdtemp(directory) == NULL) {   /* mkdtemp makes it 0700 */
        status = mb_fail(err, MB_IO, "cannot create a temporary directory in %s: %s", tmp,
                         strerror(errno));
        free(directory);
        directory = NULL;
        goto out;
    }
    path = xasprintf("%s/post.txt", directory);
    signals_track_temp(directory, path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        status = mb_fail(err, MB_IO, "cannot create %s: %s", path, strerror(errno));
        goto out;
    }
    bool written = write_all(fd, text, length) && (length == 0 || write_all(fd, "\n", 1));
    if (close(fd) != 0 || !written) {
        status = mb_fail(err, MB_IO, "cannot write %s", path);
        goto out;
    }

    command = xasprintf("exec %s \"$1\"", editor_command());
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGINT, &ignore, &saved_int);
    sigaction(SIGQUIT, &ignore, &saved_quit);
    ignoring = true;

    pid_t pid = fork();
    if (pid < 0) {
        status = mb_fail(err, MB_IO, "cannot start the editor: %s", strerror(errno));
        goto out;
    }
    if (pid == 0) {
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        const int reset[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP, SIGWINCH, SIGPIPE };
        for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
            sigaction(reset[i], &dfl, NULL);
        if (!editor_drop_group())
            _exit(127);
        execl("/bin/sh", "sh", "-c", command, "sh", path, (char *)NULL);
        _exit(127);
    }
    int wait_status = wait_editor(pid);
    if (wait_status < 0 || signals_pending() != 0) {
        status = mb_fail(err, MB_IO, "the editor was interrupted; the draft is unchanged");
        goto out;
    }
    if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
        int code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
        status = mb_fail(err, MB_IO, "The editor exited with status %d; the draft is unchanged (%s)",
                         code, editor_command());
        goto out;
    }
    status = read_back(path, out, out_length, err);
out:
    if (ignoring) {
        sigaction(SIGINT, &saved_int, NULL);
        sigaction(SIGQUIT, &saved_quit, NULL);
    }
    if (directory != NULL)
        remove_directory(directory);
    signals_track_temp(NULL, NULL);
    free(command);
    free(path);
    free(directory);
    return status;
}
