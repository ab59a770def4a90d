"""Public tests: small cases you can check by hand.

Run them with:  autograder check optimizers optimizers.py

Passing them does not mean full marks: the graded tests run longer
trajectories, several parameters, learning-rate schedules, tiny gradients
and the default hyperparameters.
"""

import numpy as np
import pytest

from autograder.testing import assert_close, assert_scalar, check


def _two(out, name):
    check(isinstance(out, tuple) and len(out) == 2, f"{name} must return a tuple (next_w, config)")
    check(isinstance(out[1], dict), f"the second value returned by {name} must be the config dict")
    return out


@pytest.mark.points(1)
def test_sgd_one_step(submission):
    w, dw = np.array([1.0, -2.0, 0.5]), np.array([0.5, 1.0, -2.0])
    next_w, _ = _two(submission.sgd(w, dw, {"lr": 0.1}), "sgd")
    assert_close(next_w, np.array([0.95, -2.1, 0.7]), "sgd: next_w for lr=0.1")


@pytest.mark.points(1)
def test_momentum_two_steps(submission):
    # v1 = dw1 = [1, -1];  w1 = w0 - 0.1 v1 = [0.9, 2.1]
    # v2 = 0.9 v1 + dw2 = [1.4, -0.4];  w2 = w1 - 0.1 v2 = [0.76, 2.14]
    config = {"lr": 0.1, "momentum": 0.9}
    w1, config = _two(submission.sgd_momentum(np.array([1.0, 2.0]), np.array([1.0, -1.0]), config), "sgd_momentum")
    assert_close(w1, np.array([0.9, 2.1]), "sgd_momentum: next_w after step 1")
    w2, config = _two(submission.sgd_momentum(w1, np.array([0.5, 0.5]), config), "sgd_momentum")
    assert_close(w2, np.array([0.76, 2.14]), "sgd_momentum: next_w after step 2")
    check("velocity" in config, "sgd_momentum must keep its state in config['velocity']")
    assert_close(config["velocity"], np.array([1.4, -0.4]), "sgd_momentum: config['velocity'] after step 2")


@pytest.mark.points(1)
def test_nesterov_first_step(submission):
    # v1 = dw;  w1 = w0 - lr (dw + 0.9 v1) = w0 - 0.1 * 1.9 * dw
    next_w, config = _two(submission.nesterov(np.array([1.0, 2.0]), np.array([1.0, -1.0]), {"lr": 0.1}), "nesterov")
    assert_close(next_w, np.array([0.81, 2.19]), "nesterov: next_w (default momentum 0.9)")


@pytest.mark.points(1)
def test_adagrad_two_steps(submission):
    config = {"lr": 0.1}
    w1, config = _two(submission.adagrad(np.array([1.0, -1.0]), np.array([3.0, -4.0]), config), "adagrad")
    want1 = np.array([1.0 - 0.1 * 3.0 / np.sqrt(9.0 + 1e-8), -1.0 + 0.1 * 4.0 / np.sqrt(16.0 + 1e-8)])
    assert_close(w1, want1, "adagrad: next_w after step 1")
    w2, config = _two(submission.adagrad(w1, np.array([1.0, 2.0]), config), "adagrad")
    want2 = want1 - 0.1 * np.array([1.0, 2.0]) / np.sqrt(np.array([10.0, 20.0]) + 1e-8)
    assert_close(w2, want2, "adagrad: next_w after step 2")
    check("cache" in config, "adagrad must keep its state in config['cache']")
    assert_close(config["cache"], np.array([10.0, 20.0]), "adagrad: config['cache'] after step 2")


@pytest.mark.points(1)
def test_adagrad_epsilon_inside_sqrt(submission):
    # dw = 1e-6: sqrt(1e-12 + 1e-8) is about 1e-4, so the step is about 1e-2 * 1e-6 / 1e-4 = 1e-4.
    # With eps outside the root, sqrt(1e-12) + 1e-8 is about 1e-6 and the step would be 100 times larger.
    next_w, _ = _two(submission.adagrad(np.array([0.0]), np.array([1e-6]), None), "adagrad")
    assert_close(next_w, np.array([-1e-2 * 1e-6 / np.sqrt(1e-12 + 1e-8)]), "adagrad: next_w for dw = 1e-6",
                 atol=1e-15)


@pytest.mark.points(1)
def test_rmsprop_first_step(submission):
    # cache = 0.01 * dw^2 = [0.09, 0.16]
    next_w, config = _two(submission.rmsprop(np.array([2.0, -2.0]), np.array([3.0, -4.0]), {"lr": 0.1}), "rmsprop")
    want = np.array([2.0 - 0.1 * 3.0 / np.sqrt(0.09 + 1e-8), -2.0 + 0.1 * 4.0 / np.sqrt(0.16 + 1e-8)])
    assert_close(next_w, want, "rmsprop: next_w (default decay_rate 0.99)")
    check("cache" in config, "rmsprop must keep its state in config['cache']")
    assert_close(config["cache"], np.array([0.09, 0.16]), "rmsprop: config['cache']")


@pytest.mark.points(1)
def test_adam_first_step_defaults(submission):
    # With bias correction the first step is lr * dw / sqrt(dw^2 + eps): about lr in the direction of -dw.
    dw = np.array([3.0, -4.0, 1e-3])
    next_w, config = _two(submission.adam(np.array([1.0, -1.0, 0.5]), dw, None), "adam")
    want = np.array([1.0, -1.0, 0.5]) - 1e-3 * dw / np.sqrt(dw * dw + 1e-8)
    assert_close(next_w, want, "adam: next_w after the first call with config=None")
    check("t" in config, "adam must count its updates in config['t']")
    assert_scalar(float(config["t"]), 1.0, "adam: config['t'] after the first update")


@pytest.mark.points(1)
def test_adamw_first_step(submission):
    dw, w = np.array([3.0, -4.0]), np.array([1.0, -1.0])
    next_w, _ = _two(submission.adamw(w.copy(), dw, {"lr": 0.1, "weight_decay": 0.5}), "adamw")
    want = w - 0.1 * (dw / np.sqrt(dw * dw + 1e-8) + 0.5 * w)
    assert_close(next_w, want, "adamw: next_w after the first call")


@pytest.mark.points(1)
def test_clip_grad_norm_small(submission):
    # global norm of [3] and [[0, 4]] is 5
    out = submission.clip_grad_norm([np.array([3.0]), np.array([[0.0, 4.0]])], 1.0)
    check(isinstance(out, tuple) and len(out) == 2, "clip_grad_norm must return a tuple (clipped, total_norm)")
    clipped, total = out
    assert_scalar(total, 5.0, "clip_grad_norm: total_norm")
    scale = 1.0 / (5.0 + 1e-6)
    assert_close(clipped[0], np.array([3.0 * scale]), "clip_grad_norm: clipped[0]")
    assert_close(clipped[1], np.array([[0.0, 4.0 * scale]]), "clip_grad_norm: clipped[1]")
