#!/usr/bin/env python3
"""Measures what a burst of other sessions' commits costs a running TUI
(not a test: prints figures, as measure.py does): starts the TUI in a
pseudo-terminal, waits for its first frame and a moment of quiet, runs
WRITER (a shell command that commits, e.g. 500 posts as fast as it can),
waits until MARKER (the last post's text) is on the TUI's screen, and
prints the TUI's CPU time and wake-ups over that span and how long the
marker took to show after the writer ended.

usage: measure_burst.py MARKER WRITER BINARY ARGS...
Prints: writer_ms, marker_after_writer_ms, tui_cpu_ms, tui_wakeups,
tui_frames (reads of its output, about one per redraw)."""
import fcntl, os, select, struct, subprocess, sys, termios, time

ROWS, COLS = 40, 120


def cpu_ns(pid):
    """Time on a CPU, from /proc/PID/schedstat (nanoseconds)."""
    with open('/proc/%d/schedstat' % pid) as f:
        return int(f.read().split()[0])


def wakeups(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('voluntary_ctxt_switches:'):
                return int(line.split()[1])
    return 0


def main():
    marker, writer, argv = sys.argv[1].encode(), sys.argv[2], sys.argv[3:]
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', ROWS, COLS, 0, 0))
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        devnull = os.open('/dev/null', os.O_WRONLY)
        os.dup2(slave, 0)
        os.dup2(slave, 1)
        os.dup2(devnull, 2)
        os.execv(argv[0], argv)
    os.close(slave)
    seen = b''
    frames = 0

    def pump(seconds, until=None):
        """Reads the TUI's output for `seconds` (or until `until` shows);
        True when it did."""
        nonlocal seen, frames
        end = time.monotonic() + seconds
        while True:
            if until is not None and until in seen:
                return True
            left = end - time.monotonic()
            if left <= 0:
                return False
            ready, _, _ = select.select([master], [], [], left)
            if ready:
                seen = (seen + os.read(master, 65536))[-8192:]
                frames += 1

    if not pump(30, b'?:help'):
        sys.exit('no first frame')
    pump(1.0)
    cpu0, wake0, frames = cpu_ns(pid), wakeups(pid), 0
    start = time.monotonic()
    proc = subprocess.Popen(writer, shell=True)
    while proc.poll() is None:
        pump(0.05)
    writer_end = time.monotonic()
    shown = pump(10, marker)
    shown_at = time.monotonic()
    pump(0.5)   # whatever reload was still due
    cpu1, wake1 = cpu_ns(pid), wakeups(pid)
    os.kill(pid, 15)
    os.waitpid(pid, 0)
    print('writer_ms %d' % ((writer_end - start) * 1000))
    print('marker_after_writer_ms %s'
          % ('%d' % ((shown_at - writer_end) * 1000) if shown else 'never'))
    print('tui_cpu_ms %.1f' % ((cpu1 - cpu0) / 1e6))
    print('tui_wakeups %d' % (wake1 - wake0))
    print('tui_frames %d' % frames)


main()
