"""gd_iterations_convex rounds down instead of up

k has to satisfy k >= L dist0_sq / (2 eps); int() or floor() of a non-integer ratio gives the integer
BELOW it, one iteration short of the guarantee. Round up (math.ceil).
"""
import math


def gd_iterations_convex(L, dist0_sq, eps):
    return max(1, int(L * dist0_sq / (2.0 * eps)))
