"""gradient_symbolic: judged by value at random points, whatever the form."""

import pytest
import sympy as sp

from autograder.testing import assert_equivalent, check


def _binary(rng):
    return {"x": rng.uniform(-3, 3), "b": rng.uniform(-3, 3), "y": float(rng.integers(0, 2))}


def _real(rng):
    return {"x": rng.uniform(-3, 3), "b": rng.uniform(-3, 3), "y": rng.uniform(-1, 2)}


@pytest.mark.points(3)
@pytest.mark.hint("Differentiate -[y log s(xb) + (1 - y) log(1 - s(xb))] in b: the chain rule "
                  "brings a factor x, and s'(t) = s(t)(1 - s(t)). Use real Symbols named x, y, b.")
def test_gradient_symbolic_binary_labels(submission, reference, seed):
    expr = submission.gradient_symbolic()
    check(isinstance(expr, sp.Expr), "gradient_symbolic() should return a sympy expression")
    assert_equivalent(expr, reference.gradient_symbolic(), "gradient_symbolic() for y in {0, 1}",
                      sample=_binary, seed=seed)


@pytest.mark.points(1)
@pytest.mark.hint("Keep y as a symbol throughout: the derivative is valid for every real y, "
                  "not only for y = 0 or 1.")
def test_gradient_symbolic_real_labels(submission, reference, seed):
    assert_equivalent(submission.gradient_symbolic(), reference.gradient_symbolic(),
                      "gradient_symbolic() for real y", sample=_real, seed=seed)
