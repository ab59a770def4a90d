"""gd_iterations_convex and gd_iterations_strongly_convex: exact counts and their edge cases.

Inputs are drawn so that the real-valued ratio is never within 1e-6 of an
integer: there, correct ways of computing the ceiling may differ by one.
"""

import math

import numpy as np
import pytest

from autograder.testing import check, fail


def _count(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float, np.floating)):
        fail(f"{name} should return an int")
    if isinstance(value, (float, np.floating)) and not (math.isfinite(value) and float(value).is_integer()):
        fail(f"{name} should return a whole number of iterations, got a non-integer float")
    return int(value)


def _away_from_integers(draw):
    while True:
        args, ratio = draw()
        if abs(ratio - round(ratio)) > 1e-6 * max(1.0, abs(ratio)):
            return args


def _convex_args(rng):
    def draw():
        L, dist0_sq, eps = rng.uniform(0.5, 50.0), rng.uniform(0.1, 10.0), 10.0 ** rng.uniform(-6, -1)
        return (float(L), float(dist0_sq), float(eps)), L * dist0_sq / (2 * eps)
    return _away_from_integers(draw)


def _strong_args(rng):
    def draw():
        m = rng.uniform(0.01, 1.0)
        M = m * 10.0 ** rng.uniform(0.3, 3.0)
        gap0, eps = 10.0 ** rng.uniform(-1, 3), 10.0 ** rng.uniform(-8, -2)
        return (float(m), float(M), float(gap0), float(eps)), math.log(gap0 / eps) / math.log(1 / (1 - m / M))
    return _away_from_integers(draw)


def _check_convex(submission, L, dist0_sq, eps):
    name = f"gd_iterations_convex(L={L:.6g}, dist0_sq={dist0_sq:.6g}, eps={eps:.6g})"
    k = _count(submission.gd_iterations_convex(L, dist0_sq, eps), name)
    check(k >= 1, f"{name} returned {k}; the count must be at least 1")
    check(L * dist0_sq / (2 * k) <= eps,
          f"{name} returned {k}, too few: after k steps Theorem 6.1 only guarantees L dist0_sq / (2k) > eps")
    check(k == 1 or L * dist0_sq / (2 * (k - 1)) > eps,
          f"{name} returned {k}, not the smallest: k - 1 steps already give L dist0_sq / (2(k-1)) <= eps")


def _check_strong(submission, m, M, gap0, eps):
    name = f"gd_iterations_strongly_convex(m={m:.6g}, M={M:.6g}, gap0={gap0:.6g}, eps={eps:.6g})"
    k = _count(submission.gd_iterations_strongly_convex(m, M, gap0, eps), name)
    check(k >= 0, f"{name} returned {k}; an iteration count cannot be negative")
    q = 1.0 - m / M
    check(q ** k * gap0 <= eps,
          f"{name} returned {k}, too few: Theorem 3 needs k >= log(gap0/eps) / log(1/(1 - m/M))")
    check(k == 0 or q ** (k - 1) * gap0 > eps,
          f"{name} returned {k}, not the smallest integer with k >= log(gap0/eps) / log(1/(1 - m/M))")


@pytest.mark.points(1)
@pytest.mark.hint("Solve L dist0_sq / (2k) <= eps for k and round UP: k = ceil(L dist0_sq / (2 eps)). "
                  "Mind the 2 in the denominator (Theorem 6.1 with t = 1/L).")
@pytest.mark.parametrize("draw", range(3))
def test_convex_count(submission, rng, draw):
    _check_convex(submission, *_convex_args(rng))


@pytest.mark.points(1)
@pytest.mark.hint("The count is at least 1 even when x0 is already a minimiser (dist0_sq = 0) or the "
                  "ratio L dist0_sq / (2 eps) is below 1.")
@pytest.mark.parametrize("L,dist0_sq,eps", [(2.0, 0.0, 1e-3), (0.8, 0.3, 0.5)])
def test_convex_edge_cases(submission, L, dist0_sq, eps):
    _check_convex(submission, L, dist0_sq, eps)


@pytest.mark.points(1)
@pytest.mark.hint("k = ceil(log(gap0/eps) / log(1/(1 - m/M))); do not replace log(1/(1 - m/M)) by "
                  "its lower bound m/M, which gives a valid but larger count.")
@pytest.mark.parametrize("draw", range(3))
def test_strongly_convex_count(submission, rng, draw):
    _check_strong(submission, *_strong_args(rng))


@pytest.mark.points(1)
@pytest.mark.hint("When gap0 <= eps no step is needed: return 0 (the log is then <= 0, and a negative "
                  "ratio must not become a negative count).")
@pytest.mark.parametrize("m,M,gap0,eps", [(0.1, 10.0, 1e-3, 1e-3), (0.05, 20.0, 1e-9, 1e-3), (0.2, 3.0, 1.3, 1.0)])
def test_strongly_convex_edge_cases(submission, m, M, gap0, eps):
    _check_strong(submission, m, M, gap0, eps)


@pytest.mark.points(1)
@pytest.mark.hint("An iteration count is an int: math.ceil returns one, np.ceil returns a float.")
def test_counts_are_ints(submission):
    for name, value in [("gd_iterations_convex(3.0, 2.0, 0.07)", submission.gd_iterations_convex(3.0, 2.0, 0.07)),
                        ("gd_iterations_strongly_convex(0.3, 4.0, 10.0, 1e-4)",
                         submission.gd_iterations_strongly_convex(0.3, 4.0, 10.0, 1e-4))]:
        check(isinstance(value, (int, np.integer)) and not isinstance(value, bool), f"{name} should return an int")
