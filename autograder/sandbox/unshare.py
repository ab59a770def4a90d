"""Fallback for hosts without bubblewrap (a GPU host): ``unshare`` + ``setpriv``.

The same guarantees as bwrap, built by hand in a private mount namespace:
no network, a fresh PID namespace (killing the leader takes every
descendant), private /tmp and /dev/shm, the submission read-only, hidden
folders covered by empty tmpfs mounts, then a per-sandbox uid with no
capabilities. The host's root file system stays visible read-only by
permissions only, which is why the secrets are covered explicitly.
"""

from __future__ import annotations

import os
import shlex
import shutil
import stat
from pathlib import Path

from autograder.sandbox.base import (
    WORKER_MODULE, Backend, SandboxUnavailable, package_root, python_executable, python_roots,
    worker_env,
)
from autograder.sandbox.bwrap import setpriv_argv
from autograder.sandbox.process import UIDS, Limits, WorkerProcess, confine

STAGE = "/mnt"


def _closed_ancestor(path: Path) -> Path | None:
    """The outermost folder on the way to ``path`` that others cannot enter."""
    for parent in reversed(path.parents):
        if str(parent) != "/" and not os.stat(parent).st_mode & stat.S_IXOTH:
            return parent
    return None


class UnshareBackend(Backend):
    name = "unshare"

    def __init__(self) -> None:
        missing = [tool for tool in ("unshare", "setpriv", "mount") if shutil.which(tool) is None]
        if missing:
            raise SandboxUnavailable(f"missing tools for the unshare sandbox: {', '.join(missing)}")
        if os.geteuid() != 0:
            raise SandboxUnavailable("the unshare sandbox needs to start as root")

    def script(self, submission_dir: Path, limits: Limits, secrets: list[Path], uid: int) -> str:
        q = shlex.quote
        lines = ["set -e", f"mount -t tmpfs -o size=1m,mode=0755 tmpfs {STAGE}",
                 f"mkdir -p {STAGE}/submission {STAGE}/pkg/autograder",
                 f"mount --bind -o ro {q(str(submission_dir))} {STAGE}/submission",
                 f"mount --bind -o ro {q(str(package_root()))} {STAGE}/pkg/autograder"]
        restore: list[str] = []
        for i, root in enumerate(python_roots()):
            # a Python behind a closed folder (/root) or under /tmp (hidden by the new tmpfs) is re-mounted
            closed = _closed_ancestor(root)
            if closed is not None or Path("/tmp") in root.parents:
                lines += [f"mkdir -p {STAGE}/py{i}", f"mount --bind -o ro {q(str(root))} {STAGE}/py{i}"]
                if closed is not None and Path("/tmp") not in root.parents:
                    restore.append(f"mountpoint -q {q(str(closed))} || "
                                   f"mount -t tmpfs -o mode=0755 tmpfs {q(str(closed))}")
                restore += [f"mkdir -p {q(str(root))}", f"mount --bind -o ro {STAGE}/py{i} {q(str(root))}"]
        lines += [f"mount -t tmpfs -o size=4k,mode=0 tmpfs {q(str(s))}" for s in secrets if s.exists()]
        lines += [f"mount -t tmpfs -o size={limits.tmp_size_mb}m,mode=1777 tmpfs /tmp",
                  f"mount -t tmpfs -o size={limits.shm_size_mb}m,mode=1777 tmpfs /dev/shm"]
        lines += restore
        lines += ["cd /tmp",
                  "exec " + " ".join(q(a) for a in setpriv_argv(uid) + [python_executable(), "-s", "-B", "-m", WORKER_MODULE])]
        return "\n".join(lines)

    def start(self, submission_dir: Path, limits: Limits, secrets: list[Path]) -> WorkerProcess:
        uid, lock_fd = UIDS.acquire()
        argv = ["unshare", "--mount", "--net", "--ipc", "--uts", "--pid", "--fork", "--kill-child",
                "--mount-proc", "sh", "-c", self.script(submission_dir, limits, secrets, uid)]
        preexec, release = confine(limits)
        return WorkerProcess(argv, limits, env=worker_env(f"{STAGE}/pkg"), submission_path=f"{STAGE}/submission",
                             preexec=preexec, cleanup=lambda: (release(), os.close(lock_fd)))
