#!/usr/bin/env python3
"""Measures the TUI through a pseudo-terminal, as a user's terminal sees it
(not a test: prints figures for bench/ and for checking the design):
start to first complete frame, bytes and time per one-line scroll step
deep in the timeline, and peak RSS.

usage: measure.py BINARY DATABASE [COLS ROWS [STEPS]]"""
import fcntl, os, pty, select, signal, struct, sys, termios, time

def main():
    binary, db = sys.argv[1], sys.argv[2]
    cols = int(sys.argv[3]) if len(sys.argv) > 3 else 120
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    steps = int(sys.argv[5]) if len(sys.argv) > 5 else 200
    env = dict(os.environ, TERM=os.environ.get('MEASURE_TERM', 'xterm-256color'),
               LC_ALL='C.UTF-8', COLUMNS=str(cols), LINES=str(rows))
    env.pop('NO_COLOR', None)
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
        os.execve(binary, [binary, '--db', db], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))

    def read_until(marker, timeout=10.0):
        data = b''
        end = time.monotonic() + timeout
        while marker not in data:
            left = end - time.monotonic()
            if left <= 0:
                raise SystemExit('timed out waiting for %r' % marker)
            r, _, _ = select.select([fd], [], [], left)
            if r:
                data += os.read(fd, 65536)
        return data

    def drain(quiet=0.05):
        data = b''
        while True:
            r, _, _ = select.select([fd], [], [], quiet)
            if not r:
                return data
            data += os.read(fd, 65536)

    read_until(b'?:help')
    first = time.monotonic() - t0
    drain(0.2)
    # Go deep: a few pages down, then measure single steps.
    for _ in range(20):
        os.write(fd, b'\x04')   # Ctrl-D: page down
        drain(0.02)
    drain(0.2)
    total = 0
    t1 = time.monotonic()
    for _ in range(steps):
        os.write(fd, b'j')
        total += len(drain(0.01))
    step_time = (time.monotonic() - t1) / steps
    total += len(drain(0.2))
    status = open('/proc/%d/status' % pid).read()
    hwm = [l for l in status.splitlines() if l.startswith('VmHWM')][0].split()[1]
    os.write(fd, b'q')
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    print('first_frame_ms=%.1f bytes_per_step=%.0f step_ms_upper_bound=%.2f peak_rss_kb=%s'
          % (first * 1000, total / steps, step_time * 1000, hwm))

main()
