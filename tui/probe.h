/* Asks the terminal how wide it draws the grapheme clusters that
 * terminals disagree about: a ZWJ emoji sequence (👨‍👩‍👧), an emoji with a
 * skin tone (👍🏽) and a keycap without its emoji selector (1⃣). Each sample
 * is written at the start of a line followed by a cursor position request
 * (DSR, ESC [ 6 n); the column the terminal answers is the width it gave
 * the sample. One round trip at start-up; a terminal that does not answer
 * within the timeout leaves the widths unknown (-1), and the draw layer
 * then draws such clusters the safe way. Internal to tui/. */
#ifndef TUI_PROBE_H
#define TUI_PROBE_H

enum probe_sample {
    PROBE_ZWJ_SEQUENCE,
    PROBE_EMOJI_MODIFIER,
    PROBE_KEYCAP,
    PROBE_COUNT
};

/* The bytes to send the terminal (NUL-terminated): each sample at the
 * start of the line and a position request, then the line erased. Send
 * them in raw mode, before the first frame. */
const char *probe_request(void);

/* Fills widths[PROBE_COUNT] (cells, or -1 when unknown) from the
 * terminal's answers on standard input to probe_request, waiting at most
 * timeout_ms in all. Bytes read that are not answers (keys typed
 * meanwhile) are given back to curses. */
void probe_read_answers(int widths[PROBE_COUNT], int timeout_ms);

#endif
