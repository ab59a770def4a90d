"""The ``none`` backend: a plain subprocess, for a student's own machine.

The worker is still a separate process (the judge never imports student
code), but nothing stops it reading files or using the network. It is only
used when asked for by name, and every result it produces says so.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from autograder.sandbox.base import WORKER_MODULE, Backend, package_root, python_executable, worker_env
from autograder.sandbox.process import Limits, WorkerProcess, confine

WARNING = ("UNSANDBOXED: the submission ran as a plain process with no sandbox "
           "(--backend none); its results must not be trusted for grading.")


class UnsandboxedBackend(Backend):
    name = "none"
    sandboxed = False

    def start(self, submission_dir: Path, limits: Limits, secrets: list[Path]) -> WorkerProcess:
        home = tempfile.mkdtemp(prefix="autograder-worker-")
        env = worker_env(str(package_root().parent), home=home)
        preexec, release = confine(limits)
        return WorkerProcess([python_executable(), "-s", "-B", "-m", WORKER_MODULE], limits, env=env,
                             submission_path=str(submission_dir), cwd=home, preexec=preexec,
                             cleanup=lambda: (release(), shutil.rmtree(home, ignore_errors=True)))
