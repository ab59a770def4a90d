"""A running worker as the judge sees it: two pipes, a process group, limits.

Every read and write on the worker's pipes carries a deadline, so a worker
that stops reading or writing cannot block the judge, and the worker's own
stderr is drained by a thread that keeps only a bounded head.
"""

from __future__ import annotations

import errno
import fcntl
import os
import resource
import select
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from autograder.codec import Frame, FrameReader, FrameTimeout
from autograder.codec.framing import encode_frame

MiB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Resource limits of one worker; defaults come from assignment.toml."""

    call_timeout: float = 10.0
    total_timeout: float = 300.0
    memory_mb: int = 2048
    cpu_seconds: int = 600
    file_size_mb: int = 16
    processes: int = 64
    tmp_size_mb: int = 64
    shm_size_mb: int = 256
    output_cap: int = 8192
    max_message_mb: int = 256
    gpu: bool = False


def confine(limits: Limits) -> tuple[Callable[[], None], Callable[[], None]]:
    """(preexec_fn, cleanup): rlimits, and a memory cgroup for the whole worker where the host allows one.

    RLIMIT_AS bounds each process, so a worker could fork its way past it;
    the cgroup bounds them all together, and is the only memory limit where
    CUDA rules out RLIMIT_AS. Only lowers limits (root here cannot raise them).
    """
    from autograder.sandbox.cgroup import MemoryCgroup

    cuda = limits.gpu and bool(cuda_devices())
    try:
        cgroup: MemoryCgroup | None = MemoryCgroup(limits.memory_mb, limits.processes)
    except OSError:
        if cuda:
            raise
        cgroup = None  # no cgroups here (not root, read-only cgroupfs): RLIMIT_AS per process only

    def apply() -> None:
        def lower(kind: int, value: int) -> None:
            soft, hard = resource.getrlimit(kind)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(kind, (value, value))

        lower(resource.RLIMIT_CPU, limits.cpu_seconds)
        lower(resource.RLIMIT_FSIZE, limits.file_size_mb * MiB)
        lower(resource.RLIMIT_NPROC, limits.processes)
        lower(resource.RLIMIT_CORE, 0)
        if not cuda:  # RLIMIT_AS breaks CUDA's address-space reservations
            lower(resource.RLIMIT_AS, limits.memory_mb * MiB)
        if cgroup is not None:
            cgroup.join()

    return apply, (cgroup.remove if cgroup is not None else lambda: None)


def cuda_devices() -> list[str]:
    """The NVIDIA device nodes of this host (none: the worker runs on the CPU, with RLIMIT_AS)."""
    return sorted(str(p) for p in Path("/dev").glob("nvidia*"))


class UidPool:
    """Gives each concurrent sandbox its own uid.

    RLIMIT_NPROC counts processes per real uid across the whole machine, so
    two sandboxes sharing a uid would share (and exhaust) one process budget.
    A uid is held by an flock on a file, which the kernel releases even when
    the grader is killed.
    """

    def __init__(self, first: int = 61000, count: int = 2000) -> None:
        self._first, self._count = first, count
        self._dir = Path(tempfile.gettempdir()) / "autograder-uids"

    def acquire(self) -> tuple[int, int]:
        self._dir.mkdir(mode=0o700, exist_ok=True)
        start = os.getpid() % self._count
        for k in range(self._count):
            uid = self._first + (start + k) % self._count
            fd = os.open(self._dir / f"{uid}.lock", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return uid, fd
            except OSError:
                os.close(fd)
        raise RuntimeError("no free sandbox uid")


UIDS = UidPool()


class _BoundedDrain(threading.Thread):
    """Reads a pipe to its end, keeping at most ``cap`` bytes."""

    def __init__(self, fd: int, cap: int) -> None:
        super().__init__(daemon=True)
        self._fd, self._cap = fd, cap
        self.data = bytearray()

    def run(self) -> None:
        while True:
            try:
                chunk = os.read(self._fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            if len(self.data) < self._cap:
                self.data.extend(chunk[: self._cap - len(self.data)])


class WorkerProcess:
    """One sandboxed worker process and its protocol pipes."""

    def __init__(self, argv: Sequence[str], limits: Limits, env: dict[str, str], submission_path: str,
                 cwd: str | None = None, preexec: Callable[[], None] | None = None,
                 cleanup: Callable[[], None] | None = None) -> None:
        self.limits = limits
        self.submission_path = submission_path  # where the worker sees the submission
        self._cleanup = cleanup
        self.proc = subprocess.Popen(
            list(argv), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, cwd=cwd, start_new_session=True, preexec_fn=preexec, close_fds=True,
        )
        assert self.proc.stdin and self.proc.stdout and self.proc.stderr
        self._in_fd = self.proc.stdin.fileno()
        os.set_blocking(self._in_fd, False)
        self._reader = FrameReader(self.proc.stdout.fileno(), limits.max_message_mb * MiB)
        self._stderr = _BoundedDrain(self.proc.stderr.fileno(), 16384)
        self._stderr.start()

    def send(self, frame: Frame, deadline: float) -> None:
        data = memoryview(encode_frame(frame))
        while data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FrameTimeout()
            _, ready, _ = select.select([], [self._in_fd], [], remaining)
            if not ready:
                raise FrameTimeout()
            try:
                n = os.write(self._in_fd, data[: 1 << 20])
            except BlockingIOError:
                continue
            except BrokenPipeError:
                from autograder.codec import PeerClosed

                raise PeerClosed("the worker is gone") from None
            data = data[n:]

    def recv(self, deadline: float) -> Frame:
        return self._reader.read(deadline)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def exit_description(self) -> str:
        code = self.proc.poll()
        if code is None:
            return "still running"
        # a sandbox launcher (bwrap, unshare) reports its child's death by signal N as status 128 + N
        signum = -code if code < 0 else code - 128 if 128 < code < 128 + signal.NSIG else 0
        if signum:
            sig = signal.Signals(signum).name
            reason = {"SIGKILL": "killed: out of memory or a limit", "SIGXCPU": "CPU time limit",
                      "SIGSEGV": "segmentation fault", "SIGXFSZ": "file size limit",
                      "SIGABRT": "aborted"}.get(sig, sig)
            return f"was terminated by {sig} ({reason})"
        return f"exited with status {code}"

    def stderr_tail(self, limit: int = 2000) -> str:
        return bytes(self._stderr.data[-limit:]).decode("utf-8", "replace")

    def kill(self) -> None:
        """Kills the whole process group; the PID namespace takes the rest."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            except PermissionError:
                self.proc.kill()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError as exc:
                if exc.errno not in (errno.EPIPE, errno.EBADF):
                    raise
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self._stderr.join(timeout=1)
        if self._cleanup is not None:
            self._cleanup()
            self._cleanup = None
