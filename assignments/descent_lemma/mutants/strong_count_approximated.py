"""gd_iterations_strongly_convex replaces log(1/(1 - m/M)) by m/M

log(1/(1 - q)) >= q, so (M/m) log(gap0/eps) is a valid but larger count; the contract asks for the
smallest k satisfying Theorem 3's inequality with the exact logarithm.
"""
import math


def gd_iterations_strongly_convex(m, M, gap0, eps):
    if gap0 <= eps:
        return 0
    return math.ceil(M / m * math.log(gap0 / eps))
