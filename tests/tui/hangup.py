#!/usr/bin/env python3
"""The TUI's terminal hangs up without a SIGHUP (a helper of hangup.sh, not
a test itself): starts the TUI on a pseudo-terminal, waits for its first
frame, closes the terminal's master side (what tmux or sshd do when they
go) and watches the process: how long it takes to exit and how much CPU
it burns meanwhile.

Two ways of losing the terminal with no SIGHUP delivered:
  noctty   the pty is the TUI's stdin/stdout but not its controlling
           terminal, so the kernel has nobody to send SIGHUP to;
  blocked  it is the controlling terminal of the TUI's own session, but
           SIGHUP is blocked (a signal mask survives exec, and a handler
           installed later does not unblock it), so it stays pending.

usage: hangup.py MODE STDERR_FILE BINARY ARGS...
Prints one line: "exit STATUS after MS ms, CPU MS ms" or
"running after MS ms, CPU MS ms" (then the TUI is killed).
Exits 2 when the TUI never drew its first frame."""
import fcntl, os, select, signal, struct, sys, termios, time

TICKS = os.sysconf('SC_CLK_TCK')
WAIT_S = 1.0


def cpu_ms(pid):
    """utime + stime of a live process, from /proc/PID/stat, in ms."""
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 // TICKS


def main():
    mode, err_path, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))
    pid = os.fork()
    if pid == 0:
        os.close(master)
        if mode == 'blocked':
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})
        err = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(slave, 0)
        os.dup2(slave, 1)
        os.dup2(err, 2)
        os.close(slave)
        os.close(err)
        os.execv(argv[0], argv)
    os.close(slave)
    seen = b''
    deadline = time.monotonic() + 15
    while b'?:help' not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            print('no first frame')
            sys.exit(2)
        ready, _, _ = select.select([master], [], [], left)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                chunk = b''
            if not chunk:   # it ended before its first frame
                os.waitpid(pid, 0)
                print('no first frame')
                sys.exit(2)
            seen += chunk
    time.sleep(0.3)   # idle for a moment: the CPU figure starts here
    before = cpu_ms(pid)
    start = time.monotonic()
    os.close(master)
    while time.monotonic() - start < WAIT_S:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            # All of the child's CPU, from its rusage, less that before.
            burnt = int((usage.ru_utime + usage.ru_stime) * 1000) - before
            code = os.waitstatus_to_exitcode(status)
            code = code if code >= 0 else 128 - code
            print('exit %d after %d ms, CPU %d ms'
                  % (code, (time.monotonic() - start) * 1000, max(burnt, 0)))
            return
        time.sleep(0.01)
    burnt = cpu_ms(pid) - before
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    print('running after %d ms, CPU %d ms' % ((time.monotonic() - start) * 1000, burnt))


main()
