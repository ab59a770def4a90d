"""gd_iterations_convex can return 0

The contract asks for the smallest k >= 1 (the bound of Theorem 6.1 is stated for k >= 1 and
divides by k). When dist0_sq = 0 the ratio is 0 and its ceiling is 0: the count still has to be 1.
"""
import math


def gd_iterations_convex(L, dist0_sq, eps):
    return math.ceil(L * dist0_sq / (2.0 * eps))
