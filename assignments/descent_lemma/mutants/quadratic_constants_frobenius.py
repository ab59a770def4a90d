"""L taken as the Frobenius norm of A

The Frobenius norm sqrt(sum A_ij^2) is an upper bound on the largest eigenvalue, but not the
smallest valid L: it equals sqrt(sum of squared eigenvalues). The best smoothness constant of a
quadratic is exactly the largest eigenvalue of its Hessian A (the spectral norm for a PSD matrix).
"""
import numpy as np


def quadratic_constants(A):
    A = np.asarray(A, dtype=np.float64)
    eigenvalues = np.linalg.eigvalsh(A)
    return float(np.linalg.norm(A)), float(eigenvalues[0])
