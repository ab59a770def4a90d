"""Attack: hang while being imported.

The module never finishes importing (a busy loop with SIGTERM ignored).
The judge waits for the worker's READY message with the generous start-up
timeout (autograder.judge.connection.STARTUP_TIMEOUT, 120 s, meant for
slow library imports), and that wait is not charged to the submission's
total time budget. Each test starts a new worker and waits again, so the
grading time grows with the number of tests (N x 120 s where total_timeout
is at least 120 s; on toy, whose total_timeout of 60 s also bounds each
test in the judge, 3 x 60 s + 3 x 3 s) instead of stopping at one budget.
"""
import signal

signal.signal(signal.SIGTERM, signal.SIG_IGN)
while True:
    pass


def add(a, b):
    return a + b


def scale_rows(x, w):
    return x * w


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
