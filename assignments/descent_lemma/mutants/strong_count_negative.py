"""gd_iterations_strongly_convex returns a negative count when gap0 < eps

When the starting gap is already below eps, log(gap0/eps) is negative and so is the ratio; its ceiling
can be a negative number. No iteration is needed then: the answer is 0.
"""
import math


def gd_iterations_strongly_convex(m, M, gap0, eps):
    return math.ceil(math.log(gap0 / eps) / math.log(1.0 / (1.0 - m / M)))
