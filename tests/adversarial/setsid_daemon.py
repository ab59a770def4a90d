"""Attack: a daemonised grandchild that outlives the call and the grader.

The first add() double-forks; the grandchild calls setsid() (leaving the
worker's process group, so killpg alone would miss it), ignores SIGHUP and
SIGTERM, closes its descriptors and waits for the worker to die. Once the
worker is gone it tries, for 20 seconds, to write marker files everywhere
(/tmp, /var/tmp, /work/main, /root, its cwd) - a process that survives the
sandbox could tamper with later grading runs. The PID namespace must take
it down with the worker: no process of the sandbox uid may remain and no
marker may appear. add() is wrong.
"""
import os
import signal
import time

MARKER = "pwned_setsid_daemon"
DIRS = ["/tmp", "/var/tmp", "/work/main", "/root", "/run/lock", "/dev/shm"]
_started = False


def _daemon(worker_pid):
    os.setsid()
    for sig in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_IGN)
    os.closerange(0, 1024)
    while True:
        try:
            os.kill(worker_pid, 0)
        except ProcessLookupError:
            break
        except PermissionError:
            break
        time.sleep(0.02)
    end = time.monotonic() + 20
    while time.monotonic() < end:
        for d in DIRS:
            try:
                with open(os.path.join(d, MARKER), "w") as fh:
                    fh.write(f"written by pid {os.getpid()} after the worker died\n")
            except OSError:
                pass
        time.sleep(0.2)
    os._exit(0)


def _spawn():
    worker = os.getpid()
    pid = os.fork()
    if pid == 0:
        try:
            if os.fork() == 0:
                _daemon(worker)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def add(a, b):
    global _started
    if not _started:
        _started = True
        _spawn()
    return a - b


def scale_rows(x, w):
    return x * w


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
