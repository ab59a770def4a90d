"""The unsafe baseline for benchmarks: a hidden suite run with the submission imported in-process.

The handout's in-process plugin (what plain ``pytest`` uses on a student's
machine) plus the judge-only fixtures a hidden suite needs, with the
reference standing in as the submission. This is the design the grader
replaces; it exists only to measure what the trust boundary costs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from autograder.assignments import Assignment, get_assignment
from autograder.authoring.inprocess import InProcessPlugin, InProcessSubmission, module_namespace


class InProcess(InProcessPlugin):
    def __init__(self, name: str, course: str) -> None:
        self._spec: Assignment = get_assignment(name, Path(course))
        submission = InProcessSubmission(module_namespace(self._spec.reference, self._spec.module),
                                         str(self._spec.reference))
        super().__init__(submission, self._spec.name, self._spec.seed, self._spec.root)

    @pytest.fixture(scope="session")
    def reference(self) -> Any:
        return self._submission

    @pytest.fixture(scope="session")
    def assignment(self) -> Assignment:
        return self._spec
