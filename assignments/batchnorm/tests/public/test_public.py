"""Public checks for the batchnorm assignment: run them with

    autograder check batchnorm batchnorm.py

They use small inputs whose answers you can work out by hand, and numerical
gradients of your own forward pass. Passing them does not guarantee full
marks: the graded tests use more shapes, several training steps, nearly
constant features and other eps and momentum values.
"""

import numpy as np
import pytest

from autograder.testing import assert_close, check

# A batch of 4 samples with 2 features. Column 0 is 1, 3, 5, 7 (mean 4) and
# column 1 is 2, 6, 4, 0 (mean 3); both have squared deviations summing to 20,
# so the biased variance is 20/4 = 5 and the unbiased one is 20/3.
X = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 4.0], [7.0, 0.0]])
GAMMA = np.array([2.0, -1.0])
BETA = np.array([0.5, 1.0])


def _unpack(result, name):
    check(isinstance(result, tuple) and len(result) == 2, f"{name} should return a tuple (out, cache)")
    return result


@pytest.mark.points(1)
def test_batchnorm_train_output(submission):
    out, _ = _unpack(submission.batchnorm_forward(X, GAMMA, BETA, {"mode": "train"}), "batchnorm_forward")
    by_hand = GAMMA * (X - np.array([4.0, 3.0])) / np.sqrt(5.0 + 1e-5) + BETA
    assert_close(out, by_hand, "out of batchnorm_forward in train mode")


@pytest.mark.points(1)
def test_batchnorm_running_statistics_after_one_step(submission):
    bn_param = {"mode": "train"}
    submission.batchnorm_forward(X, GAMMA, BETA, bn_param)
    check("running_mean" in bn_param and "running_var" in bn_param,
          "bn_param should hold running_mean and running_var after a train-mode call")
    # From zeros and ones with momentum 0.1: 0.9 * old + 0.1 * batch statistic (unbiased variance).
    assert_close(bn_param["running_mean"], np.array([0.4, 0.3]), "bn_param['running_mean']")
    assert_close(bn_param["running_var"], np.full(2, 0.9 + 0.1 * 20.0 / 3.0), "bn_param['running_var']")


@pytest.mark.points(1)
def test_batchnorm_eval_mode(submission):
    bn_param = {"mode": "eval", "running_mean": np.array([1.0, -1.0]), "running_var": np.array([4.0, 0.25])}
    out, _ = _unpack(submission.batchnorm_forward(X, GAMMA, BETA, bn_param), "batchnorm_forward")
    by_hand = GAMMA * (X - np.array([1.0, -1.0])) / np.sqrt(np.array([4.0, 0.25]) + 1e-5) + BETA
    assert_close(out, by_hand, "out of batchnorm_forward in eval mode")
    assert_close(bn_param["running_mean"], np.array([1.0, -1.0]), "bn_param['running_mean'] after eval mode")


@pytest.mark.points(1)
def test_batchnorm_cumulative_average(submission):
    bn_param = {"mode": "train", "momentum": None}
    second = X[::-1] * 2.0  # column means 8 and 6, unbiased variances 80/3
    submission.batchnorm_forward(X, GAMMA, BETA, bn_param)
    submission.batchnorm_forward(second, GAMMA, BETA, bn_param)
    check(bn_param.get("num_batches_tracked") == 2, "bn_param['num_batches_tracked'] should be 2 after two train calls")
    # The plain average of the two batches' statistics.
    assert_close(bn_param["running_mean"], np.array([6.0, 4.5]), "bn_param['running_mean'] with momentum=None")
    assert_close(bn_param["running_var"], np.full(2, (20.0 / 3.0 + 80.0 / 3.0) / 2.0),
                 "bn_param['running_var'] with momentum=None")


def _numerical_dx(forward, x, dout, h=1e-6):
    grad = np.zeros_like(x)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            bumped = [x.copy(), x.copy()]
            bumped[0][i, j] += h
            bumped[1][i, j] -= h
            grad[i, j] = np.sum((forward(bumped[0]) - forward(bumped[1])) * dout) / (2 * h)
    return grad


@pytest.mark.points(1)
def test_batchnorm_backward_matches_numerical_gradient(submission):
    dout = np.array([[0.5, -1.0], [2.0, 0.3], [-1.5, 0.8], [0.1, -0.6]])
    out, cache = _unpack(submission.batchnorm_forward(X, GAMMA, BETA, {"mode": "train"}), "batchnorm_forward")
    dx, dgamma, dbeta = submission.batchnorm_backward(dout, cache)
    numeric = _numerical_dx(lambda z: submission.batchnorm_forward(z, GAMMA, BETA, {"mode": "train"})[0], X, dout)
    assert_close(dx, numeric, "dx (compared with a numerical gradient of your forward pass)", rtol=1e-5, atol=1e-7)
    assert_close(dx.sum(axis=0), np.zeros(2), "column sums of dx (batch norm output ignores shifts of a column)",
                 atol=1e-9)
    assert_close(dbeta, dout.sum(axis=0), "dbeta")
    assert_close(dgamma, np.sum(dout * (out - BETA) / GAMMA, axis=0), "dgamma")


@pytest.mark.points(1)
def test_layernorm_forward_and_backward(submission):
    x = X.T.copy()  # 2 samples with 4 features: each row now has mean 4 or 3 and variance 5
    gamma, beta = np.array([1.0, 2.0, 0.5, -1.0]), np.array([0.0, 0.1, 0.2, 0.3])
    out, cache = _unpack(submission.layernorm_forward(x, gamma, beta, {}), "layernorm_forward")
    by_hand = gamma * (x - np.array([[4.0], [3.0]])) / np.sqrt(5.0 + 1e-5) + beta
    assert_close(out, by_hand, "out of layernorm_forward")
    dout = np.array([[0.2, -0.4, 1.0, 0.5], [-1.0, 0.3, 0.7, -0.2]])
    dx, dgamma, dbeta = submission.layernorm_backward(dout, cache)
    numeric = _numerical_dx(lambda z: submission.layernorm_forward(z, gamma, beta, {})[0], x, dout)
    assert_close(dx, numeric, "dx of layernorm_backward (compared with a numerical gradient)", rtol=1e-5, atol=1e-7)
    assert_close(dbeta, dout.sum(axis=0), "dbeta of layernorm_backward")
