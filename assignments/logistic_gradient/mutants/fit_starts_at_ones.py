"""fit does not start from zeros

Gradient descent here starts from beta = 0 (a vector of d zeros), so that
fit with iters = 0 returns zeros and every result is reproducible.
"""
import numpy as np


def fit(X, y, lr, iters):
    beta = np.ones(X.shape[1])
    for _ in range(iters):
        beta = beta - lr * gradient(beta, X, y)
    return beta
