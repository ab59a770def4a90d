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
import types
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np

from autograder.assignments import Assignment, Mutant
from autograder.judge.errors import StudentCodeError
from autograder.judge.proxy import CallRecord
from autograder.judge.trusted_code import load_mutant, load_reference

_FUNCTIONS = (types.FunctionType, types.MethodType, types.BuiltinFunctionType)
MATCH_RTOL = 1e-6
MATCH_ATOL = 1e-9


def values_match(a: Any, b: Any, depth: int = 0) -> bool:
    """Loose structural equality for results (arrays, numbers, containers, sympy)."""
    if depth > 20:
        return False
    sp = sys.modules.get("sympy")
    if sp is not None and isinstance(a, sp.Basic) != isinstance(b, sp.Basic):
        return False  # never evaluate a student's expression numerically just to compare it with an array
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
    if isinstance(a, _FUNCTIONS) and isinstance(b, _FUNCTIONS):
        # the test's own functions: a replayed bound method is a copy, so compare what would run
        return getattr(a, "__func__", a) is getattr(b, "__func__", b)
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


@dataclass
class Outcome:
    """What one version of a call did: its result and its arguments afterwards, or the exception it raised."""

    result: Any = None
    after: Any = None
    error: str | None = None  # exception type name

    @classmethod
    def observed(cls, record: CallRecord) -> "Outcome | None":
        if isinstance(record.error, StudentCodeError):
            return cls(error=record.error.type_name)
        if record.error is not None or record.after is None:
            return None  # a timeout or a crash says nothing about which mistake it is
        return cls(record.result, record.after)

    def same_as(self, other: "Outcome", before: tuple) -> bool:
        """Equal behaviour; with ``before`` given, arguments either side left untouched are not compared.

        The loose form lets a student who updates ``w`` in place (or returns a
        fresh config) match a mutant written the other way round.
        """
        if self.error or other.error:
            return self.error == other.error
        if not values_match(self.result, other.result):
            return False
        if not before:
            return values_match(self.after, other.after)
        mine, theirs = _flatten_args(self.after), _flatten_args(other.after)
        return all(values_match(a, b) or values_match(a, o) or values_match(b, o)
                   for a, b, o in zip(mine, theirs, _flatten_args(before)))


def _flatten_args(args_kwargs: tuple) -> list:
    args, kwargs = args_kwargs
    return list(args) + [kwargs[k] for k in sorted(kwargs)]


def _replay(module: Any, record: CallRecord) -> Outcome | None:
    """``module``'s version of the call, on a private copy of the recorded arguments."""
    fn = getattr(module, record.function, None)
    if fn is None:
        return None
    args, kwargs = copy.deepcopy((record.args, record.kwargs))
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):  # overflow is what some mutants are about
            warnings.simplefilter("ignore")
            return Outcome(fn(*args, **kwargs), (args, kwargs))
    except Exception as exc:  # noqa: BLE001 - an exception is behaviour too (a crash on config=None)
        return Outcome(error=type(exc).__name__)


def diagnose(assignment: Assignment, calls: Iterable[CallRecord],
             mutants: list[Mutant] | None = None) -> list[Mutant]:
    """Mutants that explain the wrong results among ``calls``, most votes first."""
    mutants = assignment.mutants() if mutants is None else mutants
    if not mutants or not assignment.reference.exists():
        return []
    reference = load_reference(assignment.reference)
    votes: Counter[str] = Counter()
    for record in calls:
        if not record.replayable:
            continue
        observed = Outcome.observed(record)
        expected = _replay(reference, record)
        if observed is None or expected is None or expected.error or observed.same_as(expected, ()):
            continue
        predictions = [(m, _replay(load_mutant(assignment.reference, m.path), record)) for m in mutants]
        predictions = [(m, p) for m, p in predictions if p is not None and not p.same_as(expected, ())]
        strict = [m for m, p in predictions if observed.same_as(p, ())]
        before = (record.args, record.kwargs)
        for m in strict or [m for m, p in predictions if observed.same_as(p, before)]:
            votes[m.name] += 1
    by_name = {m.name: m for m in mutants}
    return [by_name[name] for name, _ in votes.most_common()]
