"""activation_stds: exact values against the reference, the init_fn protocol, a property oracle.

The init_fn handed to the student is a judge-side callback that ignores its
rng argument and draws from a generator of its own, seeded per test. The
student's code and the reference (run here with an identical copy) therefore
see exactly the same weights, so the stds can be compared to 1e-10 without
depending on the student's initializers (not charged twice) or on how a
generator crosses the process boundary.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from autograder.testing import assert_close, check, fail


class JudgeInit:
    """init_fn(fan_in, fan_out, rng) -> N(0, gain / fan_in) weights from the judge's own generator.

    Calls and the generator's state make up its behaviour: diagnosis compares
    the arguments after a call, so two copies that served the same calls are equal.
    """

    def __init__(self, seed: int, gain: float) -> None:
        self.gen = np.random.default_rng(seed)
        self.gain = gain
        self.calls: list[tuple] = []
        self.rng_states: list = []

    def __call__(self, fan_in, fan_out, rng=None):
        self.calls.append((int(fan_in), int(fan_out)))
        self.rng_states.append(rng.bit_generator.state if isinstance(rng, np.random.Generator) else None)
        return self.gen.normal(0.0, np.sqrt(self.gain / fan_in), size=(int(fan_in), int(fan_out)))

    def __eq__(self, other: object) -> bool:
        return (type(other) is JudgeInit and self.calls == other.calls and self.gain == other.gain
                and self.gen.bit_generator.state == other.gen.bit_generator.state)

    __hash__ = None  # type: ignore[assignment]


class IdentityInit:
    """init_fn returning the identity matrix: every layer passes its input through unchanged."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def __call__(self, fan_in, fan_out, rng=None):
        self.calls.append((int(fan_in), int(fan_out)))
        return np.eye(int(fan_in), int(fan_out))

    def __eq__(self, other: object) -> bool:
        return type(other) is IdentityInit and self.calls == other.calls

    __hash__ = None  # type: ignore[assignment]


GAINS = {"relu": 2.0, "tanh": 1.0, "linear": 1.0}
CASES = [  # (activation, widths, N); the main cases weigh 2 points, the small edge cases (N = 1) 1
    pytest.param("relu", [48, 64, 40, 56, 32], 20, marks=pytest.mark.points(2), id="relu-4layers-N20"),
    pytest.param("tanh", [48, 64, 40, 56, 32], 20, marks=pytest.mark.points(2), id="tanh-4layers-N20"),
    pytest.param("linear", [48, 64, 40, 56, 32], 20, marks=pytest.mark.points(2), id="linear-4layers-N20"),
    pytest.param("relu", [30, 70], 1, marks=pytest.mark.points(1), id="relu-1layer-N1"),
    pytest.param("tanh", [25, 10, 45, 15], 1, marks=pytest.mark.points(1), id="tanh-3layers-N1"),
]


def _as_floats(got, label: str, length: int) -> np.ndarray:
    if isinstance(got, np.ndarray) and got.ndim == 1:
        got = list(got)
    if not isinstance(got, (list, tuple)):
        fail(f"{label}: expected a list of {length} floats, got a value of type {type(got).__name__}")
    check(len(got) == length,
          f"{label}: expected a list of {length} floats (one per layer, len(widths) - 1; the input X is "
          f"not a layer), got {len(got)}")
    values = []
    for i, v in enumerate(got):
        if isinstance(v, np.ndarray) and v.size == 1:
            v = v.reshape(())[()]
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            fail(f"{label}: entry {i} is a value of type {type(v).__name__}, not a float")
        values.append(float(v))
    return np.array(values)


@pytest.mark.hint("For each layer: W = init_fn(widths[i], widths[i+1], rng), h = activation(h @ W), then record "
                  "np.std(h) over all entries with ddof=0 (numpy's default, not torch.std's unbiased one). "
                  "The activation follows every layer, the last one included, and X's own std is not recorded.")
@pytest.mark.parametrize("activation,widths,n", CASES)
def test_activation_stds_values(submission, reference, make_rng, seed, activation, widths, n):
    X = make_rng(1).normal(size=(n, widths[0]))
    init = JudgeInit(seed, GAINS[activation])
    expected = reference.activation_stds(copy.deepcopy(init), widths, activation, X.copy(), make_rng(0))
    label = f"activation_stds(init_fn, widths={widths}, '{activation}', X of shape {X.shape}, rng)"
    got = _as_floats(submission.activation_stds(init, widths, activation, X, make_rng(0)), label, len(expected))
    assert_close(got, np.array(expected), label, rtol=1e-10, atol=1e-14)


@pytest.mark.points(1)
@pytest.mark.hint("activation_stds returns a Python list with one float per layer (len(widths) - 1 of them).")
def test_activation_stds_returns_list_of_floats(submission, make_rng, seed):
    widths = [16, 24, 8]
    X = make_rng(1).normal(size=(5, widths[0]))
    label = f"activation_stds(init_fn, widths={widths}, 'relu', X, rng)"
    got = submission.activation_stds(JudgeInit(seed, 2.0), widths, "relu", X, make_rng(0))
    check(isinstance(got, list), f"{label}: expected a list, got a value of type {type(got).__name__}")
    check(len(got) == len(widths) - 1, f"{label}: expected {len(widths) - 1} entries, got {len(got)}")
    check(all(isinstance(v, float) for v in got),
          f"{label}: every entry should be a float (e.g. float(np.std(h))), got types "
          f"{sorted({type(v).__name__ for v in got})}")


@pytest.mark.points(1)
@pytest.mark.hint("Draw the weights layer by layer, in order, as init_fn(widths[i], widths[i+1], rng), "
                  "passing on the rng you were given; call init_fn exactly once per layer.")
def test_activation_stds_calls_init_fn(submission, make_rng, seed):
    widths = [12, 20, 7, 9, 3]
    X = make_rng(1).normal(size=(6, widths[0]))
    init = JudgeInit(seed, 2.0)
    rng = make_rng(0)
    label = f"activation_stds(init_fn, widths={widths}, 'relu', X, rng)"
    submission.activation_stds(init, widths, "relu", X, rng)
    want = list(zip(widths[:-1], widths[1:]))
    check(len(init.calls) == len(want),
          f"{label} called init_fn {len(init.calls)} times; there are {len(want)} layers")
    for i, (call, shape) in enumerate(zip(init.calls, want)):
        check(call == shape, f"{label}: call {i + 1} of init_fn was init_fn{call + ('rng',)}; layer {i + 1} "
                             f"needs init_fn{shape + ('rng',)}")
    start = make_rng(0).bit_generator.state
    for i, state in enumerate(init.rng_states):
        check(state is not None, f"{label}: call {i + 1} of init_fn did not get a np.random.Generator as rng")
        check(state == start, f"{label}: call {i + 1} of init_fn got a generator other than the rng "
                              "passed to activation_stds (or one you drew from yourself)")


@pytest.mark.points(1)
@pytest.mark.hint("With identity weights every layer only applies the activation, so every entry of the result "
                  "is the std of activation(X); check the order: multiply, activate, then measure.")
@pytest.mark.parametrize("activation", ["relu", "linear"])
def test_activation_stds_identity_weights(submission, make_rng, activation):
    widths = [10, 10, 10, 10]
    X = make_rng(1).normal(size=(8, 10))
    h = np.maximum(X, 0.0) if activation == "relu" else X
    label = f"activation_stds(identity init_fn, widths={widths}, '{activation}', X, rng)"
    got = _as_floats(submission.activation_stds(IdentityInit(), widths, activation, X, make_rng(0)),
                     label, len(widths) - 1)
    # an oracle independent of the reference: std of activation(X), population std by definition
    target = float(np.sqrt(np.mean((h - h.mean()) ** 2)))
    assert_close(got, np.full(len(widths) - 1, target), label, rtol=1e-10, atol=1e-14)
