"""heavy_ball_counterexample: checked with sympy, then by running the reference heavy ball.

The student's pieces arrive as sympy expressions (rebuilt by the grader's
codec). The checks: the pieces cover the real line in order; f and f' are
continuous at the breakpoints; mu > 0 and mu <= f'' <= L on every piece
(constant f'' exactly, otherwise on a dense sample of the piece); and heavy
ball with Polyak's parameters for (L, mu), started at x0 with x_{-1} = x0,
does not converge to the minimiser. "Converges" means: within N steps, where
a quadratic with the same L and mu would have shrunk the error by 1e-17, the
last 50 iterates are all within 1e-6 (relative) of the minimiser.
"""

import bisect
import math

import numpy as np
import pytest
import sympy as sp

from autograder.testing import check, fail

X = sp.Symbol("x", real=True)
MAX_NODES = 400
MAX_STEPS = 200_000


def _number(value, name):
    """A float (possibly +-inf) from a Python, numpy or sympy number."""
    if isinstance(value, bool):
        fail(f"{name} should be a number, not a bool")
    if isinstance(value, sp.Basic):
        if value == sp.oo:
            return math.inf
        if value == -sp.oo:
            return -math.inf
        if value.free_symbols:
            fail(f"{name} should be a number, not an expression in {sorted(str(s) for s in value.free_symbols)}")
        try:
            out = float(sp.N(value, 30))
        except (TypeError, ValueError):
            fail(f"{name} should be a real number")
    elif isinstance(value, (int, float, np.integer, np.floating)):
        out = float(value)
    elif isinstance(value, np.ndarray) and value.size == 1:
        out = float(value.reshape(()))
    else:
        fail(f"{name} should be a number")
    if math.isnan(out):
        fail(f"{name} is nan")
    return out


def _expression(expr, name):
    if isinstance(expr, (int, float, np.integer, np.floating)) and not isinstance(expr, bool):
        expr = sp.Float(float(expr))
    if not isinstance(expr, sp.Expr):
        fail(f"{name} should be a sympy expression in the Symbol x")
    if sum(1 for _ in sp.preorder_traversal(expr)) > MAX_NODES:
        fail(f"{name} is too large an expression (more than {MAX_NODES} nodes)")
    extra = sorted(str(s) for s in expr.free_symbols if s.name != "x")
    if extra:
        fail(f"{name} uses the symbols {extra}; only the Symbol named x may appear")
    kinks = (sp.Piecewise, sp.Heaviside, sp.Abs, sp.sign, sp.Max, sp.Min, sp.floor, sp.ceiling)
    if expr.has(*kinks):
        fail(f"{name} uses Piecewise, Abs, Max, Min, sign, floor, ceiling or Heaviside: give each smooth "
             "piece as its own (lo, hi, expr) entry, so that the breakpoints can be checked")
    for power in expr.atoms(sp.Pow):
        if power.exp.is_Number and abs(float(power.exp)) > 64:
            fail(f"{name} has a power with an exponent above 64 in size")
    return expr.xreplace({s: X for s in expr.free_symbols})


def _parse(result):
    check(isinstance(result, dict), "heavy_ball_counterexample() should return a dict")
    missing = [k for k in ("pieces", "L", "mu", "x0") if k not in result]
    check(not missing, f"heavy_ball_counterexample() is missing the keys {missing}")
    pieces = result["pieces"]
    check(isinstance(pieces, (list, tuple)) and 1 <= len(pieces) <= 50,
          "'pieces' should be a non-empty list of (lo, hi, expr) tuples")
    parsed = []
    for i, piece in enumerate(pieces):
        check(isinstance(piece, (list, tuple)) and len(piece) == 3, f"pieces[{i}] should be a tuple (lo, hi, expr)")
        lo, hi = _number(piece[0], f"pieces[{i}] lo"), _number(piece[1], f"pieces[{i}] hi")
        check(lo < hi, f"pieces[{i}]: lo should be smaller than hi")
        parsed.append((lo, hi, _expression(piece[2], f"pieces[{i}] expr")))
    check(parsed[0][0] == -math.inf, "the first piece should start at -oo (the pieces must cover the real line)")
    check(parsed[-1][1] == math.inf, "the last piece should end at +oo (the pieces must cover the real line)")
    for i in range(len(parsed) - 1):
        end, start = parsed[i][1], parsed[i + 1][0]
        check(abs(end - start) <= 1e-12 * max(1.0, abs(end)),
              f"pieces[{i}] ends at {end:g} but pieces[{i + 1}] starts at {start:g}: list the pieces in "
              "increasing order, each starting where the previous one ends")
    constants = {k: _number(result[k], f"'{k}'") for k in ("L", "mu", "x0")}
    for k, v in constants.items():
        check(math.isfinite(v), f"'{k}' should be finite")
    return parsed, constants["L"], constants["mu"], constants["x0"]


def _numeric(expr):
    """A float function of one float; sympy builds it from a whitelisted, size-checked tree.

    Fast path in floating point; where that overflows (cosh(1e5) in 1/cosh(x)^2, say) the value
    is recomputed in sympy's arbitrary precision, which has no such limit.
    """
    fn = sp.lambdify(X, expr, modules="math")

    def call(t):
        try:
            value = float(fn(t))
        except (OverflowError, ValueError, ZeroDivisionError, TypeError):
            value = math.nan
        if math.isfinite(value):
            return value
        exact = _at(expr, t)
        return exact.real if abs(exact.imag) <= 1e-12 * max(1.0, abs(exact.real)) else math.nan

    return call


def _at(expr, t):
    try:
        return complex(expr.evalf(30, subs={X: sp.Float(t, 30)}))
    except (TypeError, ValueError, OverflowError):
        return complex(math.nan)


def _check_continuity(parsed, orders):
    for i in range(len(parsed) - 1):
        b = parsed[i][1]
        for order in orders:
            what = "f" if order == 0 else "f'"
            left = _at(sp.diff(parsed[i][2], X, order), b)
            right = _at(sp.diff(parsed[i + 1][2], X, order), b)
            check(abs(left.imag) < 1e-12 and abs(right.imag) < 1e-12 and math.isfinite(left.real)
                  and math.isfinite(right.real), f"{what} is not a finite real number at the breakpoint x = {b:g}")
            check(abs(left.real - right.real) <= 1e-9 * max(1.0, abs(left.real), abs(right.real)),
                  f"{what} jumps at the breakpoint x = {b:g}: pieces[{i}] gives {left.real:.8g} there, "
                  f"pieces[{i + 1}] gives {right.real:.8g}")


def _sample(lo, hi):
    reach = np.concatenate([[0.0], np.logspace(-4, 5, 300)])
    if math.isinf(lo) and math.isinf(hi):
        return np.concatenate([-reach[::-1], reach[1:]])
    if math.isinf(lo):
        return hi - reach
    if math.isinf(hi):
        return lo + reach
    return np.linspace(lo, hi, 301)


def _check_curvature(parsed, L, mu):
    check(mu > 0, "mu must be positive: the counterexample has to be strongly convex")
    check(mu <= L, "mu should not be larger than L")
    tol = 1e-9 * max(1.0, L)
    for i, (lo, hi, expr) in enumerate(parsed):
        second = sp.diff(expr, X, 2)
        if not second.free_symbols:
            value = _number(second, f"f'' on pieces[{i}]")
            check(mu - tol <= value <= L + tol, f"on pieces[{i}] f'' = {value:.6g}, outside [mu, L]")
            continue
        fn = _numeric(second)
        for t in _sample(lo, hi):
            value = fn(float(t))
            check(math.isfinite(value) and mu - tol <= value <= L + tol,
                  f"on pieces[{i}] f''({t:.6g}) = {value:.6g}, outside [mu, L]")


def _gradient(parsed):
    starts = [lo for lo, _, _ in parsed[1:]]
    derivatives = [_numeric(sp.diff(expr, X)) for _, _, expr in parsed]

    def fprime(t):
        return derivatives[bisect.bisect_right(starts, t)](t)

    return fprime


def _minimiser(fprime, x0):
    lo, hi, width = x0 - 1.0, x0 + 1.0, 2.0
    for _ in range(200):
        if fprime(lo) < 0:
            break
        lo, width = lo - width, 2 * width
    for _ in range(200):
        if fprime(hi) > 0:
            break
        hi, width = hi + width, 2 * width
    for _ in range(400):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if fprime(mid) > 0:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


def _answer(submission):
    """Each test calls the function itself, so a failing test's call can be replayed for diagnosis."""
    return _parse(submission.heavy_ball_counterexample())


@pytest.mark.points(1)
@pytest.mark.hint("Return {'pieces': [(lo, hi, expr), ...], 'L': ..., 'mu': ..., 'x0': ...}; the first lo "
                  "is -sp.oo, the last hi is sp.oo, and each piece starts where the previous one ends.")
def test_counterexample_structure(submission):
    _answer(submission)


@pytest.mark.points(1)
@pytest.mark.hint("f must be continuously differentiable: at each breakpoint the neighbouring pieces "
                  "must agree in value AND in slope. Integrating f' piece by piece, choose the "
                  "integration constants so that f is continuous.")
def test_counterexample_is_c1(submission):
    parsed, _, _, _ = _answer(submission)
    _check_continuity(parsed, orders=(0, 1))


@pytest.mark.points(1)
@pytest.mark.hint("Every piece needs mu <= f''(x) <= L on its whole interval, with mu > 0 (strong "
                  "convexity); unbounded pieces must stay within the bounds out to infinity.")
def test_counterexample_curvature(submission):
    parsed, L, mu, _ = _answer(submission)
    _check_curvature(parsed, L, mu)


@pytest.mark.points(2)
@pytest.mark.hint("On a strongly convex QUADRATIC heavy ball with Polyak's step 4/(sqrt(L)+sqrt(mu))^2 "
                  "and momentum ((sqrt(L)-sqrt(mu))/(sqrt(L)+sqrt(mu)))^2 always converges; a "
                  "counterexample needs a gradient whose slope changes (e.g. piecewise linear f' with "
                  "slopes between mu and L) and a starting point from which the iterates cycle.")
def test_counterexample_heavy_ball_fails(submission, reference, add_figure):
    parsed, L, mu, x0 = _answer(submission)
    _check_continuity(parsed, orders=(1,))  # heavy ball only sees f'
    _check_curvature(parsed, L, mu)
    fprime = _gradient(parsed)
    xstar = _minimiser(fprime, x0)
    check(abs(x0 - xstar) <= 1e6, "x0 should lie within 1e6 of the minimiser")
    sl, sm = math.sqrt(L), math.sqrt(mu)
    step, beta = 4.0 / (sl + sm) ** 2, ((sl - sm) / (sl + sm)) ** 2
    steps = 1000 + (math.ceil(40.0 / -math.log(math.sqrt(beta))) if beta > 0 else 0)
    check(steps <= MAX_STEPS, "L / mu is too large for the check to run: use the tightest constants "
                              "(the largest and smallest value of f'')")
    path = reference.heavy_ball(lambda v: np.array([fprime(float(v[0]))]), np.array([x0]), step, beta, steps)[:, 0]
    _picture(add_figure, parsed, path, xstar)
    tail = path[-50:]
    converged = bool(np.all(np.isfinite(tail)) and np.max(np.abs(tail - xstar)) <= 1e-6 * max(1.0, abs(x0 - xstar)))
    shown = 0.0 if abs(xstar) < 1e-9 * max(1.0, abs(x0)) else xstar  # bisection leaves ~1e-100 for x* = 0
    check(not converged, f"heavy ball with step {step:.6g} and beta {beta:.6g} from x0 = {x0:g} converges to "
                         f"the minimiser x* = {shown:.6g} of your f: this is not a counterexample")


def _picture(add_figure, parsed, path, xstar):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    shown = path[np.isfinite(path)][-40:]
    if shown.size == 0:
        return
    fprime = _gradient(parsed)
    lo = min(float(shown.min()), xstar) - 1.0
    hi = max(float(shown.max()), xstar) + 1.0
    grid = np.linspace(lo, hi, 400)
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.plot(grid, [fprime(t) for t in grid], color="tab:blue", label="f'(x)")
    ax.axhline(0.0, color="grey", linewidth=0.5)
    ax.plot(shown, [fprime(t) for t in shown], "o", color="tab:red", label="last heavy-ball iterates")
    ax.axvline(xstar, color="tab:green", linestyle="--", label="minimiser")
    ax.set_xlabel("x")
    ax.legend(loc="best", fontsize=8)
    add_figure("heavy ball on your counterexample (last 40 iterates)", fig)
