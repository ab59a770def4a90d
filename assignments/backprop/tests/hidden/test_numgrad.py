"""Hidden tests: numerical_gradient_array, the gradient checker.

f is a callable passed from here, so the student's code calls back into the
judge. The function is array-valued with an output shape different from x's,
and curved, so that forward differences (error ~ h) are visibly worse than
central ones (error ~ h^2). The oracle is the analytic gradient of f, plus
the reference's estimate at the same h.
"""

import numpy as np
import pytest

from autograder.testing import assert_array, assert_close, check


class _Problem:
    """f(x) = tanh(x A) + 0.5 (x * x) B for x (N, D); outputs (N, M).

    ``f`` is a plain closure, not a bound method: the diagnosis replays the
    student's calls with a deep copy of their arguments, and a closure stays
    the same object under deepcopy (a bound method does not, and would make
    the replayed arguments compare unequal).
    """

    def __init__(self, rng, n=3, d=4, m=5):
        A, B = rng.normal(size=(d, m)), rng.normal(size=(d, m))
        self.A, self.B = A, B
        self.x = rng.normal(size=(n, d))
        self.dout = rng.normal(size=(n, m))
        self.calls = calls = [0]

        def f(x):
            calls[0] += 1
            return np.tanh(x @ A) + 0.5 * (x * x) @ B

        self.f = f

    def grad(self):
        t = np.tanh(self.x @ self.A)
        return ((1.0 - t * t) * self.dout) @ self.A.T + self.x * (self.dout @ self.B.T)


@pytest.mark.points(2)
@pytest.mark.hint("grad[i] = sum over all outputs of (f(x + h e_i) - f(x - h e_i)) * dout / (2h): central "
                  "differences, weighted by dout, one entry of x at a time.")
def test_numerical_gradient_default_h(submission, reference, rng):
    p = _Problem(rng)
    expected = reference.numerical_gradient_array(p.f, p.x.copy(), p.dout)
    got = submission.numerical_gradient_array(p.f, p.x.copy(), p.dout.copy())
    check(p.calls[0] > 0, "numerical_gradient_array never called f")
    assert_array(got, "numerical gradient", shape=p.x.shape)
    assert_close(got, p.grad(), "numerical gradient (compared with the exact gradient)", rtol=1e-6, atol=1e-8)
    assert_close(got, expected, "numerical gradient with the default h = 1e-5", rtol=1e-6, atol=1e-8)


@pytest.mark.points(2)
@pytest.mark.hint("Use the h you are given, and central differences (f(x + h) - f(x - h)) / (2h): their error "
                  "shrinks like h^2, forward differences (f(x + h) - f(x)) / h only like h.")
def test_numerical_gradient_given_h(submission, reference, rng):
    p = _Problem(rng)
    h = 1e-3
    expected = reference.numerical_gradient_array(p.f, p.x.copy(), p.dout, h)
    got = submission.numerical_gradient_array(p.f, p.x.copy(), p.dout.copy(), h)
    assert_array(got, "numerical gradient", shape=p.x.shape)
    assert_close(got, p.grad(), "numerical gradient with h = 1e-3 (compared with the exact gradient)",
                 rtol=1e-4, atol=1e-6)
    assert_close(got, expected, "numerical gradient with h = 1e-3", rtol=1e-7, atol=1e-9)


@pytest.mark.points(1)
@pytest.mark.hint("After evaluating f at x + h and x - h, put the entry back to its original value: the "
                  "caller's x must be unchanged when numerical_gradient_array returns.")
def test_numerical_gradient_restores_x(submission, rng):
    p = _Problem(rng, n=2, d=3, m=2)
    x = p.x.copy()
    submission.numerical_gradient_array(p.f, x, p.dout.copy())
    # entries may differ in the last bit when restored by arithmetic (x += h; x -= 2h; x += h)
    assert_close(x, p.x, "x after numerical_gradient_array returns (it must be left as it was)",
                 rtol=1e-12, atol=1e-15)
