"""Attack: recurse until the C stack overflows.

add() lifts the recursion limit to 10**9 and recurses through a C function
(map), so every level costs C stack and the worker dies with SIGSEGV;
scale_rows() recurses under the default limit (RecursionError, an
ordinary student error). Each costs only its own call, and the grader goes
on. add() and scale_rows() fail.
"""
import sys


def _through_c(n):
    return list(map(_through_c, [n + 1]))


def _down(n):
    return _down(n + 1) + 1


def add(a, b):
    sys.setrecursionlimit(10**9)
    return _through_c(0)


def scale_rows(x, w):
    sys.setrecursionlimit(1000)
    return _down(0)


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
