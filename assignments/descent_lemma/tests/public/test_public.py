"""Public checks for descent.py: small worked examples you can verify by hand.

Run them with:  autograder check descent_lemma descent.py
Passing them does not mean full marks: the graded tests use other inputs and
also check properties (the descent lemma on random pairs, convergence rates,
the Armijo condition, quadratic convergence of Newton, the counterexample).
"""

import math

import numpy as np
import pytest

from autograder.testing import assert_close, assert_scalar, check


def square(v):
    v = np.asarray(v, dtype=float)
    return float(v @ v)          # f(v) = ||v||^2, gradient 2v, L = 2


def square_grad(v):
    return 2.0 * np.asarray(v, dtype=float)


def test_quadratic_constants_diagonal(submission):
    L, mu = submission.quadratic_constants(np.diag([1.0, 4.0]))
    assert_scalar(L, 4.0, "L for A = diag(1, 4)")
    assert_scalar(mu, 1.0, "mu for A = diag(1, 4)")


def test_logistic_smoothness_small(submission):
    X = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    # X^T X = [[2, 1], [1, 5]] has largest eigenvalue (7 + sqrt(13)) / 2; n = 3
    assert_scalar(submission.logistic_smoothness(X), (7 + math.sqrt(13)) / 2 / 12, "logistic_smoothness(X)")


def test_descent_lemma_bound_by_hand(submission):
    # f(x) = 1, grad(x) . (y - x) = -2, L/2 ||y - x||^2 = 2
    got = submission.descent_lemma_bound(square, square_grad, np.array([1.0, 0.0]), np.array([0.0, 1.0]), 2.0)
    assert_scalar(got, 1.0, "descent_lemma_bound(||.||^2, 2x, x=[1, 0], y=[0, 1], L=2)")


def test_descent_lemma_holds_on_a_square(submission):
    # the last pair has y = x, where the bound holds for any L: one pair is not enough to answer True
    xs = np.array([[0.0, 0.0], [1.0, -1.0], [2.0, 0.5]])
    ys = np.array([[1.0, 1.0], [0.0, 0.0], [2.0, 0.5]])
    check(bool(submission.descent_lemma_holds(square, square_grad, 2.0, xs, ys)),
          "descent_lemma_holds should be True for f = ||x||^2 with L = 2")
    check(not bool(submission.descent_lemma_holds(square, square_grad, 1.0, xs, ys)),
          "descent_lemma_holds should be False for f = ||x||^2 with L = 1 (the first two pairs violate it)")


def test_gradient_descent_two_steps(submission):
    path = submission.gradient_descent(square_grad, np.array([1.0, -2.0]), 0.25, 2)
    # each step multiplies x by 1 - 0.25 * 2 = 0.5
    assert_close(path, np.array([[1.0, -2.0], [0.5, -1.0], [0.25, -0.5]]), "gradient_descent(2x, [1, -2], 0.25, 2)")


def test_armijo_on_a_parabola(submission):
    # x = 1, g = 2: eta = 1 gives f(-1) = 1 > 1 - 0.5 * 1 * 4; eta = 0.5 gives f(0) = 0 <= 0
    eta = submission.armijo_step(square, square_grad, np.array([1.0]))
    assert_scalar(eta, 0.5, "armijo_step(x^2, 2x, x=[1]) with the defaults")


@pytest.mark.parametrize("args,want", [((1.0, 1.0, 0.3), 2), ((2.0, 0.0, 0.1), 1)])
def test_convex_iteration_count(submission, args, want):
    got = submission.gd_iterations_convex(*args)
    check(got == want, f"gd_iterations_convex{args} returned {got!r}, expected {want}")


@pytest.mark.parametrize("args,want", [((0.5, 1.0, 1.0, 0.1), 4), ((0.5, 1.0, 0.01, 0.1), 0)])
def test_strongly_convex_iteration_count(submission, args, want):
    got = submission.gd_iterations_strongly_convex(*args)
    check(got == want, f"gd_iterations_strongly_convex{args} returned {got!r}, expected {want}")


def test_newton_solves_a_quadratic_in_one_step(submission):
    A, b = np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([1.0, -1.0])
    path = submission.newton(lambda v: A @ v + b, lambda v: A, np.zeros(2), 1)
    assert_close(path[1], np.linalg.solve(A, -b), "x_1 of newton on 1/2 x^T A x + b^T x")


def test_heavy_ball_by_hand(submission):
    # f = x^2 / 2: x1 = 1 - 0.5 * 1 = 0.5, x2 = 0.5 - 0.5 * 0.5 + 0.5 * (0.5 - 1) = 0
    path = submission.heavy_ball(lambda v: np.asarray(v, dtype=float), np.array([1.0]), 0.5, 0.5, 2)
    assert_close(path, np.array([[1.0], [0.5], [0.0]]), "heavy_ball(x, [1], step=0.5, beta=0.5, iters=2)")


def test_counterexample_shape(submission):
    import sympy as sp

    answer = submission.heavy_ball_counterexample()
    check(isinstance(answer, dict) and {"pieces", "L", "mu", "x0"} <= set(answer),
          "heavy_ball_counterexample() should return a dict with keys pieces, L, mu, x0")
    pieces = answer["pieces"]
    check(len(pieces) >= 1 and pieces[0][0] == -sp.oo and pieces[-1][1] == sp.oo,
          "the pieces should run from -oo to oo")
    check(all(p[1] == q[0] for p, q in zip(pieces, pieces[1:])), "each piece should start where the last one ends")
    check(float(answer["mu"]) > 0, "mu should be positive")
