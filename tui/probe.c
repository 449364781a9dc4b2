/* The terminal's widths of disputed clusters (see probe.h). */
#include "tui/probe.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tui/pace.h"

static const char *const samples[PROBE_COUNT] = {
    [PROBE_ZWJ_SEQUENCE] = "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7",
    [PROBE_EMOJI_MODIFIER] = "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd",
    [PROBE_KEYCAP] = "1\xe2\x83\xa3",
};

/* Finds "ESC [ row ; col R" in buffer[*start..length): the column, and
 * *start past the answer; -1 when no whole answer is there. The bytes
 * before an answer are kept in kept[] (at most kept_size). */
static int next_answer(const unsigned char *buffer, size_t length, size_t *start,
                       unsigned char *kept, size_t *kept_count, size_t kept_size)
{
    for (size_t i = *start; i + 1 < length; i++) {
        if (buffer[i] != 0x1b || buffer[i + 1] != '[')
            continue;
        size_t j = i + 2;
        int row = 0, col = 0;
        bool digits = false;
        while (j < length && buffer[j] >= '0' && buffer[j] <= '9' && row < 100000) {
            row = row * 10 + (buffer[j++] - '0');
            digits = true;
        }
        if (j >= length || buffer[j] != ';' || !digits)
            continue;
        j++;
        digits = false;
        while (j < length && buffer[j] >= '0' && buffer[j] <= '9' && col < 100000) {
            col = col * 10 + (buffer[j++] - '0');
            digits = true;
        }
        if (j >= length || buffer[j] != 'R' || !digits)
            continue;
        for (size_t k = *start; k < i && *kept_count < kept_size; k++)
            kept[(*kept_count)++] = buffer[k];
        *start = j + 1;
        return col;
    }
    return -1;
}

const char *probe_request(void)
{
    static char request[256];
    if (request[0] != '\0')
        return request;
    size_t used = 0;
    for (int i = 0; i < PROBE_COUNT; i++)
        used += (size_t)snprintf(request + used, sizeof request - used, "\r%s\033[6n", samples[i]);
    snprintf(request + used, sizeof request - used, "\r\033[K");
    return request;
}

void probe_read_answers(int widths[PROBE_COUNT], int timeout_ms)
{
    for (int i = 0; i < PROBE_COUNT; i++)
        widths[i] = -1;
    unsigned char buffer[512], kept[512];
    size_t length = 0, start = 0, kept_count = 0;
    int answers = 0;
    long deadline = pace_now_ms() + timeout_ms;
    while (answers < PROBE_COUNT) {
        int col = next_answer(buffer, length, &start, kept, &kept_count, sizeof kept);
        if (col >= 0) {
            widths[answers++] = col - 1;
            continue;
        }
        long left = deadline - pace_now_ms();
        if (left <= 0 || length == sizeof buffer)
            break;
        struct pollfd fd = { .fd = STDIN_FILENO, .events = POLLIN };
        if (poll(&fd, 1, (int)left) <= 0)
            continue;
        ssize_t n = read(STDIN_FILENO, buffer + length, sizeof buffer - length);
        if (n > 0)
            length += (size_t)n;
        else if (n == 0 || (errno != EINTR && errno != EAGAIN))
            break;   /* the terminal hung up: no answer will come */
    }
    /* Keys typed meanwhile go back to curses, in order. */
    for (size_t k = start; k < length && kept_count < sizeof kept; k++)
        kept[kept_count++] = buffer[k];
    for (size_t k = kept_count; k > 0; k--)
        ungetch(kept[k - 1]);
}
