"""Public checks for init.py: run them with  autograder check initialization init.py

These are sanity checks on small, hand-checkable cases. The graded suite is
larger: it checks each distribution statistically on about 100,000 draws with
tolerances a correct sampler essentially never exceeds (below 1e-9), checks
activation_stds exactly on deeper networks, and checks dropout on more cases.
"""

import numpy as np
import pytest

from autograder.testing import assert_array, assert_close, check

INITS = ["zeros_init", "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal"]


@pytest.mark.parametrize("name", INITS)
def test_initializer_shape_and_dtype(submission, name):
    W = assert_array(getattr(submission, name)(5, 3, np.random.default_rng(0)), f"{name}(5, 3, rng)",
                     shape=(5, 3), dtype_kind=None)
    check(W.dtype == np.float64, f"{name}(5, 3, rng): dtype should be float64, got {W.dtype}")


# target variance for fan_in = 200, fan_out = 300
VARIANCE = {"xavier_uniform": 2 / 500, "xavier_normal": 2 / 500, "kaiming_uniform": 2 / 200, "kaiming_normal": 2 / 200}


@pytest.mark.parametrize("name", list(VARIANCE))
def test_initializer_variance_roughly(submission, name):
    variance = VARIANCE[name]
    W = np.asarray(getattr(submission, name)(200, 300, np.random.default_rng(1)))
    # 60,000 draws: a correct sampler lands within a few percent; 10% leaves a wide margin
    ratio = float(np.mean(W**2)) / variance
    check(abs(ratio - 1) < 0.10, f"{name}(200, 300, rng): the variance of W is {ratio:.3f} times the "
                                 "target (fan_in = 200 is the first dimension)")
    check(abs(float(W.mean())) < 0.05 * np.sqrt(variance), f"{name}(200, 300, rng): the mean is not 0")


@pytest.mark.parametrize("name", ["xavier_uniform", "kaiming_uniform"])
def test_uniform_bound(submission, name):
    bound = np.sqrt(3 * VARIANCE[name])  # U(-a, a) has variance a^2 / 3
    W = np.asarray(getattr(submission, name)(200, 300, np.random.default_rng(2)))
    check(np.abs(W).max() <= bound * (1 + 1e-12), f"{name}(200, 300, rng): some |w| exceed the bound a")
    check(np.abs(W).max() > 0.99 * bound, f"{name}(200, 300, rng): no |w| comes close to the bound a")


@pytest.mark.parametrize("name", INITS[1:])
def test_randomness_comes_from_rng(submission, name):
    fn = getattr(submission, name)
    g1, g2 = np.random.default_rng(7), np.random.default_rng(7)
    same = np.array_equal(fn(4, 6, g1), fn(4, 6, g2))
    check(same, f"{name}: the same seed gave different weights (do you use np.random.* somewhere?)")
    check(g1.bit_generator.state != np.random.default_rng(7).bit_generator.state,
          f"{name}: the rng passed in was not used")


def test_activation_stds_by_hand(submission):
    # one layer, W = [[1, -1], [1, 1]]: X @ W = [[2, 0], [2, -2]] -> relu -> [[2, 0], [2, 0]];
    # std over the 4 entries = sqrt(mean(h^2) - mean(h)^2) = sqrt(2 - 1) = 1
    X = np.array([[1.0, 1.0], [2.0, 0.0]])
    calls = []

    def init_fn(fan_in, fan_out, rng):
        calls.append((fan_in, fan_out))
        return np.array([[1.0, -1.0], [1.0, 1.0]])

    out = submission.activation_stds(init_fn, [2, 2], "relu", X, np.random.default_rng(0))
    check(isinstance(out, list) and len(out) == 1, "activation_stds(..., widths=[2, 2], ...) should return "
                                                   "a list with one float")
    assert_close(out[0], 1.0, "activation_stds for the hand-worked example")
    check(calls == [(2, 2)], f"init_fn should be called once as init_fn(2, 2, rng); calls: {calls}")


def test_activation_stds_layer_order(submission):
    calls = []

    def init_fn(fan_in, fan_out, rng):
        calls.append((fan_in, fan_out))
        return np.eye(fan_in, fan_out)

    X = np.arange(12.0).reshape(3, 4) - 5.0
    out = submission.activation_stds(init_fn, [4, 6, 5, 2], "tanh", X, np.random.default_rng(0))
    check(calls == [(4, 6), (6, 5), (5, 2)], f"init_fn should be called layer by layer with "
                                             f"(widths[i], widths[i+1]); calls: {calls}")
    check(len(out) == 3, f"expected 3 stds for 3 layers, got {len(out)}")


def test_dropout_eval_is_identity(submission):
    x = np.random.default_rng(3).normal(size=(4, 5))
    out, mask = submission.dropout_forward(x, 0.3, "eval", np.random.default_rng(0))
    assert_close(out, x, "dropout_forward(..., 'eval'): out", rtol=0, atol=0)
    assert_close(mask, np.ones((4, 5)), "dropout_forward(..., 'eval'): mask", rtol=0, atol=0)


def test_dropout_train(submission):
    x = np.ones((100, 100))
    out, mask = submission.dropout_forward(x, 0.25, "train", np.random.default_rng(4))
    values = set(np.unique(mask).round(12).tolist())
    check(values <= {0.0, round(1 / 0.75, 12)}, f"mask values should be 0 or 1/(1-p); got {sorted(values)[:4]}")
    kept = np.count_nonzero(mask) / mask.size
    check(abs(kept - 0.75) < 0.03, f"with p = 0.25 about 75% of units should be kept; kept {kept:.1%}")
    assert_close(out, x * mask, "out against x * mask")


def test_dropout_backward_small(submission):
    mask = np.array([[0.0, 2.0], [2.0, 0.0]])
    dout = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert_close(submission.dropout_backward(dout, mask), np.array([[0.0, 4.0], [6.0, 0.0]]), "dropout_backward")
