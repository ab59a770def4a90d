"""Random generators for the hidden suite that diagnosis can compare.

Every function under test takes a ``np.random.Generator``. The codec sends it
to the worker as its bit-generator state and copies the advanced state back
after the call, so the test's generator ends where the student's code left
it. Diagnosis then compares the arguments after the call (the generator
included) between the student and each replayed mutant; a plain Generator
compares by identity, so two generators in the same state would never be
"equal" and no call with an ``rng`` argument could be diagnosed. The
subclass below compares by state and keeps its class through ``deepcopy``
(the call log and the replay both deep-copy arguments).
"""

from __future__ import annotations

import copy
from typing import Callable

import numpy as np
import pytest


class ComparableGenerator(np.random.Generator):
    """A Generator that is equal to another Generator in the same state."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, np.random.Generator):
            return NotImplemented
        return _same_state(self.bit_generator.state, other.bit_generator.state)

    __hash__ = None  # type: ignore[assignment]

    def __deepcopy__(self, memo: dict) -> "ComparableGenerator":
        return ComparableGenerator(copy.deepcopy(self.bit_generator, memo))


def _same_state(a: object, b: object) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_state(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(a, b)
    return a == b


@pytest.fixture
def make_rng(seed: int) -> Callable[[int], ComparableGenerator]:
    """``make_rng(k)``: a fresh PCG64 generator, the same for the same k within a test."""
    def make(k: int = 0) -> ComparableGenerator:
        return ComparableGenerator(np.random.PCG64([seed, k]))

    return make
