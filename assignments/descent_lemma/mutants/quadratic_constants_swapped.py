"""quadratic_constants returns (mu, L) instead of (L, mu)

The contract fixes the order: the smoothness constant L (largest eigenvalue) comes first, the
strong-convexity constant mu (smallest eigenvalue) second. np.linalg.eigvalsh sorts its result in
ascending order, so the largest eigenvalue is the last entry, not the first.
"""
import numpy as np


def quadratic_constants(A):
    eigenvalues = np.linalg.eigvalsh(np.asarray(A, dtype=np.float64))
    return float(eigenvalues[0]), float(eigenvalues[-1])
