"""The unsafe baseline for benchmarks: a hidden suite run with the submission imported in-process.

It provides the grading plugin's fixtures, but ``submission`` is the module
itself. This is the design the grader replaces; it exists only to measure
what the trust boundary costs.
"""

from __future__ import annotations

import importlib.util
import zlib

import numpy as np
import pytest


def load(path: str):
    spec = importlib.util.spec_from_file_location("submission_in_process", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class InProcess:
    def __init__(self, path: str) -> None:
        self.module = load(path)

    @pytest.fixture(scope="session")
    def submission(self):
        return self.module

    @pytest.fixture(scope="session")
    def reference(self):
        return self.module

    @pytest.fixture
    def seed(self, request):
        return zlib.crc32(request.node.nodeid.encode())

    @pytest.fixture
    def rng(self, seed):
        return np.random.default_rng(seed)

    @pytest.fixture
    def add_figure(self):
        return lambda title, fig: None

    def pytest_configure(self, config):
        for marker in ("points", "hint", "visibility", "tags"):
            config.addinivalue_line("markers", marker)
