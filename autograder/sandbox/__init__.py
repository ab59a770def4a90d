"""Sandbox backends that start the untrusted worker process."""

from __future__ import annotations

from autograder.sandbox.base import Backend, SandboxUnavailable
from autograder.sandbox.process import Limits, WorkerProcess

BACKENDS = ("local", "unshare", "docker", "zygote", "none")


def get_backend(name: str = "local") -> Backend:
    """Resolves a backend name; ``local`` falls back from bwrap to unshare.

    There is deliberately no silent fallback to ``none``: grading without a
    sandbox happens only when the caller names it.
    """
    if name == "none":
        from autograder.sandbox.unsandboxed import UnsandboxedBackend

        return UnsandboxedBackend()
    if name == "docker":
        from autograder.sandbox.docker_backend import DockerBackend

        return DockerBackend()
    if name == "zygote":
        from autograder.sandbox.zygote import shared_backend

        return shared_backend()
    if name == "unshare":
        from autograder.sandbox.unshare import UnshareBackend

        return UnshareBackend()
    if name == "local":
        from autograder.sandbox.bwrap import BwrapBackend
        from autograder.sandbox.unshare import UnshareBackend

        try:
            return BwrapBackend()
        except SandboxUnavailable as bwrap_error:
            try:
                return UnshareBackend()
            except SandboxUnavailable as unshare_error:
                raise SandboxUnavailable(
                    f"no sandbox is available here ({bwrap_error}; {unshare_error}). "
                    "Install bubblewrap, or pass --backend none to run without a sandbox."
                ) from None
    raise SandboxUnavailable(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")


__all__ = ["BACKENDS", "Backend", "Limits", "SandboxUnavailable", "WorkerProcess", "get_backend"]
