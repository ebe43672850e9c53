#!/usr/bin/env python3
"""Time from start to first screen of terminal browsers, side by side.

Each command runs in a fresh pseudo-terminal (COLUMNS x LINES); the time is taken when the
terminal output, with escape sequences removed, first contains MARKER (a word on the page's
first screen). Commands are run in turn, RUNS rounds, so every command sees the same machine;
medians are printed (and wall and CPU time of the process while it started). Only local files
are read.

usage: first-paint.py [--runs N] [--cols C] [--rows R] MARKER -- CMD1 ... [-- CMD2 ...]
"""
import os, pty, re, select, signal, statistics, sys, time, resource

ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78DEHMc]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|[\x00-\x08\x0e-\x1f]")

def one(cmd, marker, cols, rows, timeout=30.0):
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["COLUMNS"], os.environ["LINES"] = str(cols), str(rows)
        os.environ["TERM"] = "xterm-256color"
        try:
            import fcntl, termios, struct
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        except Exception:
            pass
        os.execvp(cmd[0], cmd)
    try:
        import fcntl, termios, struct
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    except Exception:
        pass
    seen = b""
    found = None
    deadline = start + timeout
    while time.perf_counter() < deadline:
        r, _, _ = select.select([fd], [], [], 0.05)
        if fd in r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            # Answer a cursor-position query so that programs waiting for one go on.
            if b"\x1b[6n" in data:
                os.write(fd, b"\x1b[1;1R")
            seen += data
            if marker in ANSI.sub(b"", seen).replace(b" ", b""):
                found = time.perf_counter() - start
                break
    os.kill(pid, signal.SIGKILL)
    _, status, usage = os.wait4(pid, 0)
    os.close(fd)
    return found, usage.ru_utime + usage.ru_stime

def main():
    args = sys.argv[1:]
    runs, cols, rows = 11, 100, 30
    while args and args[0].startswith("--") and args[0] != "--":
        opt = args.pop(0)
        val = int(args.pop(0))
        if opt == "--runs": runs = val
        elif opt == "--cols": cols = val
        elif opt == "--rows": rows = val
    marker = args.pop(0).replace(" ", "").encode()
    cmds, cur = [], None
    for a in args:
        if a == "--":
            cur = []
            cmds.append(cur)
        else:
            cur.append(a)
    times = [[] for _ in cmds]
    cpus = [[] for _ in cmds]
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            t, cpu = one(cmd, marker, cols, rows)
            if t is not None:
                times[i].append(t * 1000)
                cpus[i].append(cpu * 1000)
    for cmd, t, c in zip(cmds, times, cpus):
        name = " ".join(cmd)
        if t:
            print(f"{statistics.median(t):8.1f} ms first paint (min {min(t):.1f}, {len(t)}/{runs} runs)  {statistics.median(c):7.1f} ms CPU until killed  {name}")
        else:
            print(f"   never  (marker not seen)  {name}")

if __name__ == "__main__":
    main()
