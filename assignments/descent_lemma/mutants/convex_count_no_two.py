"""gd_iterations_convex drops the 2 of Theorem 6.1

The bound after k steps with step 1/L is L ||x0 - x*||^2 / (2k); solving L dist0_sq / (2k) <= eps
gives k >= L dist0_sq / (2 eps). Without the 2 the count is about twice too large.
"""
import math


def gd_iterations_convex(L, dist0_sq, eps):
    return max(1, math.ceil(L * dist0_sq / eps))
