#!/usr/bin/env python3
"""What the interactive browser costs while it is used, in a pseudo-terminal.

    measure-browser.py cancel URL        five loads of URL, each stopped with Esc at once
    measure-browser.py resize URL        twenty resizes in a burst on a long page
    measure-browser.py tour URL...       a tour of pages, one after the other

Prints the peak resident memory (VmHWM), the memory held at the end (VmRSS), the CPU time
used, and how long after the last key the process went idle (no CPU time used for 300 ms).
The binary is target/release/margay unless MARGAY is set. Only local files and 127.0.0.1.
"""
import os, pty, select, signal, struct, sys, time, fcntl, termios

def status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            fields[k] = v.strip()
    return int(fields["VmHWM"].split()[0]) / 1024, int(fields["VmRSS"].split()[0]) / 1024

def cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    hz = os.sysconf("SC_CLK_TCK")
    return (int(parts[11]) + int(parts[12])) / hz

def drain(fd, secs):
    end = time.time() + secs
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.02)
        if fd in r:
            try:
                data = os.read(fd, 1 << 16)
            except OSError:
                return
            if b"\x1b[6n" in data:
                os.write(fd, b"\x1b[1;1R")

def idle_after(pid, fd, start, limit=30.0):
    """Seconds from `start` until the CPU time stops growing for 300 ms."""
    last, still = cpu(pid), time.time()
    while time.time() - start < limit:
        drain(fd, 0.05)
        now = cpu(pid)
        if now != last:
            last, still = now, time.time()
        elif time.time() - still >= 0.3:
            return still - start
    return float("inf")

def resize(fd, pid, cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    os.kill(pid, signal.SIGWINCH)

def spawn(args):
    binary = os.environ.get("MARGAY", "target/release/margay")
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execv(binary, [binary] + args)
    resize(fd, pid, 100, 30)
    return pid, fd

def main():
    what, urls = sys.argv[1], sys.argv[2:]
    pid, fd = spawn([])
    drain(fd, 0.5)
    if what == "cancel":
        for _ in range(5):
            os.write(fd, b"g" + urls[0].encode() + b"\r")
            drain(fd, 0.05)
            os.write(fd, b"\x1b")
            drain(fd, 0.1)
        start = time.time()
    elif what == "resize":
        os.write(fd, b"g" + urls[0].encode() + b"\r")
        idle_after(pid, fd, time.time())
        for i in range(20):
            resize(fd, pid, 60 + (i % 2) * 60, 30)
            drain(fd, 0.01)
        resize(fd, pid, 77, 30)
        start = time.time()
    elif what == "tour":
        for url in urls:
            os.write(fd, b"g" + url.encode() + b"\r")
            idle_after(pid, fd, time.time())
        start = time.time()
    else:
        sys.exit(__doc__)
    idle = idle_after(pid, fd, start)
    peak, held = status(pid)
    used = cpu(pid)
    os.write(fd, b"Q")
    drain(fd, 0.3)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    print(f"{what}: peak {peak:.0f} MB, held at the end {held:.0f} MB, CPU {used:.2f} s, idle {idle * 1000:.0f} ms after the last key")

if __name__ == "__main__":
    main()
