"""Hidden tests: ReLU, leaky ReLU and sigmoid.

Inputs for the piecewise-linear activations contain exact zeros (both +0.0
and -0.0), where the course fixes the subgradient: ReLU 0, leaky ReLU alpha.
Finite differences are only meaningful away from the kink, so the
finite-difference oracle skips those entries and the zeros are checked
against the convention on their own, with a message that says so.
"""

import numpy as np
import pytest

from autograder.testing import assert_close, check

SHAPES = [(6, 5), (1, 7)]
SHAPE_IDS = ["N6-D5", "N1-D7"]
FD_RTOL, FD_ATOL = 1e-6, 1e-8


def _with_zeros(rng, shape):
    """Normal entries with about a quarter of them set to exactly +0.0 or -0.0."""
    x = rng.normal(size=shape)
    flat = x.reshape(-1)
    picked = rng.choice(flat.size, size=max(2, flat.size // 4), replace=False)
    flat[picked[0::2]] = 0.0
    flat[picked[1::2]] = -0.0
    return x


def _unpack(result, function, names):
    check(isinstance(result, (tuple, list)) and len(result) == len(names),
          f"{function} must return a tuple ({', '.join(names)})")
    return result


def _check_piecewise_backward(dx, expected, fd, x, name, convention):
    """dx against finite differences off the kink, then the convention at x == 0."""
    off = x != 0
    check(isinstance(dx, np.ndarray) and dx.shape == x.shape,
          f"{name}: expected a numpy array of shape {x.shape}")
    assert_close(np.where(off, dx, 0.0), np.where(off, fd, 0.0),
                 f"{name} at entries where x != 0 (compared with finite differences)", rtol=FD_RTOL, atol=FD_ATOL)
    assert_close(np.where(off, 0.0, dx), np.where(off, 0.0, expected),
                 f"{name} at entries where x == 0 ({convention})")
    assert_close(dx, expected, name)


# --------------------------------------------------------------------------- ReLU
@pytest.mark.points(1)
@pytest.mark.hint("out = max(0, x) elementwise.")
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_relu_forward(submission, reference, rng, shape):
    x = _with_zeros(rng, shape)
    expected = reference.relu_forward(x.copy())[0]
    out, _ = _unpack(submission.relu_forward(x), "relu_forward", ("out", "cache"))
    assert_close(out, expected, "out of relu_forward")


@pytest.mark.points(2)
@pytest.mark.hint("The derivative of ReLU is 1 where x > 0 and 0 where x <= 0: at exactly x == 0 this "
                  "course (like PyTorch) uses 0. Multiply dout by that mask.")
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_relu_backward(submission, reference, rng, shape):
    x = _with_zeros(rng, shape)
    dout = rng.normal(size=shape)
    _, cache = _unpack(submission.relu_forward(x.copy()), "relu_forward", ("out", "cache"))
    dx = submission.relu_backward(dout.copy(), cache)
    expected = reference.relu_backward(dout, reference.relu_forward(x)[1])
    fd = reference.numerical_gradient_array(lambda v: reference.relu_forward(v)[0], x.copy(), dout, h=1e-6)
    _check_piecewise_backward(dx, expected, fd, x, "dx from relu_backward", "the derivative there is 0")


# --------------------------------------------------------------------------- leaky ReLU
# alpha None means "use the default" (0.01): the call passes x alone.
LEAKY_CASES = [((6, 5), None), ((1, 7), 0.2), ((6, 5), 0.2)]
LEAKY_IDS = ["N6-D5-default-alpha", "N1-D7-alpha0.2", "N6-D5-alpha0.2"]


def _leaky_forward(module, x, alpha):
    return module.leaky_relu_forward(x) if alpha is None else module.leaky_relu_forward(x, alpha)


@pytest.mark.points(1)
@pytest.mark.hint("out = x where x > 0 and alpha * x elsewhere; the default alpha is 0.01.")
@pytest.mark.parametrize("shape,alpha", LEAKY_CASES, ids=LEAKY_IDS)
def test_leaky_relu_forward(submission, reference, rng, shape, alpha):
    x = _with_zeros(rng, shape)
    expected = _leaky_forward(reference, x.copy(), alpha)[0]
    out, _ = _unpack(_leaky_forward(submission, x, alpha), "leaky_relu_forward", ("out", "cache"))
    assert_close(out, expected, "out of leaky_relu_forward")


@pytest.mark.points(2)
@pytest.mark.hint("The slope is 1 where x > 0 and alpha where x <= 0 (alpha also at exactly x == 0), "
                  "with the alpha that leaky_relu_forward was called with: keep it in the cache.")
@pytest.mark.parametrize("shape,alpha", LEAKY_CASES, ids=LEAKY_IDS)
def test_leaky_relu_backward(submission, reference, rng, shape, alpha):
    x = _with_zeros(rng, shape)
    dout = rng.normal(size=shape)
    _, cache = _unpack(_leaky_forward(submission, x.copy(), alpha), "leaky_relu_forward", ("out", "cache"))
    dx = submission.leaky_relu_backward(dout.copy(), cache)
    expected = reference.leaky_relu_backward(dout, _leaky_forward(reference, x, alpha)[1])
    fd = reference.numerical_gradient_array(lambda v: _leaky_forward(reference, v, alpha)[0], x.copy(), dout,
                                            h=1e-6)
    _check_piecewise_backward(dx, expected, fd, x, "dx from leaky_relu_backward",
                              "the derivative there is alpha")


# --------------------------------------------------------------------------- sigmoid
@pytest.mark.points(1)
@pytest.mark.hint("sigmoid(x) = 1 / (1 + exp(-x)) elementwise.")
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_sigmoid_forward(submission, reference, rng, shape):
    x = 3.0 * rng.normal(size=shape)
    expected = reference.sigmoid_forward(x.copy())[0]
    out, _ = _unpack(submission.sigmoid_forward(x), "sigmoid_forward", ("out", "cache"))
    assert_close(out, expected, "out of sigmoid_forward")


@pytest.mark.points(2)
@pytest.mark.hint("d sigmoid(x)/dx = s (1 - s) with s = sigmoid(x), the forward OUTPUT; multiply by dout.")
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_sigmoid_backward(submission, reference, rng, shape):
    x = 3.0 * rng.normal(size=shape)
    dout = rng.normal(size=shape)
    _, cache = _unpack(submission.sigmoid_forward(x.copy()), "sigmoid_forward", ("out", "cache"))
    dx = submission.sigmoid_backward(dout.copy(), cache)
    fd = reference.numerical_gradient_array(lambda v: reference.sigmoid_forward(v)[0], x.copy(), dout)
    assert_close(dx, fd, "dx from sigmoid_backward (compared with finite differences)",
                 rtol=FD_RTOL, atol=FD_ATOL)
    assert_close(dx, reference.sigmoid_backward(dout, reference.sigmoid_forward(x)[1]), "dx from sigmoid_backward")


@pytest.mark.points(2)
@pytest.mark.hint("exp(x) overflows to inf for x above about 709, and inf / inf is nan. Choose the form of "
                  "the sigmoid by the sign of x so that exp is only taken of a number <= 0 "
                  "(1 / (1 + exp(-x)) for x >= 0, exp(x) / (1 + exp(x)) for x < 0).")
def test_sigmoid_large_inputs(submission, reference, rng):
    edges = np.array([-1e4, -1e3, -745.0, -710.0, -40.0, -1.0, 0.0, 1.0, 40.0, 710.0, 745.0, 1e3, 1e4])
    x = np.stack([edges, rng.permutation(edges)])
    dout = rng.normal(size=x.shape)
    out, cache = _unpack(submission.sigmoid_forward(x.copy()), "sigmoid_forward", ("out", "cache"))
    assert_close(out, reference.sigmoid_forward(x)[0], "out of sigmoid_forward for |x| up to 1e4")
    dx = submission.sigmoid_backward(dout.copy(), cache)
    assert_close(dx, reference.sigmoid_backward(dout, reference.sigmoid_forward(x)[1]),
                 "dx from sigmoid_backward for |x| up to 1e4")
