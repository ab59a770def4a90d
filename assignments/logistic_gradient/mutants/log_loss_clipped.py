"""log_loss clips the probabilities

Clipping p to [eps, 1 - eps] before the logarithm keeps the loss finite but
caps each sample's loss at -log(eps), about 34.5 for eps = 1e-15. A sample
misclassified with margin 1000 truly costs about 1000. Compute the loss from
the margin with a stable log(1 + e^t) instead of clipping.
"""
import numpy as np


def log_loss(beta, X, y):
    p = np.clip(sigmoid(X @ beta), 1e-15, 1 - 1e-15)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
