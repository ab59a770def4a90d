"""gradient has the wrong sign

The derivative of the negative log-likelihood is (p - y) x, not (y - p) x:
(y - p) x is the gradient of the log-likelihood, the quantity being
maximised. A descent step along the wrong sign increases the loss.
"""


def gradient(beta, X, y):
    return X.T @ (y - sigmoid(X @ beta)) / X.shape[0]
