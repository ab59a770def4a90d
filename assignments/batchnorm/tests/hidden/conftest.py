"""Shared pieces of the hidden batchnorm suite: input makers, the PyTorch oracle, the backward check."""

from __future__ import annotations

import copy
import math
from types import SimpleNamespace
from typing import Any, Callable

import numpy as np
import pytest

from autograder.testing import RTOL, assert_array, assert_close, check, fail

FD_STEP = 1e-6
FD_RTOL = 1e-5
FD_ATOL = 1e-6  # times the largest expected entry


def make_inputs(rng: np.random.Generator, n: int, d: int, near_constant: tuple[int, ...] = (), axis: int = 0
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x (n, d), gamma (d,) of both signs away from 1, beta (d,) != 0.

    The groups that get normalised (columns for batch norm, axis=0; rows for
    layer norm, axis=1) each get their own offset and a spread of exactly 500
    to 2000 (standard deviation over the group). Putting eps = 1e-5 on the
    standard deviation instead of the variance then moves the output by at
    most eps / std = 2e-8 relative, inside the tolerance: that mistake is
    graded only by the tests built for it (near-constant groups, a custom eps,
    a tiny running variance), not again by every other test. The groups
    listed in ``near_constant`` vary by about 1e-4 around an offset: their
    variance (1e-8) is far below eps.
    """
    z = rng.normal(size=(n, d))
    z = (z - z.mean(axis=axis, keepdims=True)) / z.std(axis=axis, keepdims=True)
    groups = d if axis == 0 else n
    shape = (1, groups) if axis == 0 else (groups, 1)
    offset = rng.uniform(-1000.0, 1000.0, groups).reshape(shape)
    spread = rng.uniform(500.0, 2000.0, groups).reshape(shape)
    x = offset + spread * z
    for j in near_constant:
        group = (slice(None), j) if axis == 0 else (j, slice(None))
        x[group] = rng.uniform(-3.0, 3.0) + 1e-4 * rng.normal(size=x[group].shape)
    gamma = rng.uniform(0.5, 2.0, d) * rng.choice([-1.0, 1.0], d)
    beta = rng.normal(0.0, 1.5, d)
    return x, gamma, beta


def out_atol(expected: np.ndarray, relative: float = 1e-7) -> float:
    """Absolute tolerance: ``relative`` times the largest expected entry (CS231n's rel_error scale).

    Rounded up to a power of ten, so that the tolerance printed in the
    feedback does not give away the size of a hidden expected value.
    """
    largest = float(np.max(np.abs(expected)))
    return 10.0 ** math.ceil(math.log10(relative * largest)) if largest > 0 else 1e-300


@pytest.fixture(scope="session")
def helpers() -> SimpleNamespace:
    """The plain helpers of this file (test modules cannot import conftest by name)."""
    return SimpleNamespace(make_inputs=make_inputs, forward_pair=forward_pair, out_atol=out_atol)


@pytest.fixture(scope="session")
def pytorch(assignment: Any) -> Any:
    """torch as an independent oracle for PyTorch's conventions, or None.

    Imported here, in the judge only (the student's worker blocks torch), and
    only when assignment.toml has ``[oracles] pytorch = true``: the import
    costs about 1.5 s per graded submission. Without it the tests rely on the
    float64 reference, closed forms and numerical gradients.
    """
    if not assignment.extra.get("oracles", {}).get("pytorch", False):
        return None
    try:
        import torch
    except Exception:  # noqa: BLE001 - any import failure means "no second oracle"
        return None
    return torch


def forward_pair(result: Any, function: str, shape: tuple[int, ...]) -> tuple[np.ndarray, Any]:
    """Unpacks ``(out, cache)`` with a message for the student when the contract is broken."""
    check(isinstance(result, tuple) and len(result) == 2,
          f"{function} should return a tuple (out, cache)")
    out, cache = result
    assert_array(out, f"out of {function}", shape=shape)
    return out, cache


def _numerical(forward: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray], x: np.ndarray,
               gamma: np.ndarray, beta: np.ndarray, dout: np.ndarray, part: str
               ) -> dict[str, np.ndarray]:
    """Central differences of sum(forward(x, gamma, beta) * dout) in x, or in gamma and beta."""
    def loss(xx: np.ndarray, gg: np.ndarray, bb: np.ndarray) -> float:
        return float(np.sum(forward(xx, gg, bb) * dout))

    def grad(which: int) -> np.ndarray:
        args = [x, gamma, beta]
        out = np.zeros_like(args[which])
        for idx in np.ndindex(out.shape):
            step = FD_STEP * max(1.0, abs(float(args[which][idx])))  # relative step for large entries
            plus = [a.copy() for a in args]
            minus = [a.copy() for a in args]
            plus[which][idx] += step
            minus[which][idx] -= step
            out[idx] = (loss(*plus) - loss(*minus)) / (plus[which][idx] - minus[which][idx])
        return out

    return {"dx": grad(0)} if part == "dx" else {"dgamma": grad(1), "dbeta": grad(2)}


def run_forward(submission: Any, reference: Any, kind: str, x: np.ndarray, gamma: np.ndarray,
                beta: np.ndarray, param: dict) -> Any:
    """``submission.<kind>_forward(x, gamma, beta, param)``, recorded for the diagnosis by what it shows.

    The mistake diagnosis compares a failing call's result with what each
    known mistake returns. A forward pass returns the student's own cache,
    which never equals a mistake's, so what the tests look at (the
    reference's ``_observed``: output, running statistics, batch counter) is
    recorded as an observation of the helper that computes the same on the
    reference and on each mistake. Without this only mutants written over the
    reference would ever be diagnosed, never a student.
    """
    param_before = copy.deepcopy(param)
    result = getattr(submission, f"{kind}_forward")(x, gamma, beta, param)
    out = result[0] if isinstance(result, tuple) and len(result) == 2 else result
    submission.call_log.observe(f"_{kind}_forward_observed", (x, gamma, beta, param_before),
                                reference._observed(kind, out, param))
    return result


@pytest.fixture
def forward(submission: Any, reference: Any) -> Callable[..., Any]:
    """``forward(kind, x, gamma, beta, param)``: the student's forward pass, recorded for the diagnosis."""
    return lambda kind, x, gamma, beta, param: run_forward(submission, reference, kind, x, gamma, beta, param)


def _float_array(value: Any, shape: tuple[int, ...]) -> bool:
    return isinstance(value, np.ndarray) and value.shape == shape and value.dtype.kind == "f"


def _formula_on_output(out: np.ndarray, x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                       dout: np.ndarray, axis: int) -> dict[str, np.ndarray]:
    """The backward formula evaluated on the student's own normalisation.

    The student's xhat is (out - beta) / gamma; their 1/std per group is the
    least-squares slope of xhat against x - mean along ``axis``. Exact when
    their forward pass computes (x - mean) * s + beta with a wrong scale s.
    """
    xhat = (out - beta) / gamma
    centered = x - x.mean(axis=axis, keepdims=True)
    inv_std = (xhat * centered).sum(axis=axis, keepdims=True) / (centered ** 2).sum(axis=axis, keepdims=True)
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=axis, keepdims=True) - xhat * (g * xhat).mean(axis=axis, keepdims=True))
    return {"dx": dx, "dgamma": (dout * xhat).sum(axis=0), "dbeta": dout.sum(axis=0)}


@pytest.fixture
def check_backward(submission: Any, reference: Any) -> Callable[..., None]:
    """Grades ``<kind>_backward`` on the cache of the student's own forward pass.

    The cache is the student's own format, so the backward pass can only be
    fed by the student's forward pass. When that forward output is right,
    the gradients are compared with the reference (tight) and with central
    differences of the reference forward pass (loose): two oracles. When the
    forward output is wrong, that mistake is graded by the forward tests, not
    here again: the gradients pass if they match either central differences
    of the student's own forward pass (a backward pass that differentiates it
    correctly) or the backward formula applied to the student's own
    normalisation (a correct backward pass fed a cache with, say, the unbiased
    variance in it).
    """
    def run(kind: str, part: str, x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
            dout: np.ndarray, param: dict) -> None:
        fwd, bwd = f"{kind}_forward", f"{kind}_backward"
        ref_out, ref_cache = getattr(reference, fwd)(x, gamma, beta, copy.deepcopy(param))
        result = run_forward(submission, reference, kind, x, gamma, beta, copy.deepcopy(param))
        check(isinstance(result, tuple) and len(result) == 2, f"{fwd} should return a tuple (out, cache)")
        out, cache = result
        grads = getattr(submission, bwd)(dout, cache)
        # diagnosis: "forward pass, then backward pass" on these inputs, which the mistakes can replay
        submission.call_log.observe(f"_{kind}_gradients", (x, gamma, beta, dout, param), grads)
        check(isinstance(grads, tuple) and len(grads) == 3, f"{bwd} should return a tuple (dx, dgamma, dbeta)")
        got = dict(zip(("dx", "dgamma", "dbeta"), grads))
        parts = ("dx",) if part == "dx" else ("dgamma", "dbeta")
        forward_right = (isinstance(out, np.ndarray) and out.shape == ref_out.shape and out.dtype.kind == "f"
                         and np.allclose(out, ref_out, rtol=RTOL, atol=out_atol(ref_out)))
        if forward_right:
            expected = dict(zip(("dx", "dgamma", "dbeta"), getattr(reference, bwd)(dout, ref_cache)))
            numeric = _numerical(lambda a, g, b: getattr(reference, fwd)(a, g, b, copy.deepcopy(param))[0],
                                 x, gamma, beta, dout, part)
            for name in parts:
                assert_close(got[name], expected[name], f"{name} of {bwd}", rtol=RTOL, atol=out_atol(expected[name]))
                assert_close(got[name], numeric[name], f"{name} of {bwd} (against a numerical gradient)",
                             rtol=FD_RTOL, atol=out_atol(expected[name], FD_ATOL))
            return

        def own_forward(a: np.ndarray, g: np.ndarray, b: np.ndarray) -> np.ndarray:
            res = run_forward(submission, reference, kind, a, g, b, copy.deepcopy(param))
            if not (isinstance(res, tuple) and len(res) == 2 and _float_array(res[0], ref_out.shape)):
                fail(f"{fwd} does not return (out, cache) with out of shape {ref_out.shape}, "
                     f"so {bwd} could not be checked")
            return res[0]

        if not _float_array(out, ref_out.shape):
            fail(f"{fwd} does not return (out, cache) with out of shape {ref_out.shape}, "
                 f"so {bwd} could not be checked")
        formula = _formula_on_output(out, x, gamma, beta, dout, axis=0 if kind == "batchnorm" else 1)
        unexplained = [name for name in parts if not (_float_array(got[name], formula[name].shape) and np.allclose(
            got[name], formula[name], rtol=RTOL, atol=out_atol(formula[name])))]
        numeric = _numerical(own_forward, x, gamma, beta, dout, part) if unexplained else {}
        for name in unexplained:
            assert_close(got[name], numeric[name],
                         f"{name} of {bwd} (your {fwd} is wrong on this input, which its own tests grade; so "
                         f"{name} was compared with the numerical derivative of your own {fwd} and with the "
                         "backward formula applied to your own normalised output, and matches neither)",
                         rtol=FD_RTOL, atol=max(out_atol(numeric[name], FD_ATOL), 1e-12))

    return run
