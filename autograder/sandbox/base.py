"""What every sandbox backend provides: a way to start one worker.

The judge never knows which backend it talks to; the worker protocol is the
same over bubblewrap, unshare, Docker or a plain subprocess.
"""

from __future__ import annotations

import os
import sys
from abc import ABC, abstractmethod
from pathlib import Path

import autograder
from autograder.sandbox.process import Limits, WorkerProcess

WORKER_MODULE = "autograder.worker"
SUBMISSION_MOUNT = "/submission"
PACKAGE_MOUNT = "/opt/autograder"


class SandboxUnavailable(RuntimeError):
    """The backend cannot run on this machine; the message says why."""


def package_root() -> Path:
    """The folder holding the ``autograder`` package (the worker's code)."""
    return Path(autograder.__file__).resolve().parent


def worker_env(pythonpath: str, home: str = "/tmp") -> dict[str, str]:
    """A minimal environment: nothing of the judge's (tokens, paths) leaks in."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": "/tmp" if home == "/tmp" else home,
        "PYTHONPATH": pythonpath,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONUNBUFFERED": "1",
        "OMP_NUM_THREADS": os.environ.get("AUTOGRADER_WORKER_THREADS", "1"),
        "OPENBLAS_NUM_THREADS": os.environ.get("AUTOGRADER_WORKER_THREADS", "1"),
        "MKL_NUM_THREADS": os.environ.get("AUTOGRADER_WORKER_THREADS", "1"),
        "MPLBACKEND": "Agg",
        "LANG": "C.UTF-8",
    }


def python_roots() -> list[Path]:
    """Folders the worker's interpreter and its libraries live in."""
    roots = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()}
    for entry in sys.path:
        path = Path(entry).resolve() if entry else None
        # only library folders: a source checkout on sys.path may hold hidden tests
        if path and path.is_dir() and {"site-packages", "dist-packages"} & set(path.parts):
            roots.add(path)
    return sorted(r for r in roots if not any(o in r.parents for o in roots))


def python_executable() -> str:
    return sys.executable


class Backend(ABC):
    """Starts workers; ``sandboxed`` is False only for the explicit ``none`` backend."""

    name: str
    sandboxed: bool = True

    @abstractmethod
    def start(self, submission_dir: Path, limits: Limits, secrets: list[Path]) -> WorkerProcess:
        """Start a worker that can read ``submission_dir`` and none of ``secrets``."""
