"""Equivalence of sympy expressions, judged by value rather than by form.

A student's derivative may be written in any of many equivalent forms, and
``simplify`` is neither complete nor bounded in time. Two analytic
expressions that agree at many random points are equal with probability one,
so the check evaluates both at fixed pseudo-random points (reported on a
mismatch, so the student can reproduce it).
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from autograder.testing.compare import GradingFailure

Sampler = Callable[[np.random.Generator], dict[str, float]]


def assert_equivalent(actual: Any, expected: Any, name: str, sample: Sampler, points: int = 25,
                      seed: int = 0, rtol: float = 1e-8, atol: float = 1e-10) -> None:
    import sympy as sp

    if not isinstance(actual, sp.Expr):
        got = getattr(actual, "type_name", None) or type(actual).__name__
        raise GradingFailure(f"{name}: expected a sympy expression, got a value of type {got}")
    allowed = {str(s) for s in expected.free_symbols}
    extra = sorted(str(s) for s in actual.free_symbols if str(s) not in allowed)
    if extra:
        raise GradingFailure(
            f"{name}: the expression uses symbols {extra}; only {sorted(allowed)} are expected "
            "(symbols are matched by name)")
    rng = np.random.default_rng(seed)
    for _ in range(points):
        point = sample(rng)
        a_subs = {s: point[str(s)] for s in actual.free_symbols}
        e_subs = {s: point[str(s)] for s in expected.free_symbols}
        try:
            got = complex(actual.evalf(subs=a_subs, n=30))
        except (TypeError, ValueError, ZeroDivisionError):
            raise GradingFailure(f"{name}: the expression does not evaluate to a number at {point}") from None
        want = complex(expected.evalf(subs=e_subs, n=30))
        if not abs(got - want) <= atol + rtol * abs(want):
            shown = {k: round(v, 6) for k, v in point.items()}
            # the student's own value only: with the difference too, the expected value would leak
            raise GradingFailure(
                f"{name}: not equivalent to the correct expression; at {shown} yours evaluates to "
                f"{got.real:.8g}{'' if abs(got.imag) < 1e-12 else f'{got.imag:+.3g}j'}, which is not the "
                "correct value there")
