"""Attack: leave the process in the middle of a call.

os._exit(0) in add() (in one process this ends pytest with status 0 and
no failures recorded), SystemExit from scale_rows(), SIGKILL to itself in
bump() and os.abort() in apply(). Each must cost only that call: the
worker is restarted and the remaining tests still run and are scored.
"""
import os
import signal
import sys


def add(a, b):
    os._exit(0)


def scale_rows(x, w):
    sys.exit(0)


def bump(config):
    os.kill(os.getpid(), signal.SIGKILL)


def apply(f, x):
    os.abort()
