"""Shared fixtures for the framework's own tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder.assignments import Assignment, get_assignment
from autograder.sandbox import Backend, SandboxUnavailable, get_backend

FIXTURE_COURSE = Path(__file__).parent / "fixtures" / "course"


@pytest.fixture(scope="session")
def course() -> Path:
    return FIXTURE_COURSE


@pytest.fixture(scope="session")
def toy() -> Assignment:
    return get_assignment("toy", FIXTURE_COURSE)


def backend_or_skip(name: str) -> Backend:
    if name != "none" and os.geteuid() != 0:
        pytest.skip(f"the {name} sandbox needs root")
    try:
        return get_backend(name)
    except SandboxUnavailable as exc:
        pytest.skip(f"{name} sandbox unavailable: {exc}")


@pytest.fixture(params=["local", "unshare", "none"])
def any_backend(request: pytest.FixtureRequest) -> Backend:
    """Every backend that runs here: the protocol must behave the same on all."""
    return backend_or_skip(request.param)


@pytest.fixture
def local_backend() -> Backend:
    return backend_or_skip("local")
