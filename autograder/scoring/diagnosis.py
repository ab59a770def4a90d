"""Names a student's mistake by behaviour: replaying failed calls on the mutants.

For every call a failing test made, the recorded arguments are replayed on
the reference and on each known mutant inside the judge (both are trusted
instructor code). A mutant explains the call when the student's result
matches the mutant's and the mutant's differs from the reference's. Matching
on results, not on source text, also catches a differently written
submission that makes the same mistake.
"""

from __future__ import annotations

import copy
import math
import sys
import warnings
from collections import Counter
from typing import Any, Iterable

import numpy as np

from autograder.assignments import Assignment, Mutant
from autograder.judge.proxy import CallRecord
from autograder.judge.trusted_code import load_mutant, load_reference

MATCH_RTOL = 1e-6
MATCH_ATOL = 1e-9


def values_match(a: Any, b: Any, depth: int = 0) -> bool:
    """Loose structural equality for results (arrays, numbers, containers, sympy)."""
    if depth > 20:
        return False
    torch = sys.modules.get("torch")
    if torch is not None:
        a = a.detach().cpu().double().numpy() if isinstance(a, torch.Tensor) else a
        b = b.detach().cpu().double().numpy() if isinstance(b, torch.Tensor) else b
    if isinstance(a, (np.ndarray, np.generic)) or isinstance(b, (np.ndarray, np.generic)):
        try:
            x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        except (TypeError, ValueError):
            return False
        return x.shape == y.shape and bool(np.allclose(x, y, rtol=MATCH_RTOL, atol=MATCH_ATOL, equal_nan=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int) and isinstance(b, int):
        return a == b  # exact: counters, iteration counts, 128-bit generator states
    if isinstance(a, np.random.Generator) and isinstance(b, np.random.Generator):
        return values_match(a.bit_generator.state, b.bit_generator.state, depth + 1)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=MATCH_RTOL, abs_tol=MATCH_ATOL)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(values_match(x, y, depth + 1) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(values_match(a[k], b[k], depth + 1) for k in a)
    if "sympy" in sys.modules and isinstance(a, sys.modules["sympy"].Basic):
        return _sympy_match(a, b)
    return type(a) is type(b) and a == b


def _sympy_match(a: Any, b: Any) -> bool:
    import sympy as sp

    if not isinstance(b, sp.Basic):
        return False
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    rng = np.random.default_rng(0)
    for _ in range(8):
        point = {s: sp.Float(rng.uniform(-2, 2)) for s in symbols}
        try:
            if abs(complex(a.evalf(subs=point)) - complex(b.evalf(subs=point))) > 1e-8:
                return False
        except (TypeError, ValueError):
            return False
    return True


def _replay(module: Any, record: CallRecord) -> tuple[bool, Any]:
    """(ran, (result, arguments after the call)) of ``module``'s version of the call."""
    fn = getattr(module, record.function, None)
    if fn is None:
        return False, None
    args, kwargs = copy.deepcopy((record.args, record.kwargs))
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):  # overflow is what some mutants are about
            warnings.simplefilter("ignore")
            return True, (fn(*args, **kwargs), (args, kwargs))
    except Exception:  # noqa: BLE001 - a mutant that raises simply does not match
        return False, None


def diagnose(assignment: Assignment, calls: Iterable[CallRecord],
             mutants: list[Mutant] | None = None) -> list[Mutant]:
    """Mutants that explain the wrong results among ``calls``, most votes first."""
    mutants = assignment.mutants() if mutants is None else mutants
    if not mutants or not assignment.reference.exists():
        return []
    reference = load_reference(assignment.reference)
    votes: Counter[str] = Counter()
    for record in calls:
        if record.error is not None or record.after is None:
            continue
        observed = (record.result, record.after)
        ok, expected = _replay(reference, record)
        if not ok or values_match(observed, expected):
            continue
        for m in mutants:
            ok, predicted = _replay(load_mutant(assignment.reference, m.path), record)
            if ok and values_match(observed, predicted) and not values_match(predicted, expected):
                votes[m.name] += 1
    by_name = {m.name: m for m in mutants}
    return [by_name[name] for name, _ in votes.most_common()]
