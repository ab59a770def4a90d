"""fit: exact iteration count against the reference, loss decrease, separable data."""

import numpy as np
import pytest

from autograder.testing import assert_array, assert_close, check


@pytest.mark.points(1)
@pytest.mark.hint("fit starts from beta = 0 and takes exactly iters steps beta <- beta - lr * gradient.")
@pytest.mark.parametrize("n,d,lr,iters", [(6, 3, 0.5, 1), (6, 3, 0.5, 25), (4, 9, 0.1, 40), (1, 3, 1.0, 10)])
def test_fit_values(submission, reference, make_problem, n, d, lr, iters):
    _, X, y = make_problem(n, d)
    assert_close(submission.fit(X, y, lr, iters), reference.fit(X, y, lr, iters),
                 f"fit(X, y, lr={lr}, iters={iters}) for X of shape {(n, d)}", rtol=1e-6, atol=1e-9)


@pytest.mark.points(1)
@pytest.mark.hint("With iters = 0 no step is taken: fit returns the starting point, d zeros.")
def test_fit_zero_iterations(submission, make_problem):
    _, X, y = make_problem(5, 4)
    beta = assert_array(submission.fit(X, y, 0.5, 0), "fit(X, y, lr=0.5, iters=0)", shape=(4,))
    check(np.all(beta == 0.0), "fit(X, y, lr=0.5, iters=0) should return zeros")


@pytest.mark.points(1)
@pytest.mark.hint("Each step moves against the gradient, so with a small learning rate "
                  "the loss must go down as iters grows.")
def test_fit_decreases_loss(submission, reference, make_problem):
    _, X, y = make_problem(20, 3)
    losses = [reference.log_loss(np.zeros(3), X, y)]
    for iters in (5, 50):
        beta = assert_array(submission.fit(X, y, 0.5, iters), f"fit(X, y, lr=0.5, iters={iters})", shape=(3,))
        losses.append(reference.log_loss(beta, X, y))
    check(losses[1] < losses[0] and losses[2] < losses[1],
          "the loss does not decrease from iters = 0 to 5 to 50 steps of fit")


@pytest.mark.points(1)
@pytest.mark.hint("On separable data the minimiser is at infinity: beta keeps growing, "
                  "but every step must stay finite and classify the training points correctly.")
def test_fit_separable(submission, reference, rng):
    X = rng.normal(size=(30, 2))
    X[:, 0] += np.where(np.arange(30) < 15, 2.0, -2.0)
    y = (np.arange(30) < 15).astype(np.float64)
    got = assert_array(submission.fit(X, y, 1.0, 200), "fit on separable data", shape=(2,))
    check(np.all(np.isfinite(got)), "fit on separable data: beta contains inf or nan")
    assert_close(got, reference.fit(X, y, 1.0, 200), "fit on separable data", rtol=1e-6, atol=1e-9)
