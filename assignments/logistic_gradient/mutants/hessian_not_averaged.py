"""hessian not divided by n

The Hessian of a mean is the mean of the per-sample Hessians
p_i (1 - p_i) x_i x_i^T, so the weighted sum has to be divided by n.
"""


def hessian(beta, X, y):
    p = sigmoid(X @ beta)
    return X.T @ ((p * (1 - p))[:, None] * X)
