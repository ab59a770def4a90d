"""dW computed as dout^T x (transposed)

dW must have the shape of W, (D_in, D_out). Write out
dL/dW[i, j] = sum_n x[n, i] dout[n, j] and see which factor is transposed.
"""


def linear_backward(dout, cache):
    x, W, _ = cache
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)
