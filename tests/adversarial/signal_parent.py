"""Attack: kill or stop the grader by signals.

add() sends SIGKILL to its parent, to pid 1, to every pid it can see in
/proc, to its own process group and finally to every process it may signal
(kill(-1)); scale_rows() sends SIGSTOP to everything it can see. The judge
is outside the sandbox's PID namespace and runs as another uid, so it
cannot be reached; at worst the worker kills itself, which costs that call.
add() and scale_rows() are wrong.
"""
import os
import signal


def _visible_pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]


def _send(targets, sig):
    for pid in targets:
        try:
            os.kill(pid, sig)
        except OSError:
            pass


def add(a, b):
    _send([os.getppid(), 1, *_visible_pids()], signal.SIGKILL)
    _send([-os.getpgrp(), 0, -1], signal.SIGKILL)
    return a - b


def scale_rows(x, w):
    _send([os.getppid(), 1, *_visible_pids()], signal.SIGSTOP)
    return x * 0


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
