"""dropout_backward forgets the 1 / (1 - p) scale of the kept units

The forward pass multiplied each kept unit by 1 / (1 - p), so its gradient is multiplied by the same
factor: dx = dout * mask, with the mask's actual values, not just its kept/dropped pattern.
"""


def dropout_backward(dout, mask):
    return dout * (mask != 0)
