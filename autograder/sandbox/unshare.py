"""Fallback for hosts without bubblewrap (a GPU host): ``unshare`` + ``setpriv``.

The same guarantees as bwrap, built by hand: in private mount, PID, network,
IPC and UTS namespaces a shell script assembles a fresh root on a tmpfs
(read-only binds of the system and Python folders, the package and the
submission; a minimal /dev; private /tmp and /dev/shm; a new /proc),
``pivot_root``s into it and detaches the host's tree, then drops to a
per-sandbox uid with no capabilities. Nothing of the host that was not
bound in is reachable: not other assignments, not ``.git``, not host
sockets or world-writable folders.
"""

from __future__ import annotations

import os
import shlex
import shutil
from pathlib import Path

from autograder.sandbox.base import (
    PACKAGE_MOUNT, SUBMISSION_MOUNT, WORKER_MODULE, Backend, SandboxUnavailable, package_root,
    python_executable, python_roots, worker_env,
)
from autograder.sandbox.bwrap import SYSTEM_DIRS, setpriv_argv
from autograder.sandbox.process import UIDS, Limits, WorkerProcess, confine, cuda_devices

NEW_ROOT = "/mnt"  # a mount point in the private namespace; the host's /mnt is untouched
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")


class UnshareBackend(Backend):
    name = "unshare"

    def __init__(self) -> None:
        tools = ("unshare", "setpriv", "mount", "umount", "pivot_root")
        missing = [tool for tool in tools if shutil.which(tool, path="/usr/sbin:/usr/bin:/sbin:/bin") is None]
        if missing:
            raise SandboxUnavailable(f"missing tools for the unshare sandbox: {', '.join(missing)}")
        if os.geteuid() != 0:
            raise SandboxUnavailable("the unshare sandbox needs to start as root")

    def script(self, submission_dir: Path, limits: Limits, secrets: list[Path], uid: int) -> str:
        q = shlex.quote
        new = NEW_ROOT

        def bind_ro(source: str, target: str) -> list[str]:
            return [f"mkdir -p {q(new + target)}", f"mount --bind -o ro {q(source)} {q(new + target)}"]

        lines = ["set -e", "PATH=/usr/sbin:/usr/bin:/sbin:/bin",  # pivot_root lives in sbin
                 f"mount -t tmpfs -o size=16m,mode=0755 tmpfs {new}",
                 # /tmp first: a venv or checkout under /tmp is bound on top of it, not hidden by it
                 f"mkdir -p {new}/tmp", f"mount -t tmpfs -o size={limits.tmp_size_mb}m,mode=1777 tmpfs {new}/tmp"]
        for d in SYSTEM_DIRS:
            if os.path.islink(d):
                lines.append(f"ln -s {q(os.readlink(d))} {q(new + d)}")
            elif os.path.isdir(d):
                lines += bind_ro(d, d)
        mounted = []
        for root in python_roots():
            if not any(str(root).startswith(d + "/") for d in SYSTEM_DIRS):
                lines += bind_ro(str(root), str(root))
                mounted.append(root)
        for secret in secrets:  # never bound in; covered anyway should one sit inside a Python folder
            if any(m == secret or m in secret.parents for m in mounted):
                lines.append(f"mount -t tmpfs -o size=4k,mode=0 tmpfs {q(new + str(secret))}")
        lines += bind_ro(str(package_root()), f"{PACKAGE_MOUNT}/autograder")
        lines += bind_ro(str(submission_dir), SUBMISSION_MOUNT)
        lines += [f"mkdir -p {new}/dev", f"mount -t tmpfs -o size=64k,mode=0755 tmpfs {new}/dev"]
        for dev in [f"/dev/{n}" for n in DEVICES] + (cuda_devices() if limits.gpu else []):
            if os.path.exists(dev):
                lines += [f"touch {q(new + dev)}", f"mount --bind {q(dev)} {q(new + dev)}"]
        lines += [f"ln -s /proc/self/fd {new}/dev/fd",
                  f"mkdir -p {new}/dev/shm {new}/proc {new}/.oldroot",
                  f"mount -t tmpfs -o size={limits.shm_size_mb}m,mode=1777 tmpfs {new}/dev/shm",
                  f"mount -t proc proc {new}/proc",
                  f"cd {new}", "pivot_root . .oldroot", "umount -l /.oldroot", "rmdir /.oldroot", "cd /tmp",
                  "exec " + " ".join(q(a) for a in setpriv_argv(uid)
                                     + [python_executable(), "-s", "-B", "-m", WORKER_MODULE])]
        return "\n".join(lines)

    def start(self, submission_dir: Path, limits: Limits, secrets: list[Path]) -> WorkerProcess:
        uid, lock_fd = UIDS.acquire()
        argv = ["unshare", "--mount", "--net", "--ipc", "--uts", "--pid", "--fork", "--kill-child",
                "sh", "-c", self.script(submission_dir, limits, secrets, uid)]
        preexec, release = confine(limits)
        return WorkerProcess(argv, limits, env=worker_env(PACKAGE_MOUNT), submission_path=SUBMISSION_MOUNT,
                             preexec=preexec, cleanup=lambda: (release(), os.close(lock_fd)))
