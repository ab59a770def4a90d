"""Attack: beat the memory limit by spreading the allocation over processes.

The memory limit is RLIMIT_AS, which is per process, and the process limit
is 64: together they allow 64 times memory_mb. At import (where the time
limit is generous) it forks four children that each allocate and touch
450 MiB (1.8 GiB in all against toy's memory_mb = 1024) and report back
while all of them still hold it. This test stays small enough to be safe on the grading host; the
same code with 63 children would claim 63 GiB and bring the host down. If
the sandbox let it hold more than memory_mb, add() returns correct answers
(full marks) and prints how much it held.
"""
import os
import select
import time

MiB = 1 << 20
CHILDREN, EACH_MB = 4, 450


def _hog(write_fd):
    try:
        block = bytearray(EACH_MB * MiB)
        block[::4096] = b"\x01" * len(block[::4096])
        os.write(write_fd, b"%d %d\n" % (os.getpid(), EACH_MB))
        time.sleep(30.0)  # held until the parent has heard from everyone and kills us
    except MemoryError:
        os.write(write_fd, b"%d 0\n" % os.getpid())
    finally:
        os._exit(0)


def held_together():
    r, w = os.pipe()
    pids = []
    for _ in range(CHILDREN):
        pid = os.fork()
        if pid == 0:
            os.close(r)
            _hog(w)
        pids.append(pid)
    os.close(w)
    held, reports, deadline, buf = {}, 0, time.monotonic() + 2.5, b""
    while reports < CHILDREN and time.monotonic() < deadline:
        ready, _, _ = select.select([r], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            break
        chunk = os.read(r, 1024)
        if not chunk:
            break
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            pid, mb = map(int, line.split())
            held[pid] = mb
            reports += 1
    time.sleep(0.3)
    total = 0
    for pid, mb in held.items():  # count only children still alive now: all of them hold their memory at once
        try:
            if os.waitpid(pid, os.WNOHANG) == (0, 0):
                total += mb
        except ChildProcessError:
            pass
    for pid in pids:
        try:
            os.kill(pid, 9)
        except OSError:
            pass
        try:
            os.waitpid(pid, 0)
        except OSError:
            pass
    os.close(r)
    return total


_result = held_together()


def add(a, b):
    print(f"held {_result} MiB at once across {CHILDREN} processes")
    return a + b if _result > 1024 else a - b


def scale_rows(x, w):
    return x * w


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
