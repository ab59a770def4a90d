"""Hidden tests: the linear (affine) layer.

Two oracles for every gradient: central finite differences of the layer's
forward map (computed here, judge-side) and the float64 reference. Shapes
are never square in the way that hides a transpose: D_in != D_out != N, one
case with N = 1, and one with N == D_in (there "x dout" without a transpose
has the right shape and only the values are wrong).
"""

import numpy as np
import pytest

from autograder.testing import assert_close, check

# (N, D_in, D_out)
SHAPES = [(5, 3, 4), (1, 3, 2), (4, 4, 6)]
SHAPE_IDS = ["N5-Din3-Dout4", "N1-Din3-Dout2", "N4-Din4-Dout6"]
FD_RTOL, FD_ATOL = 1e-6, 1e-8


def _inputs(rng, n, d_in, d_out):
    return rng.normal(size=(n, d_in)), rng.normal(size=(d_in, d_out)), rng.normal(size=d_out)


def _unpack(result, function, names):
    check(isinstance(result, (tuple, list)) and len(result) == len(names),
          f"{function} must return a tuple ({', '.join(names)})")
    return result


@pytest.mark.points(1)
@pytest.mark.hint("out = x W + b with x (N, D_in), W (D_in, D_out), b (D_out,) broadcast over the rows.")
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_linear_forward(submission, reference, rng, shape):
    x, W, b = _inputs(rng, *shape)
    expected = reference.linear_forward(x, W, b)[0]
    out, _ = _unpack(submission.linear_forward(x.copy(), W.copy(), b.copy()), "linear_forward", ("out", "cache"))
    assert_close(out, expected, "out of linear_forward")


@pytest.mark.points(1)
@pytest.mark.hint("Write the derivative entry by entry, e.g. dL/dW[i, j] = sum_n x[n, i] dout[n, j], then "
                  "turn the sum into a matrix product; each gradient has the shape of its input "
                  "(dx like x, dW like W, db like b).")
@pytest.mark.parametrize("quantity", ["dx", "dW", "db"])
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_linear_backward(submission, reference, rng, shape, quantity):
    x, W, b = _inputs(rng, *shape)
    dout = rng.normal(size=(shape[0], shape[2]))
    _, cache = _unpack(submission.linear_forward(x.copy(), W.copy(), b.copy()), "linear_forward", ("out", "cache"))
    grads = _unpack(submission.linear_backward(dout.copy(), cache), "linear_backward", ("dx", "dW", "db"))
    got = grads[("dx", "dW", "db").index(quantity)]

    # oracle 1: central differences of out = x W + b, weighted by dout
    if quantity == "dx":
        fd = reference.numerical_gradient_array(lambda v: reference.linear_forward(v, W, b)[0], x.copy(), dout)
    elif quantity == "dW":
        fd = reference.numerical_gradient_array(lambda v: reference.linear_forward(x, v, b)[0], W.copy(), dout)
    else:
        fd = reference.numerical_gradient_array(lambda v: reference.linear_forward(x, W, v)[0], b.copy(), dout)
    assert_close(got, fd, f"{quantity} from linear_backward (compared with finite differences)",
                 rtol=FD_RTOL, atol=FD_ATOL)
    # oracle 2: the float64 reference, tight
    _, ref_cache = reference.linear_forward(x, W, b)
    expected = reference.linear_backward(dout, ref_cache)[("dx", "dW", "db").index(quantity)]
    assert_close(got, expected, f"{quantity} from linear_backward")
