"""The ``local`` backend: bubblewrap, then an unprivileged uid.

bwrap runs as root *without* a user namespace (a uid mapped inside one is
still root on the files), builds a fresh root from read-only binds of the
system and Python folders plus the submission, and then ``setpriv`` drops to
a per-sandbox uid with no capabilities and no-new-privs. Hidden tests and
references are never mounted; if one lies under a mounted folder anyway, an
empty tmpfs is laid over it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from autograder.sandbox.base import (
    PACKAGE_MOUNT, SUBMISSION_MOUNT, WORKER_MODULE, Backend, SandboxUnavailable, package_root,
    python_executable, python_roots, worker_env,
)
from autograder.sandbox.process import UIDS, Limits, WorkerProcess, cuda_devices, confine

SYSTEM_DIRS = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc")


def setpriv_argv(uid: int) -> list[str]:
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]


def _dirs_with_parents(target: Path) -> list[str]:
    """bwrap creates missing parents 0700; create them 0755 so the uid can pass."""
    args: list[str] = []
    for parent in reversed(target.parents):
        if str(parent) not in ("/", "/tmp"):  # /tmp is already a 1777 tmpfs
            args += ["--perms", "0755", "--dir", str(parent)]
    return args


class BwrapBackend(Backend):
    name = "local"

    def __init__(self) -> None:
        self.bwrap = shutil.which("bwrap")
        if self.bwrap is None:
            raise SandboxUnavailable("bubblewrap (bwrap) is not installed: apt-get install -y bubblewrap")
        if os.geteuid() != 0:
            raise SandboxUnavailable("the local sandbox drops to a per-job uid and needs to start as root")

    def argv(self, submission_dir: Path, limits: Limits, secrets: list[Path], uid: int) -> list[str]:
        args = [self.bwrap or "bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                "--unshare-cgroup-try", "--die-with-parent", "--new-session"]
        for d in SYSTEM_DIRS:
            if os.path.islink(d):
                args += ["--symlink", os.readlink(d), d]
            elif os.path.isdir(d):
                args += ["--ro-bind", d, d]
        # /tmp first: a venv or checkout under /tmp is bound on top of the fresh tmpfs, not hidden by it
        args += ["--proc", "/proc", "--dev", "/dev",
                 "--perms", "1777", "--size", str(limits.tmp_size_mb << 20), "--tmpfs", "/tmp",
                 "--perms", "1777", "--size", str(limits.shm_size_mb << 20), "--tmpfs", "/dev/shm"]
        mounted: list[Path] = []
        for root in python_roots():
            if not any(str(root).startswith(d + "/") for d in SYSTEM_DIRS):
                args += _dirs_with_parents(root) + ["--ro-bind", str(root), str(root)]
                mounted.append(root)
        for secret in secrets:
            if any(m == secret or m in secret.parents for m in mounted):
                args += ["--tmpfs", str(secret)]
        args += [*_dirs_with_parents(Path(PACKAGE_MOUNT) / "autograder"),
                 "--ro-bind", str(package_root()), f"{PACKAGE_MOUNT}/autograder",
                 "--ro-bind", str(submission_dir), SUBMISSION_MOUNT,
                 "--chdir", "/tmp"]
        if limits.gpu:
            for dev in cuda_devices():
                args += ["--dev-bind", dev, dev]
        return args + setpriv_argv(uid) + [python_executable(), "-s", "-B", "-m", WORKER_MODULE]

    def start(self, submission_dir: Path, limits: Limits, secrets: list[Path]) -> WorkerProcess:
        uid, lock_fd = UIDS.acquire()
        argv = self.argv(submission_dir, limits, secrets, uid)
        preexec, release = confine(limits)
        return WorkerProcess(argv, limits, env=worker_env(PACKAGE_MOUNT), submission_path=SUBMISSION_MOUNT,
                             preexec=preexec, cleanup=lambda: (release(), os.close(lock_fd)))
