"""ReLU derivative taken as 1 at x == 0

max(0, x) has no derivative at exactly 0; this course (and PyTorch) uses the
subgradient 0 there. Inputs that are exactly 0 do occur (e.g. after a
previous ReLU or with integer-valued data): compare with a strict x > 0.
"""


def relu_backward(dout, cache):
    x = cache
    return dout * (x >= 0)
