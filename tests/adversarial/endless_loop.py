"""Attack: never return.

scale_rows() spins forever with SIGTERM, SIGINT, SIGXCPU, SIGALRM and
SIGHUP ignored; add() is wrong. Only the per-call wall-clock limit (3 s for toy) and SIGKILL of the
sandbox stop them; the rest of the suite must still run and the total
grading time stay bounded.
"""
import signal

for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGXCPU, signal.SIGALRM, signal.SIGHUP):
    signal.signal(_sig, signal.SIG_IGN)


def add(a, b):
    return a - b


def scale_rows(x, w):
    n = 0
    while True:
        n += 1


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
