"""Hidden tests for the optimizers assignment.

Each optimizer is run side by side with the float64 reference, the student
on the config dict the student returned, the reference on its own copy; a
test stops at the first step where the two part and names the step, the
parameter and the quantity (next_w or a piece of state). Inputs are chosen
so that each classic mistake shows in exactly the test made for it:

- trajectories: several parameters with their own configs, non-default
  hyperparameters, gradients bounded away from 0 (so that epsilon placement
  does not matter there);
- a learning rate that changes between calls (the update must read the
  current config['lr']);
- tiny gradients (1e-9..1e-6), where sqrt(G + eps) and sqrt(G) + eps differ
  by orders of magnitude;
- Adam resumed from a stored state (t must be incremented before use);
- config=None and partial configs (the defaults);
- clipping: global versus per-array norm, below the threshold, and a tiny
  norm where the + 1e-6 matters.
"""

import copy

import numpy as np
import pytest

from autograder.testing import assert_close, assert_scalar, check

OPTIMIZERS = ["sgd", "sgd_momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"]
STATEFUL = OPTIMIZERS[1:]
ADAPTIVE = ["adagrad", "rmsprop", "adam", "adamw"]
STATE = {
    "sgd": (), "sgd_momentum": ("velocity",), "nesterov": ("velocity",), "adagrad": ("cache",),
    "rmsprop": ("cache",), "adam": ("m", "v", "t"), "adamw": ("m", "v", "t"),
}
# Non-default hyperparameters everywhere except in the defaults test, so that a
# wrong default is charged once, there.
HYPER = {
    "sgd": {"lr": 0.07},
    "sgd_momentum": {"lr": 0.05, "momentum": 0.8},
    "nesterov": {"lr": 0.05, "momentum": 0.8},
    "adagrad": {"lr": 0.1, "eps": 1e-8},
    "rmsprop": {"lr": 0.02, "decay_rate": 0.9, "eps": 1e-8},
    "adam": {"lr": 0.02, "beta1": 0.8, "beta2": 0.99, "eps": 1e-8},
    "adamw": {"lr": 0.02, "beta1": 0.8, "beta2": 0.99, "eps": 1e-8, "weight_decay": 0.1},
}
DEFAULTS = {
    "sgd": {"lr": 1e-2},
    "sgd_momentum": {"lr": 1e-2, "momentum": 0.9},
    "nesterov": {"lr": 1e-2, "momentum": 0.9},
    "adagrad": {"lr": 1e-2, "eps": 1e-8},
    "rmsprop": {"lr": 1e-2, "decay_rate": 0.99, "eps": 1e-8},
    "adam": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    "adamw": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 1e-2},
}

STATE_HINT = ("Keep the optimizer's state in config under the names of the handout, create it on the first "
              "call, and return the config you updated: the grader passes it back on the next call.")


def bounded(rng, shape, low, high):
    """Random signs, magnitudes in [low, high]."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(low, high, size=shape)


def bounded_grad(rng, shape):
    """Gradients of magnitude 2..4: with eps = 1e-8, sqrt(G + eps) and sqrt(G) + eps then differ by less
    than the tolerance, so epsilon placement is charged only in test_tiny_gradients."""
    return bounded(rng, shape, 2.0, 4.0)


def bounded_w(rng, shape):
    """Parameters of magnitude 0.5..2, so that the relative tolerance applies to every entry."""
    return bounded(rng, shape, 0.5, 2.0)


def tiny_grad(rng, shape):
    """Random signs, magnitudes spread over 1e-9..1e-6."""
    return rng.choice([-1.0, 1.0], size=shape) * 10.0 ** rng.uniform(-9.0, -6.0, size=shape)


def unpack(out, name, where):
    check(isinstance(out, tuple) and len(out) == 2,
          f"{where}: {name} must return a tuple (next_w, config), got a value of type {type(out).__name__}"
          + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else ""))
    next_w, config = out
    check(isinstance(config, dict),
          f"{where}: the second value {name} returns must be the config dict, got {type(config).__name__}")
    return next_w, config


def compare_state(name, where, config, ref_config, rtol, atol, with_t=False):
    """The arrays of the state; the step counter t only where asked (test_adam_resume_from_state)."""
    for key in STATE[name]:
        if key == "t" and not with_t:
            continue
        check(key in config, f"{where}: the returned config has no key '{key}'; {name} keeps its state "
              f"in config['{key}']")
        if key == "t":
            assert_close(config[key], ref_config[key], f"{where}: config['t'] (the number of updates made)",
                         rtol=0, atol=1e-9, require_array=False)
        else:
            assert_close(config[key], ref_config[key], f"{where}: config['{key}']", rtol=rtol, atol=atol)


def step_both(submission, reference, name, w, ref_w, dw, config, ref_config, where, rtol=1e-7, atol=1e-10,
              state=True, with_t=False):
    """One call of the student's and the reference's ``name``; fails if next_w (or the state) differ."""
    out = getattr(submission, name)(w.copy(), dw.copy(), config)
    next_w, config = unpack(out, name, where)
    ref_w, ref_config = getattr(reference, name)(ref_w, dw.copy(), ref_config)
    assert_close(next_w, ref_w, f"{where}: next_w", rtol=rtol, atol=atol)
    if state:
        compare_state(name, where, config, ref_config, rtol, atol, with_t)
    return np.asarray(next_w, dtype=np.float64), config, ref_w, ref_config


# --------------------------------------------------------------------------- sgd
@pytest.mark.points(1)
@pytest.mark.hint("The SGD step is w - lr * dw, with lr read from config['lr'].")
def test_sgd_step(submission, reference, rng):
    w, dw = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    step_both(submission, reference, "sgd", w, w.copy(), dw, dict(HYPER["sgd"]), dict(HYPER["sgd"]),
              "sgd on a (5, 3) parameter with lr=0.07")


# ---------------------------------------------------------------- trajectories
@pytest.mark.points(2)
@pytest.mark.hint("Every call must continue from the state stored in config by the previous call, use the "
                  "hyperparameters given in config (not the defaults), and follow the update rule of the "
                  "handout term by term.")
@pytest.mark.parametrize("name", STATEFUL)
def test_trajectory(submission, reference, rng, name):
    """Two parameters, W (4, 3) and b (3,), each with its own config, 5 steps each, interleaved."""
    shapes = {"W": (4, 3), "b": (3,)}
    params = {p: bounded_w(rng, s) for p, s in shapes.items()}
    ref_params = {p: v.copy() for p, v in params.items()}
    configs = {p: copy.deepcopy(HYPER[name]) for p in shapes}
    ref_configs = copy.deepcopy(configs)
    steps = 5
    for k in range(1, steps + 1):
        for p, shape in shapes.items():
            dw = bounded_grad(rng, shape)
            where = f"{name}, parameter {p} {shape}, step {k} of {steps}"
            params[p], configs[p], ref_params[p], ref_configs[p] = step_both(
                submission, reference, name, params[p], ref_params[p], dw, configs[p], ref_configs[p], where)


@pytest.mark.points(1)
@pytest.mark.hint("v = momentum * v + dw followed by w <- w - lr * v is the heavy-ball method of the slides: "
                  "w_next = w - lr * dw + momentum * (w - w_prev) whenever lr stays the same.")
def test_momentum_is_heavy_ball(submission, rng):
    """Second oracle, no reference: Polyak's recurrence holds along the student's own trajectory."""
    lr, beta, steps = 0.03, 0.7, 6
    config = {"lr": lr, "momentum": beta}
    points, grads = [bounded_w(rng, (2, 3))], []
    for k in range(1, steps + 1):
        dw = bounded_grad(rng, (2, 3))
        grads.append(dw)
        next_w, config = unpack(submission.sgd_momentum(points[-1].copy(), dw.copy(), config), "sgd_momentum",
                                f"sgd_momentum step {k}")
        points.append(np.asarray(next_w, dtype=np.float64))
    assert_close(points[1], points[0] - lr * grads[0], "sgd_momentum first step from zero velocity (w - lr * dw)")
    for k in range(1, steps):
        heavy_ball = points[k] - lr * grads[k] + beta * (points[k] - points[k - 1])
        assert_close(points[k + 1], heavy_ball,
                     f"sgd_momentum step {k + 1}: w_next against w - lr * dw + momentum * (w - w_prev)")


# ------------------------------------------------------------- lr schedule
@pytest.mark.points(1)
@pytest.mark.hint("A learning-rate schedule changes config['lr'] between calls; each update must use the value "
                  "in config at the time of the call, and the state must not contain the learning rate "
                  "(velocity, cache, m and v are built from gradients only).")
@pytest.mark.parametrize("name", STATEFUL)
def test_lr_schedule(submission, reference, rng, name):
    lrs = [0.05, 0.2, 0.01, 0.1]
    w = bounded_w(rng, (3, 4))
    ref_w, config = w.copy(), copy.deepcopy(HYPER[name])
    ref_config = copy.deepcopy(config)
    for k, lr in enumerate(lrs, 1):
        config["lr"] = ref_config["lr"] = lr
        where = f"{name} with lr changed to {lr} before step {k} of {len(lrs)}"
        w, config, ref_w, ref_config = step_both(submission, reference, name, w, ref_w, bounded_grad(rng, (3, 4)),
                                                 config, ref_config, where)


# ---------------------------------------------------------- tiny gradients
@pytest.mark.points(2)
@pytest.mark.hint("For tiny gradients the placement of eps decides the step: the handout puts eps INSIDE the "
                  "square root, sqrt(G + eps), not sqrt(G) + eps (PyTorch's choice).")
@pytest.mark.parametrize("name", ADAPTIVE)
def test_tiny_gradients(submission, reference, rng, name):
    w = 1e-6 * rng.normal(size=(4, 5))
    ref_w, config = w.copy(), copy.deepcopy(HYPER[name])
    ref_config = copy.deepcopy(config)
    steps = 3
    for k in range(1, steps + 1):
        where = f"{name} with gradients of magnitude 1e-9..1e-6, step {k} of {steps}"
        w, config, ref_w, ref_config = step_both(submission, reference, name, w, ref_w, tiny_grad(rng, (4, 5)),
                                                 config, ref_config, where, rtol=1e-7, atol=1e-30)


# --------------------------------------------------------------- adam resume
@pytest.mark.points(1)
@pytest.mark.hint("config['t'] is the number of updates already made. Increment it first, then use the new "
                  "value in the bias corrections 1 - beta**t: after 7 stored updates, the next one uses t = 8.")
@pytest.mark.parametrize("name", ["adam", "adamw"])
def test_adam_resume_from_state(submission, reference, rng, name):
    """A config saved after 7 updates (m, v, t = 7) continues with the 8th."""
    w = bounded_w(rng, (6,))
    config = copy.deepcopy(HYPER[name])
    for _ in range(7):
        w, config = getattr(reference, name)(w, bounded_grad(rng, (6,)), config)
    ref_config = copy.deepcopy(config)
    step_both(submission, reference, name, w, w.copy(), bounded_grad(rng, (6,)), config, ref_config,
              f"{name} resumed from a config with t = 7 and its m, v", with_t=True)


# ------------------------------------------------------------------ defaults
@pytest.mark.points(1)
@pytest.mark.hint("With config=None start from an empty dict; every missing hyperparameter takes the default "
                  "listed in the handout (lr, momentum, decay_rate, beta1, beta2, eps, weight_decay).")
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_defaults(submission, reference, rng, name):
    """config=None, then the returned config reused; then a config giving only some of the hyperparameters.

    Only next_w is compared: the state has its own tests, and a wrong state shows in the second step anyway.
    """
    w = bounded_w(rng, (2, 3))
    ref_w, config, ref_config = w.copy(), None, None
    for k in (1, 2):
        where = f"{name} called with config=None{'' if k == 1 else ', then with the config it returned'}"
        w, config, ref_w, ref_config = step_both(submission, reference, name, w, ref_w, bounded_grad(rng, (2, 3)),
                                                 config, ref_config, where, state=False)
    partial = {"lr": 0.03} if name in ("sgd", "adagrad") else {"lr": 0.03, list(DEFAULTS[name])[1]: 0.5}
    given = ", ".join(f"{k}={v}" for k, v in partial.items())
    w = bounded_w(rng, (2, 3))
    step_both(submission, reference, name, w, w.copy(), bounded_grad(rng, (2, 3)), dict(partial), dict(partial),
              f"{name} called with a config giving only {given}", state=False)


# ------------------------------------------------------------------ clipping
def call_clip(submission, grads, max_norm, where):
    out = submission.clip_grad_norm([g.copy() for g in grads], max_norm)
    check(isinstance(out, tuple) and len(out) == 2,
          f"{where}: clip_grad_norm must return a tuple (clipped, total_norm), got {type(out).__name__}")
    clipped, total = out
    check(isinstance(clipped, (list, tuple)) and len(clipped) == len(grads),
          f"{where}: clipped must be a list of {len(grads)} arrays, one per gradient, got "
          f"{type(clipped).__name__}" + (f" of length {len(clipped)}" if isinstance(clipped, (list, tuple)) else ""))
    return list(clipped), total


SHAPES = [(3, 4), (4,), (2, 2, 2)]


@pytest.mark.points(2)
@pytest.mark.hint("total_norm is ONE number for all the arrays together: the square root of the sum of the "
                  "squares of every entry of every array. All arrays are scaled by the same factor.")
def test_clip_global_norm(submission, reference, rng):
    # per-array norms 25..35, global norm about 52, max_norm 15: every array alone is above it too
    grads = [g / np.linalg.norm(g) * s for g, s in zip((rng.normal(size=sh) for sh in SHAPES), (35.0, 25.0, 30.0))]
    max_norm = 15.0
    clipped, total = call_clip(submission, grads, max_norm, "clip_grad_norm of 3 arrays, global norm above max_norm")
    ref_clipped, ref_total = reference.clip_grad_norm(grads, max_norm)
    assert_scalar(total, ref_total, "total_norm (the norm before clipping, over all arrays)")
    for i, (got, want) in enumerate(zip(clipped, ref_clipped)):
        assert_close(got, want, f"clipped[{i}] (shape {want.shape})")
    # second oracle: the clipped set has global norm just below max_norm
    new_norm = float(np.sqrt(sum(np.sum(np.asarray(g, dtype=np.float64) ** 2) for g in clipped)))
    check(new_norm <= max_norm, f"the clipped gradients have global norm {new_norm:.6g}, above max_norm={max_norm}")


@pytest.mark.points(1)
@pytest.mark.hint("Clip only when total_norm > max_norm; below the threshold the gradients come back unchanged "
                  "(clipping never scales a gradient up).")
def test_clip_below_threshold(submission, reference, rng):
    grads = [g / np.linalg.norm(g) * s for g, s in zip((rng.normal(size=sh) for sh in SHAPES), (0.6, 0.3, 0.5))]
    max_norm = 2.0
    clipped, total = call_clip(submission, grads, max_norm, "clip_grad_norm with global norm below max_norm")
    ref_clipped, ref_total = reference.clip_grad_norm(grads, max_norm)
    assert_scalar(total, ref_total, "total_norm")
    for i, (got, want) in enumerate(zip(clipped, ref_clipped)):
        assert_close(got, want, f"clipped[{i}] (shape {want.shape}), which should be unchanged")


@pytest.mark.points(1)
@pytest.mark.hint("The scale factor is max_norm / (total_norm + 1e-6), as in the handout; the 1e-6 matters "
                  "when the norms are small.")
def test_clip_small_norms(submission, reference, rng):
    """Global norm 1e-3 clipped to 1e-4: the + 1e-6 changes the scale by 0.1 %."""
    grads = [g / np.linalg.norm(g) * s for g, s in zip((rng.normal(size=sh) for sh in SHAPES), (6e-4, 5e-4, 6e-4))]
    max_norm = 1e-4
    clipped, total = call_clip(submission, grads, max_norm, "clip_grad_norm with global norm 1e-3, max_norm 1e-4")
    ref_clipped, ref_total = reference.clip_grad_norm(grads, max_norm)
    assert_scalar(total, ref_total, "total_norm", atol=1e-20)
    for i, (got, want) in enumerate(zip(clipped, ref_clipped)):
        assert_close(got, want, f"clipped[{i}] (shape {want.shape})", rtol=1e-7, atol=1e-20)
