"""sigmoid overflows for large inputs (exp of a large number)

Written as e^x / (1 + e^x), the sigmoid evaluates inf / inf = nan once e^x
overflows (x above about 709). Arrange the formula so that exp is only taken
of a non-positive number, choosing the form by the sign of x.
"""
import numpy as np


@np.errstate(all="ignore")
def sigmoid_forward(x):
    e = np.exp(x)
    s = e / (1.0 + e)
    return s, s
