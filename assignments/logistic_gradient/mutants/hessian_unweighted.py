"""hessian misses the p(1 - p) weights

Differentiating (p_i - y_i) x_i once more brings in the derivative of the
sigmoid, s'(m) = s(m) (1 - s(m)), so every row of X is weighted by
p_i (1 - p_i). Without the weights the Hessian does not depend on beta at
all.
"""


def hessian(beta, X, y):
    return X.T @ X / X.shape[0]
