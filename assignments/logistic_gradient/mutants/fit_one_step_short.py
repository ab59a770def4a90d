"""fit takes one step too few

fit must take exactly iters gradient-descent steps starting from beta = 0:
with iters = 1 the result is -lr * gradient(0). Check the bounds of the loop.
"""
import numpy as np


def fit(X, y, lr, iters):
    beta = np.zeros(X.shape[1])
    for _ in range(iters - 1):
        beta = beta - lr * gradient(beta, X, y)
    return beta
