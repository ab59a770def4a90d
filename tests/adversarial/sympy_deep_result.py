"""Attack: a legal sympy result deep enough to crash the judge's own code.

scale_rows() returns sin(sin(...sin(x)...)) nested 450 deep (well under
the codec's 20 000-node cap; the worker lifts its own recursion limit to
encode it). The hidden test fails it (not an array), and then the mistake
diagnosis replays the call on the reference and compares the result with
numpy.asarray(result, dtype=float64), which makes sympy evalf() the
expression recursively inside the judge: RecursionError, which nothing
catches, so grade() itself raises and the submission gets no result at
all. add() is wrong as well.
"""
import sys

import sympy as sp


def add(a, b):
    return a - b


def scale_rows(x, w):
    sys.setrecursionlimit(20_000)
    e = sp.Symbol("x")
    for _ in range(450):
        e = sp.sin(e)
    return e


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
