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

/* Fills widths[PROBE_COUNT] (cells, or -1 when unknown) by asking the
 * terminal on standard output and reading its answers from standard
 * input, waiting at most timeout_ms in all. Call in raw mode, before the
 * first frame (it writes on the current line and erases it). Bytes read
 * that are not answers (keys typed meanwhile) are given back to curses. */
void probe_cluster_widths(int widths[PROBE_COUNT], int timeout_ms);

#endif
