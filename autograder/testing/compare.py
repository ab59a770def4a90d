"""Comparison helpers for hidden and public tests.

Their failure messages are the feedback students read, so each says which
quantity is wrong, by how much and where, and never prints the expected
value (hidden suites must not leak it). ``GradingFailure`` is an
AssertionError so plain pytest reports it too.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# Float64 reference comparisons: tight enough to catch epsilon placement and
# a missing 1/n, loose enough for a differently ordered correct sum.
RTOL = 1e-7
ATOL = 1e-10


class GradingFailure(AssertionError):
    """A check failed; the message is written for the student.

    ``mistake`` names a mutant (its file's stem) when the failed property is
    specific to that known mistake. Diagnosis then needs no replay: this is
    for calls that cannot be replayed in the judge (a model that lives in the
    worker), and ``autograder validate`` confirms the mutant does fail it.
    """

    def __init__(self, message: str, mistake: str | None = None) -> None:
        super().__init__(message)
        self.mistake = mistake


def fail(message: str, mistake: str | None = None) -> None:
    raise GradingFailure(message, mistake)


def check(condition: Any, message: str, mistake: str | None = None) -> None:
    """``assert`` with a student-facing message (plain asserts are not shown for hidden tests)."""
    if not bool(condition):
        raise GradingFailure(message, mistake)


def _as_numpy(value: Any, name: str) -> np.ndarray:
    import sys

    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        return value.detach().cpu().to(torch.float64 if value.is_floating_point() else value.dtype).numpy()
    if isinstance(value, (np.ndarray, np.generic, int, float, bool)):
        return np.asarray(value)
    raise GradingFailure(f"{name}: expected a number or an array, got {_describe(value)}")


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    type_name = getattr(value, "type_name", None) or type(value).__name__
    return f"a value of type {type_name}"


def assert_array(actual: Any, name: str, shape: tuple[int, ...] | None = None,
                 dtype_kind: str | None = "f") -> np.ndarray:
    """Checks the container before the values: an ndarray of the right shape and kind."""
    if not isinstance(actual, np.ndarray):
        raise GradingFailure(f"{name}: expected a numpy array, got {_describe(actual)}")
    if shape is not None and actual.shape != tuple(shape):
        raise GradingFailure(f"{name}: expected shape {tuple(shape)}, got {actual.shape}")
    if dtype_kind is not None and actual.dtype.kind not in dtype_kind:
        raise GradingFailure(f"{name}: expected a floating-point array, got dtype {actual.dtype}")
    return actual


def assert_close(actual: Any, expected: Any, name: str, rtol: float = RTOL, atol: float = ATOL,
                 require_array: bool | None = None) -> None:
    """Values within ``atol + rtol * |expected|`` everywhere; reports the worst entry.

    ``require_array`` defaults to "the expected value is an ndarray", so a list
    or a torch tensor where the contract says ndarray is reported as such.
    """
    if require_array is None:
        require_array = isinstance(expected, np.ndarray) and expected.ndim > 0
    want = _as_numpy(expected, name)
    if require_array:
        got = assert_array(actual, name, shape=want.shape, dtype_kind=None)
    else:
        got = _as_numpy(actual, name)
        if got.shape != want.shape:
            raise GradingFailure(f"{name}: expected shape {want.shape}, got {got.shape}")
    if got.dtype.kind not in "biufc":
        raise GradingFailure(f"{name}: expected numbers, got dtype {got.dtype}")
    got = got.astype(np.complex128 if got.dtype.kind == "c" else np.float64)
    want = want.astype(np.complex128 if want.dtype.kind == "c" else np.float64)
    bad_finite = np.isfinite(want) & ~np.isfinite(got)
    if bad_finite.any():
        idx = _index(np.argmax(bad_finite), got.shape)
        raise GradingFailure(
            f"{name}: {int(bad_finite.sum())} of {got.size} entries are inf or nan where a finite value "
            f"is expected (first at index {idx}: {got[idx] if got.ndim else got}); "
            "this usually means an overflow, e.g. exp of a large number")
    same_special = (~np.isfinite(want)) & (got == want)
    err = np.where(same_special, 0.0, np.abs(got - want))
    err = np.where(np.isnan(err), np.inf, err)
    allowed = atol + rtol * np.abs(want)
    over = err > allowed
    if over.any():
        worst = _index(np.argmax(np.where(over, err / np.maximum(allowed, 1e-300), -1)), got.shape)
        where = f" at index {worst}" if got.ndim else ""
        rel = (f"rel error about {float(err[worst] / abs(want[worst])):.0e}" if want[worst] != 0
               else "the correct value there is 0")
        # one significant digit: says how wrong without letting abs/rel errors rebuild the expected value
        raise GradingFailure(
            f"{name}: wrong value{'s' if got.size > 1 else ''} - "
            f"{int(over.sum())} of {got.size} entr{'ies' if got.size > 1 else 'y'} outside tolerance; "
            f"worst{where}: abs error about {float(err[worst]):.0e}, {rel} "
            f"(allowed: atol {atol:g} + rtol {rtol:g} * |expected|)")


def assert_scalar(actual: Any, expected: float, name: str, rtol: float = RTOL, atol: float = ATOL) -> None:
    """A Python or numpy scalar (a 0-d or size-1 array is refused: the contract says float)."""
    if isinstance(actual, np.ndarray) or not isinstance(actual, (int, float, np.floating, np.integer)):
        raise GradingFailure(f"{name}: expected a float, got {_describe(actual)}")
    if isinstance(actual, bool):
        raise GradingFailure(f"{name}: expected a float, got a bool")
    assert_close(float(actual), float(expected), name, rtol=rtol, atol=atol, require_array=False)


def assert_equal(actual: Any, expected: Any, name: str) -> None:
    """Exact equality of plain values (ints, bools, strings); the value is not printed."""
    if type(actual) is not type(expected) and not (
        isinstance(actual, (int, np.integer)) and isinstance(expected, (int, np.integer))
        and not isinstance(actual, bool)
    ):
        raise GradingFailure(f"{name}: expected a {type(expected).__name__}, got {_describe(actual)}")
    if actual != expected:
        raise GradingFailure(f"{name}: wrong value (got {actual!r})")


def _index(flat: int, shape: tuple[int, ...]) -> tuple[int, ...] | tuple[()]:
    return tuple(int(i) for i in np.unravel_index(int(flat), shape)) if shape else ()


def rel_error(a: Any, b: Any) -> float:
    """CS231n's relative error, max |a-b| / max(1e-8, |a|+|b|)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))) if a.size else 0.0

