"""Hidden tests: batch normalization (forward in both modes, running statistics, backward)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from autograder.testing import assert_close, check

SHAPES = {"batch_of_4": (4, 3), "tall": (16, 5), "wide": (3, 8)}


def _torch_batchnorm(pytorch, d, gamma, beta, momentum, eps=1e-5):
    layer = pytorch.nn.BatchNorm1d(d, eps=eps, momentum=momentum, dtype=pytorch.float64)
    with pytorch.no_grad():
        layer.weight.copy_(pytorch.from_numpy(gamma))
        layer.bias.copy_(pytorch.from_numpy(beta))
    return layer


def _torch_running_states(pytorch, batches, gamma, beta, momentum):
    """(running_mean, running_var, num_batches_tracked) after each train step of nn.BatchNorm1d."""
    if pytorch is None:
        return None
    layer = _torch_batchnorm(pytorch, batches[0].shape[1], gamma, beta, momentum)
    layer.train()
    states = []
    with pytorch.no_grad():
        for x in batches:
            layer(pytorch.from_numpy(x))
            states.append({"running_mean": layer.running_mean.numpy().copy(),
                           "running_var": layer.running_var.numpy().copy(),
                           "num_batches_tracked": int(layer.num_batches_tracked)})
    return states


def _check_running(param, ref_param, torch_state, when, out_atol):
    for key in ("running_mean", "running_var"):
        check(key in param, f"bn_param has no {key!r} {when}: create it when it is missing and store the "
                            "updated value in bn_param itself (the caller keeps the dict, not your return value)")
        tol = {"rtol": 1e-7, "atol": out_atol(ref_param[key])}
        assert_close(param[key], ref_param[key], f"bn_param[{key!r}] {when}", **tol)
        if torch_state is not None:
            assert_close(param[key], torch_state[key], f"bn_param[{key!r}] {when} (compared with PyTorch)", **tol)


def _check_count(param, expected, when):
    count = param.get("num_batches_tracked")
    check(count is not None, f"bn_param has no 'num_batches_tracked' {when}: with momentum=None the train-mode "
                             "calls must be counted there")
    check(isinstance(count, (int, np.integer, float, np.floating)) and not isinstance(count, bool)
          and count == expected,
          f"bn_param['num_batches_tracked'] {when} does not count the train-mode calls (got {count!r})")


# --------------------------------------------------------------------------- train-mode forward

@pytest.mark.points(2)
@pytest.mark.hint("In train mode normalise every feature (column) with the mean and the biased variance "
                  "(divide by N) of the batch, eps inside the square root, then scale by gamma and shift by beta.")
@pytest.mark.parametrize("shape", list(SHAPES), ids=list(SHAPES))
def test_batchnorm_train_forward(forward, reference, rng, helpers, shape):
    n, d = SHAPES[shape]
    x, gamma, beta = helpers.make_inputs(rng, n, d)
    out, _ = helpers.forward_pair(forward("batchnorm", x, gamma, beta, {"mode": "train"}),
                                  "batchnorm_forward", (n, d))
    # Property oracle: each column of out has mean beta, and (out - beta) / gamma has biased variance var / (var + eps).
    var = x.var(axis=0)
    assert_close(out.mean(axis=0), beta, "column means of out (they should equal beta)", atol=1e-9)
    assert_close(((out - beta) / gamma).var(axis=0), var / (var + 1e-5),
                 "biased variance of the columns of (out - beta) / gamma", rtol=1e-7)
    expected, _ = reference.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    assert_close(out, expected, "out of batchnorm_forward in train mode", atol=helpers.out_atol(expected))


@pytest.mark.points(2)
@pytest.mark.hint("One feature is almost constant here (variance far below eps): eps belongs inside the "
                  "square root, 1 / sqrt(var + eps), not added to the standard deviation.")
def test_batchnorm_train_forward_near_constant_feature(forward, reference, rng, helpers):
    x, gamma, beta = helpers.make_inputs(rng, 6, 4, near_constant=(1, 3))
    out, _ = helpers.forward_pair(forward("batchnorm", x, gamma, beta, {"mode": "train"}),
                                  "batchnorm_forward", x.shape)
    expected, _ = reference.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    assert_close(out, expected, "out of batchnorm_forward in train mode (two features nearly constant)",
                 atol=helpers.out_atol(expected))


@pytest.mark.points(1)
@pytest.mark.hint("Read eps from bn_param when it is given (default 1e-5).")
def test_batchnorm_train_forward_custom_eps(forward, reference, rng, helpers):
    _, gamma, beta = helpers.make_inputs(rng, 5, 3)
    x = rng.normal(rng.uniform(-1.0, 1.0, 3), rng.uniform(0.05, 0.2, 3), size=(5, 3))  # var ~ eps = 1e-2
    param = {"mode": "train", "eps": 1e-2}
    out, _ = helpers.forward_pair(forward("batchnorm", x, gamma, beta, dict(param)),
                                  "batchnorm_forward", x.shape)
    expected, _ = reference.batchnorm_forward(x, gamma, beta, dict(param))
    assert_close(out, expected, "out of batchnorm_forward with bn_param['eps'] = 1e-2",
                 atol=helpers.out_atol(expected))


# --------------------------------------------------------------------------- running statistics

@pytest.mark.points(2)
@pytest.mark.hint("With bn_param = {'mode': 'train'} create running_mean (zeros) and running_var (ones), then "
                  "update them: running = (1 - momentum) * running + momentum * batch statistic, momentum 0.1; "
                  "the running variance uses the unbiased batch variance (divide by N - 1).")
def test_batchnorm_running_statistics_created_and_updated(forward, reference, rng, helpers, pytorch):
    x, gamma, beta = helpers.make_inputs(rng, 4, 3)
    param, ref_param = {"mode": "train"}, {"mode": "train"}
    forward("batchnorm", x, gamma, beta, param)
    reference.batchnorm_forward(x, gamma, beta, ref_param)
    # Closed form from the default state (zeros, ones), independent of the reference code.
    closed = {"running_mean": 0.1 * x.mean(axis=0), "running_var": 0.9 + 0.1 * x.var(axis=0, ddof=1)}
    _check_running(param, closed, None, "after one train-mode call", helpers.out_atol)
    states = _torch_running_states(pytorch, [x], gamma, beta, 0.1)
    _check_running(param, ref_param, states and states[0], "after one train-mode call", helpers.out_atol)


@pytest.mark.points(2)
@pytest.mark.hint("Over several train-mode calls the running statistics are an exponential moving average: "
                  "momentum is the weight of the NEW batch (PyTorch's convention), and the running variance "
                  "averages the unbiased batch variances.")
@pytest.mark.parametrize("momentum", ["default", 0.25])
def test_batchnorm_running_statistics_several_steps(forward, reference, rng, helpers, pytorch, momentum):
    n, d = 4, 5
    _, gamma, beta = helpers.make_inputs(rng, n, d)
    batches = [helpers.make_inputs(rng, n, d)[0] for _ in range(5)]
    param = {"mode": "train"} if momentum == "default" else {"mode": "train", "momentum": momentum}
    ref_param = copy.deepcopy(param)
    states = _torch_running_states(pytorch, batches, gamma, beta, 0.1 if momentum == "default" else momentum)
    for step, x in enumerate(batches):
        forward("batchnorm", x, gamma, beta, param)
        reference.batchnorm_forward(x, gamma, beta, ref_param)
        _check_running(param, ref_param, states and states[step], f"after train step {step + 1}", helpers.out_atol)


@pytest.mark.points(2)
@pytest.mark.hint("momentum=None is the slides' cumulative average: count the train-mode calls in "
                  "bn_param['num_batches_tracked'] and give the n-th batch the weight 1/n, so that the running "
                  "mean is the average of the batch means and the running variance the average of the "
                  "unbiased batch variances.")
def test_batchnorm_cumulative_average_momentum_none(forward, reference, rng, helpers, pytorch):
    n, d = 4, 3
    _, gamma, beta = helpers.make_inputs(rng, n, d)
    batches = [helpers.make_inputs(rng, n, d)[0] for _ in range(5)]
    param = {"mode": "train", "momentum": None}
    ref_param = copy.deepcopy(param)
    states = _torch_running_states(pytorch, batches, gamma, beta, None)
    for step, x in enumerate(batches):
        forward("batchnorm", x, gamma, beta, param)
        reference.batchnorm_forward(x, gamma, beta, ref_param)
        when = f"after train step {step + 1} with momentum=None"
        # The slides' formula, computed directly: averages over the batches seen so far.
        seen = batches[:step + 1]
        direct = {"running_mean": np.mean([b.mean(axis=0) for b in seen], axis=0),
                  "running_var": np.mean([b.var(axis=0, ddof=1) for b in seen], axis=0)}
        _check_running(param, direct, None, when, helpers.out_atol)
        _check_running(param, ref_param, states and states[step], when, helpers.out_atol)
        _check_count(param, step + 1, when)


@pytest.mark.points(1)
@pytest.mark.hint("With momentum=None, a bn_param that already counts 3 batches gives the next batch the "
                  "weight 1/4, and num_batches_tracked becomes 4.")
def test_batchnorm_cumulative_average_resumes_from_count(forward, reference, rng, helpers):
    x, gamma, beta = helpers.make_inputs(rng, 4, 3)
    param = {"mode": "train", "momentum": None, "num_batches_tracked": 3,
             "running_mean": rng.normal(size=3), "running_var": rng.uniform(0.5, 2.0, 3)}
    ref_param = copy.deepcopy(param)
    forward("batchnorm", x, gamma, beta, param)
    reference.batchnorm_forward(x, gamma, beta, ref_param)
    when = "after one train step from num_batches_tracked = 3 with momentum=None"
    _check_running(param, ref_param, None, when, helpers.out_atol)
    _check_count(param, 4, when)


# --------------------------------------------------------------------------- eval mode

EVAL_CASES = ["after_training", "tiny_running_var"]


@pytest.mark.points(2)
@pytest.mark.hint("In eval mode use the running statistics from bn_param, not the statistics of the batch: "
                  "gamma * (x - running_mean) / sqrt(running_var + eps) + beta.")
@pytest.mark.parametrize("case", EVAL_CASES)
def test_batchnorm_eval_forward_uses_running_statistics(forward, reference, rng, helpers, pytorch, case):
    n, d = 5, 3
    _, gamma, beta = helpers.make_inputs(rng, n, d)
    if case == "after_training":
        # Running statistics as the reference leaves them after four training steps.
        param = {"mode": "train"}
        for _ in range(4):
            reference.batchnorm_forward(helpers.make_inputs(rng, 4, d)[0], gamma, beta, param)
        param["mode"] = "eval"
        x = helpers.make_inputs(rng, n, d)[0]
    else:
        # Feature 0 barely varied in training (running variance 1e-8, below eps) and barely varies here.
        x = helpers.make_inputs(rng, n, d, near_constant=(0,))[0]
        mean, std = x.mean(axis=0), x.std(axis=0)
        param = {"mode": "eval", "running_mean": mean + std * rng.normal(0.0, 0.5, d),
                 "running_var": np.concatenate([[1e-8], std[1:] ** 2 * rng.uniform(0.5, 2.0, d - 1)]),
                 "num_batches_tracked": 7}
    out, _ = helpers.forward_pair(forward("batchnorm", x, gamma, beta, copy.deepcopy(param)),
                                  "batchnorm_forward", (n, d))
    expected, _ = reference.batchnorm_forward(x, gamma, beta, copy.deepcopy(param))
    assert_close(out, expected, "out of batchnorm_forward in eval mode", atol=helpers.out_atol(expected))
    if pytorch is not None:
        layer = _torch_batchnorm(pytorch, d, gamma, beta, 0.1)
        with pytorch.no_grad():
            layer.running_mean.copy_(pytorch.from_numpy(param["running_mean"]))
            layer.running_var.copy_(pytorch.from_numpy(param["running_var"]))
            layer.eval()
            torch_out = layer(pytorch.from_numpy(x)).numpy()
        assert_close(out, torch_out, "out of batchnorm_forward in eval mode (compared with PyTorch)",
                     atol=helpers.out_atol(expected))


@pytest.mark.points(1)
@pytest.mark.hint("Eval mode only reads bn_param: running_mean, running_var and num_batches_tracked must "
                  "not change.")
def test_batchnorm_eval_leaves_running_statistics_alone(forward, rng, helpers):
    x, gamma, beta = helpers.make_inputs(rng, 6, 4)
    mean, var = rng.normal(size=4), rng.uniform(0.5, 2.0, 4)
    param = {"mode": "eval", "running_mean": mean.copy(), "running_var": var.copy(), "num_batches_tracked": 5}
    forward("batchnorm", x, gamma, beta, param)
    assert_close(param.get("running_mean"), mean, "bn_param['running_mean'] after an eval-mode call", rtol=0, atol=0)
    assert_close(param.get("running_var"), var, "bn_param['running_var'] after an eval-mode call", rtol=0, atol=0)
    check(param.get("num_batches_tracked") == 5,
          "bn_param['num_batches_tracked'] changed in eval mode; only train-mode calls count")


# --------------------------------------------------------------------------- backward

BACKWARD_SHAPES = {"batch_of_4": (4, 3, ()), "wide": (3, 7, ()), "near_constant": (5, 3, (0,))}


@pytest.mark.points(2)
@pytest.mark.hint("x reaches the output three ways: directly, through the batch mean and through the batch "
                  "variance. dx needs all three paths, with sums over the batch for the mean and the variance.")
@pytest.mark.parametrize("case", list(BACKWARD_SHAPES))
def test_batchnorm_backward_dx(check_backward, rng, helpers, case):
    n, d, flat = BACKWARD_SHAPES[case]
    x, gamma, beta = helpers.make_inputs(rng, n, d)
    if flat:
        x[:, 0] = 1.5 + 1e-3 * rng.normal(size=n)  # variance ~1e-6, below eps: where eps goes matters
    dout = rng.normal(size=(n, d))
    check_backward("batchnorm", "dx", x, gamma, beta, dout, {"mode": "train"})


@pytest.mark.points(1)
@pytest.mark.hint("gamma and beta are shared by all rows of the batch, so dgamma = sum over rows of "
                  "dout * x_hat and dbeta = sum over rows of dout, both of shape (D,).")
@pytest.mark.parametrize("case", ["batch_of_4", "wide"])
def test_batchnorm_backward_dgamma_dbeta(check_backward, rng, helpers, case):
    n, d, _ = BACKWARD_SHAPES[case]
    x, gamma, beta = helpers.make_inputs(rng, n, d)
    dout = rng.normal(size=(n, d))
    check_backward("batchnorm", "params", x, gamma, beta, dout, {"mode": "train"})
