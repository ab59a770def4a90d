"""Shared inputs for the hidden suite: random logistic-regression problems."""

from typing import Callable

import numpy as np
import pytest

Problem = tuple[np.ndarray, np.ndarray, np.ndarray]


@pytest.fixture
def make_problem(rng: np.random.Generator) -> Callable[..., Problem]:
    """(beta, X, y) with X (n, d) standard normal, beta (d,) and labels in {0, 1}.

    Margins stay below ~15 in size unless beta is rescaled, so a naive sigmoid
    still gives the right values: tests of the gradient, Hessian and fit
    do not charge a sigmoid overflow a second time.
    """
    def make(n: int, d: int) -> Problem:
        X = rng.normal(size=(n, d))
        beta = rng.normal(size=d) / np.sqrt(d)
        y = (rng.random(n) < 0.5).astype(np.float64)
        return beta, X, y

    return make
