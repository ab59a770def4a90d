"""Public tests for the backprop assignment: run them with

    autograder check backprop layers.py

They use small hand-worked examples and finite differences of YOUR OWN
forward functions, so passing them means your gradients are consistent with
your forward passes. The graded (hidden) tests are more thorough: other
shapes (N = 1, D_in != D_out), exact zeros, logits and inputs of size 1e4,
and a comparison with a reference solution.
"""

import numpy as np
import pytest

from autograder.testing import assert_array, assert_close, assert_scalar, check


def two(result, what):
    check(isinstance(result, (tuple, list)) and len(result) == 2, f"{what} should return a pair")
    return result[0], result[1]


def central_differences(g, a, eps=1e-6):
    """d g / d a for a scalar function g of an array a, one entry at a time (a is restored)."""
    out = np.zeros(a.shape)
    for i in np.ndindex(*a.shape):
        keep = a[i]
        a[i] = keep + eps
        up = g()
        a[i] = keep - eps
        down = g()
        a[i] = keep
        out[i] = (up - down) / (2 * eps)
    return out


@pytest.mark.points(1)
def test_linear_forward_small(submission):
    x = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 2.0]])
    W = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]])
    b = np.array([0.5, -0.5])
    out, _ = two(submission.linear_forward(x, W, b), "linear_forward")
    assert_close(out, np.array([[4.5, -1.5], [2.5, -3.5]]), "out of linear_forward on the small example")


@pytest.mark.points(2)
def test_linear_backward_finite_differences(submission):
    rng = np.random.default_rng(1)
    x, W, b = rng.normal(size=(2, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    dout = rng.normal(size=(2, 4))
    _, cache = two(submission.linear_forward(x, W, b), "linear_forward")
    dx, dW, db = submission.linear_backward(dout, cache)

    def weighted():
        return float(np.sum(two(submission.linear_forward(x, W, b), "linear_forward")[0] * dout))

    for name, got, arr in (("dx", dx, x), ("dW", dW, W), ("db", db, b)):
        assert_array(got, name, shape=arr.shape)
        assert_close(got, central_differences(weighted, arr), f"{name} vs finite differences",
                     rtol=1e-6, atol=1e-8)


@pytest.mark.points(1)
def test_relu_zero_convention(submission):
    x = np.array([[-2.0, 0.0, 3.0]])
    out, cache = two(submission.relu_forward(x), "relu_forward")
    assert_close(out, np.array([[0.0, 0.0, 3.0]]), "relu_forward([-2, 0, 3])")
    dx = submission.relu_backward(np.array([[5.0, 5.0, 5.0]]), cache)
    assert_close(dx, np.array([[0.0, 0.0, 5.0]]), "relu_backward at x = [-2, 0, 3] with dout = 5 "
                 "(the derivative at 0 is 0)")


@pytest.mark.points(1)
def test_leaky_relu_zero_convention(submission):
    x = np.array([[-2.0, 0.0, 3.0]])
    out, cache = two(submission.leaky_relu_forward(x, 0.1), "leaky_relu_forward")
    assert_close(out, np.array([[-0.2, 0.0, 3.0]]), "leaky_relu_forward([-2, 0, 3], alpha=0.1)")
    dx = submission.leaky_relu_backward(np.array([[5.0, 5.0, 5.0]]), cache)
    assert_close(dx, np.array([[0.5, 0.5, 5.0]]), "leaky_relu_backward at x = [-2, 0, 3] with dout = 5 "
                 "and alpha = 0.1 (the derivative at 0 is alpha)")


@pytest.mark.points(1)
def test_sigmoid_extremes(submission):
    x = np.array([[-1e4, 0.0, 1e4]])
    out, cache = two(submission.sigmoid_forward(x), "sigmoid_forward")
    assert_close(out, np.array([[0.0, 0.5, 1.0]]), "sigmoid_forward([-1e4, 0, 1e4])")
    dx = submission.sigmoid_backward(np.array([[2.0, 2.0, 2.0]]), cache)
    assert_close(dx, np.array([[0.0, 0.5, 0.0]]), "sigmoid_backward at x = [-1e4, 0, 1e4] with dout = 2")


@pytest.mark.points(1)
def test_softmax_uniform_logits(submission):
    loss, dlogits = two(submission.softmax_cross_entropy(np.zeros((2, 4)), np.array([0, 3])),
                        "softmax_cross_entropy")
    assert_scalar(loss, np.log(4.0), "loss for all-zero logits with 4 classes")
    want = np.array([[-0.375, 0.125, 0.125, 0.125], [0.125, 0.125, 0.125, -0.375]])
    assert_close(dlogits, want, "dlogits for all-zero logits, N = 2, labels [0, 3]")


@pytest.mark.points(2)
def test_softmax_finite_differences(submission):
    rng = np.random.default_rng(2)
    logits, y = rng.normal(size=(3, 5)), np.array([4, 0, 2])
    _, dlogits = two(submission.softmax_cross_entropy(logits, y), "softmax_cross_entropy")
    fd = central_differences(lambda: float(submission.softmax_cross_entropy(logits, y)[0]), logits)
    assert_close(dlogits, fd, "dlogits vs finite differences of your loss", rtol=1e-6, atol=1e-8)


@pytest.mark.points(1)
def test_numerical_gradient_square(submission):
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    dout = np.array([[1.0, 2.0], [3.0, 4.0]])
    grad = submission.numerical_gradient_array(lambda v: v ** 2, x, dout)
    assert_close(grad, 2 * before * dout, "numerical gradient of x**2 weighted by dout", rtol=1e-7, atol=1e-9)
    assert_close(x, before, "x after numerical_gradient_array (must be unchanged)", rtol=1e-12, atol=1e-15)


@pytest.mark.points(2)
def test_mlp_finite_differences(submission):
    rng = np.random.default_rng(3)
    shapes = {"W1": (3, 4), "b1": (4,), "W2": (4, 5), "b2": (5,), "W3": (5, 3), "b3": (3,)}
    params = {k: 0.7 * rng.normal(size=s) for k, s in shapes.items()}
    X, y = rng.normal(size=(4, 3)), np.array([0, 2, 1, 2])
    loss, grads = two(submission.mlp_loss_and_grads(params, X, y), "mlp_loss_and_grads")
    check(isinstance(grads, dict) and set(grads) == set(shapes), "grads should be a dict with keys "
          "W1, b1, W2, b2, W3, b3")
    for k, s in shapes.items():
        assert_array(grads[k], f"grads['{k}']", shape=s)
        fd = central_differences(lambda: float(submission.mlp_loss_and_grads(params, X, y)[0]), params[k])
        assert_close(grads[k], fd, f"grads['{k}'] vs finite differences of your loss", rtol=1e-5, atol=1e-7)
