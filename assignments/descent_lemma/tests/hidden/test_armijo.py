"""armijo_step: the value, the Armijo property at the returned step and its failure one step earlier,
and a single evaluation of grad per call."""

import math

import numpy as np
import pytest

from autograder.testing import assert_scalar, check


def _problem(case, quadratic, logistic, log_cosh, rng):
    if case == "quadratic":
        # ||g|| = 0.8: between gamma and 1, where ||g|| and ||g||^2 in the condition give different steps
        p = quadratic([0.5, 2.0, 20.0])
        u = rng.normal(size=3)
        return p.f, p.grad, p.xstar + 0.8 * u / np.linalg.norm(p.A @ u), {}
    if case == "logistic":
        p = logistic(30, 3)
        return p.f, p.grad, rng.normal(size=3), {"eta0": 2.0, "gamma": 0.1, "shrink": 0.7}
    if case == "log cosh":
        return log_cosh.f, log_cosh.grad, np.array([1.5, -0.4, 0.8]), {"eta0": 10.0, "gamma": 0.3, "shrink": 0.3}
    # 1-D f = 2 x^2: plain decrease accepts any eta < 0.5, Armijo with gamma = 1/2 needs eta <= 1/4,
    # and at x = 0.2 (||g|| = 0.8) a condition with ||g|| instead of ||g||^2 needs eta <= 3/16
    return _steep, _steep_grad, np.array([0.2]), {"eta0": 0.45, "gamma": 0.5, "shrink": 0.5}


def _steep(x):
    x = np.asarray(x, dtype=np.float64)
    return float(2.0 * x @ x)


def _steep_grad(x):
    return 4.0 * np.asarray(x, dtype=np.float64)


CASES = ["quadratic", "logistic", "log cosh", "steep 1-D quadratic"]


def _call(submission, f, grad, x, kwargs):
    eta = submission.armijo_step(f, grad, x.copy(), **kwargs)
    check(isinstance(eta, (int, float, np.floating)) and not isinstance(eta, bool),
          "armijo_step should return the step size as a float")
    return float(eta)


def _describe(kwargs):
    return "armijo_step(f, grad, x" + "".join(f", {k}={v}" for k, v in kwargs.items()) + ")"


@pytest.mark.points(1)
@pytest.mark.hint("Try eta0 first, then eta0*shrink, eta0*shrink^2, ... and return the first eta with "
                  "f(x - eta g) <= f(x) - gamma * eta * ||g||^2 (g = grad(x), ||g||^2 the squared norm).")
@pytest.mark.parametrize("case", CASES)
def test_armijo_value(submission, reference, quadratic, logistic, log_cosh, rng, case):
    f, grad, x, kwargs = _problem(case, quadratic, logistic, log_cosh, rng)
    got = _call(submission, f, grad, x, kwargs)
    assert_scalar(got, reference.armijo_step(f, grad, x, **kwargs), f"{_describe(kwargs)} on the {case} test function",
                  rtol=1e-12, atol=0.0)


@pytest.mark.points(1)
@pytest.mark.hint("The returned eta must satisfy the Armijo condition, be eta0 times a power of shrink, "
                  "and (unless it is eta0) the previous trial eta / shrink must have failed the condition: "
                  "backtracking stops at the FIRST acceptable step.")
@pytest.mark.parametrize("case", CASES)
def test_armijo_property(submission, quadratic, logistic, log_cosh, rng, case):
    f, grad, x, kwargs = _problem(case, quadratic, logistic, log_cosh, rng)
    eta0, gamma, shrink = kwargs.get("eta0", 1.0), kwargs.get("gamma", 0.5), kwargs.get("shrink", 0.5)
    eta = _call(submission, f, grad, x, kwargs)
    name = f"{_describe(kwargs)} on the {case} test function"
    check(np.isfinite(eta) and 0.0 < eta <= eta0 * (1 + 1e-12), f"{name}: the step should lie in (0, eta0]")
    power = math.log(eta / eta0) / math.log(shrink)
    check(abs(power - round(power)) < 1e-6, f"{name}: the step is not eta0 * shrink^j for an integer j")
    g = np.asarray(grad(x), dtype=np.float64)
    fx, g_sq = f(x), float(g @ g)

    def armijo(step):
        return f(x - step * g) <= fx - gamma * step * g_sq

    check(armijo(eta), f"{name}: the returned step does not satisfy the Armijo condition")
    if round(power) >= 1:
        check(not armijo(eta / shrink), f"{name}: the step before the returned one (eta / shrink) already "
                                        "satisfies the Armijo condition, so backtracking went one step too far")


@pytest.mark.points(1)
@pytest.mark.hint("g = grad(x) does not change while eta shrinks: compute it once before the loop "
                  "and reuse it (only f has to be evaluated at each trial point).")
def test_armijo_calls_grad_once(submission, quadratic, counted, rng):
    problem = quadratic([0.5, 2.0, 20.0])
    grad = counted(problem.grad)
    submission.armijo_step(problem.f, grad, rng.normal(size=3), 4.0, 0.5, 0.5)
    check(grad.calls == 1, f"armijo_step called grad {grad.calls} times; it should call it exactly once")


@pytest.mark.points(1)
@pytest.mark.hint("When eta0 itself satisfies the Armijo condition no backtracking happens: return eta0.")
def test_armijo_accepts_eta0(submission, quadratic, rng):
    problem = quadratic([0.5, 2.0, 20.0])
    eta = submission.armijo_step(problem.f, problem.grad, rng.normal(size=3), 0.01, 0.5, 0.5)
    assert_scalar(eta, 0.01, "armijo_step(f, grad, x, eta0=0.01) where eta0 already gives sufficient decrease",
                  rtol=0.0, atol=0.0)
