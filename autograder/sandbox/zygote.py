"""The ``zygote`` backend: one pre-imported sandboxed template per judge, forked per submission.

The ``local`` backend pays bwrap, Python start-up and the imports (numpy,
sympy, torch: 0.3-1 s) for every worker. Here that is paid once per judge
process: a template ("zygote", ``autograder.worker.zygote_main``) is started
through bwrap with exactly the ``local`` backend's mounts (no network, own
PID namespace, private /tmp and /dev/shm, read-only system, secrets never
mounted), except that

* it stays root inside (no user namespace, no ``setpriv``), holding only the
  capabilities it needs to confine its children (``ZYGOTE_CAPS``), and
* ``/submission`` is this judge's *slot* folder, read-only; each job gets
  ``/submission/<job>``, copied in by the judge before the job starts, owned
  by the job's uid and mode 0500, so no other uid can read it.

It imports the worker's code and the modules the assignment needs, and
waits. For each worker the judge makes the three pipes, picks a fresh uid
(never the previous job's) and passes the child's ends over a Unix socket
(SCM_RIGHTS); the zygote forks and the child confines itself after the
fork (setsid, rlimits, empty bounding set, the uid with no groups and no
capabilities, no-new-privs, private TMPDIR/HOME) and runs the normal worker.
When the judge kills the job, or the job ends, the zygote kills every
process of that uid, removes its files from /tmp and /dev/shm and its IPC
objects, and only then reports the job done; the judge then removes the
job's slot folder and frees the uid. If the zygote dies, the next ``start``
starts another.

To the judge a worker is the same ``WorkerProcess`` as on every backend.
"""

from __future__ import annotations

import ast
import atexit
import itertools
import json
import os
import resource
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterable, Sequence

from autograder.sandbox import process
from autograder.sandbox.base import (
    PACKAGE_MOUNT, SUBMISSION_MOUNT, WORKER_MODULE, Backend, SandboxUnavailable, python_executable, worker_env,
)
from autograder.sandbox.bwrap import BwrapBackend, setpriv_argv
from autograder.sandbox.process import MiB, Limits, WorkerProcess, _BoundedDrain, cuda_devices

ZYGOTE_MODULE = "autograder.worker.zygote_main"
PRELOAD_ALWAYS = ("numpy", "numpy.random")  # numpy.random loads lazily; each child reseeds it
# what the template needs to confine its children, and nothing else: no CAP_SYS_ADMIN (mounts,
# namespaces), no CAP_SYS_PTRACE, no CAP_NET_*; the children drop even these before any student code
ZYGOTE_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP", "CAP_KILL", "CAP_CHOWN", "CAP_DAC_OVERRIDE",
               "CAP_DAC_READ_SEARCH", "CAP_FOWNER")
SLOT_PREFIX = "autograder-zygote-"
START_TIMEOUT = 120.0  # the template's own start-up: bwrap, Python, the preloads
CONTROL_TIMEOUT = 30.0  # one spawn, or one kill and clean-up


class ZygoteGone(RuntimeError):
    """The template process died or stopped answering."""


# --------------------------------------------------------------------------------------------
# What to preload
# --------------------------------------------------------------------------------------------
def top_level_imports(path: Path) -> list[str]:
    """Modules a reference imports at module level (not inside functions, not for type checking).

    Modules that are files next to the reference (its own helpers: secrets) are left out.
    """
    tree = ast.parse(path.read_text(), str(path))
    names: list[str] = []

    def type_checking(test: ast.expr) -> bool:
        return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
            (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import):
                names.extend(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level == 0 and node.module:
                    names.append(node.module)
            elif isinstance(node, ast.If):
                if not type_checking(node.test):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
                visit(node.body)  # type: ignore[attr-defined]
                for handler in node.handlers:  # type: ignore[attr-defined]
                    visit(handler.body)
                visit(node.orelse)  # type: ignore[attr-defined]
                visit(node.finalbody)  # type: ignore[attr-defined]

    visit(tree.body)
    local = {p.stem for p in path.parent.glob("*.py")} | {p.name for p in path.parent.iterdir() if p.is_dir()}
    return [n for n in dict.fromkeys(names) if n.partition(".")[0] not in local | {"__future__"}]


def preload_list(modules: Iterable[str], forbidden: Iterable[str]) -> tuple[str, ...]:
    """numpy first, then ``modules``, without the forbidden ones (by top-level package)."""
    banned = set(forbidden)
    return tuple(m for m in dict.fromkeys([*PRELOAD_ALWAYS, *modules]) if m.partition(".")[0] not in banned)


# --------------------------------------------------------------------------------------------
# The template process, seen from the judge
# --------------------------------------------------------------------------------------------
class Template:
    """One running zygote: its bwrap process, its control socket and its slot folder."""

    def __init__(self, limits: Limits, secrets: list[Path], preload: Sequence[str], forbidden: Sequence[str]) -> None:
        self.owner = os.getpid()
        self.lock = threading.RLock()
        self.done: dict[int, dict] = {}
        self.dead = False
        _sweep_stale_slots()
        _stop_at_exit()
        self.slot = Path(tempfile.mkdtemp(prefix=f"{SLOT_PREFIX}{self.owner}-"))
        os.chmod(self.slot, 0o711)  # jobs may enter their own folder, not list the others
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.control = ours
        try:
            argv = self.argv(limits, secrets, theirs.fileno(), preload, forbidden)
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                env=worker_env(PACKAGE_MOUNT), pass_fds=(theirs.fileno(),), start_new_session=True,
                preexec_fn=_no_core_dumps, close_fds=True)
        except BaseException:
            ours.close()
            shutil.rmtree(self.slot, ignore_errors=True)
            raise
        finally:
            theirs.close()
        assert self.proc.stderr is not None
        self._stderr = _BoundedDrain(self.proc.stderr.fileno(), 16384)
        self._stderr.start()
        try:
            self.ready = self._next(time.monotonic() + START_TIMEOUT, lambda m: m.get("op") == "ready")
        except ZygoteGone as exc:
            self.stop()
            raise SandboxUnavailable(f"the zygote did not start ({exc}): {self.stderr_tail()}") from None

    def argv(self, limits: Limits, secrets: list[Path], fd: int, preload: Sequence[str],
              forbidden: Sequence[str]) -> list[str]:
        """The ``local`` backend's bwrap command for the slot, up to its ``setpriv``, then the template."""
        probe_uid = 65534
        local = BwrapBackend().argv(self.slot, limits, secrets, probe_uid)
        tail = setpriv_argv(probe_uid) + [python_executable(), "-s", "-B", "-m", WORKER_MODULE]
        if local[-len(tail):] != tail or SUBMISSION_MOUNT not in local:
            raise SandboxUnavailable("the local backend's bwrap command changed shape: "
                                     "update autograder/sandbox/zygote.py")
        caps = ["--cap-drop", "ALL"] + [arg for cap in ZYGOTE_CAPS for arg in ("--cap-add", cap)]
        config = json.dumps({"preload": list(preload), "forbidden": list(forbidden)})
        return local[:-len(tail)] + caps + [python_executable(), "-s", "-B", "-m", ZYGOTE_MODULE, str(fd), config]

    # --- the control socket -------------------------------------------------------------------
    def alive(self) -> bool:
        return not self.dead and self.proc.poll() is None

    def _recv(self, deadline: float | None) -> dict | None:
        """One message; None when none came by ``deadline`` (None: do not wait)."""
        remaining = 0.0 if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([self.control], [], [], remaining)
        if not ready:
            if self.proc.poll() is not None:
                self.dead = True
                raise ZygoteGone(f"the zygote {self._exit_text()}")
            return None
        try:
            data = self.control.recv(1 << 16)
        except OSError:
            data = b""
        if not data:
            self.dead = True
            raise ZygoteGone(f"the zygote {self._exit_text()}")
        message = json.loads(data)
        if message.get("op") == "done":
            self.done[int(message["job"])] = message
        return message

    def _next(self, deadline: float, wanted) -> dict:  # noqa: ANN001
        with self.lock:
            while True:
                if time.monotonic() >= deadline:
                    raise ZygoteGone("the zygote did not answer in time")
                message = self._recv(deadline)
                if message is not None and wanted(message):
                    return message

    def _send(self, message: dict, fds: Sequence[int] = ()) -> None:
        try:
            socket.send_fds(self.control, [json.dumps(message).encode()], list(fds))
        except OSError as exc:
            self.dead = True
            raise ZygoteGone(f"the zygote is gone ({exc})") from None

    def _exit_text(self) -> str:
        code = self.proc.poll()
        return "stopped answering" if code is None else f"exited with status {code}"

    def poll(self) -> None:
        """Collects the ``done`` reports that have arrived, without waiting."""
        with self.lock:
            while not self.dead and self._recv(None) is not None:
                pass

    # --- jobs ------------------------------------------------------------------------------------
    def spawn(self, job: int, uid: int, limits: Limits, env: dict[str, str], fds: Sequence[int]) -> int:
        with self.lock:
            self._send({"op": "spawn", "job": job, "uid": uid, "limits": asdict(limits), "env": env,
                        "home": env["HOME"]}, fds)
            reply = self._next(time.monotonic() + CONTROL_TIMEOUT,
                               lambda m: m.get("op") in ("spawned", "refused") and m.get("job") == job)
        if reply["op"] == "refused":
            raise ZygoteGone(f"the zygote refused the job: {reply.get('reason')}")
        return int(reply["pid"])

    def status(self, job: int) -> dict | None:
        """The job's ``done`` report once it has ended and its uid is clean; None while it runs."""
        if job not in self.done and not self.dead:
            try:
                self.poll()
            except ZygoteGone:
                pass
        return self.done.get(job)

    def end(self, job: int) -> dict:
        """Kills the job (if it still runs) and waits until its uid is clean."""
        with self.lock:
            try:
                if job not in self.done:
                    self._send({"op": "kill", "job": job})
                    self._next(time.monotonic() + CONTROL_TIMEOUT,
                               lambda m: m.get("op") == "done" and m.get("job") == job)
            except ZygoteGone:
                self.stop()  # whatever it left dies with its PID namespace
            return self.done.pop(job, {"op": "done", "job": job, "status": -signal.SIGKILL, "clean": True,
                                       "zygote_died": True})

    def stop(self) -> None:
        """Ends the template and with it every process of its sandbox (its PID namespace)."""
        self.dead = True
        if os.getpid() != self.owner:
            return  # a forked copy of the object: the template belongs to the process that started it
        try:
            self.control.close()
        except OSError:
            pass
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self._stderr.join(timeout=1)
        if self.proc.stderr is not None:
            self.proc.stderr.close()
        shutil.rmtree(self.slot, ignore_errors=True)

    def stderr_tail(self, limit: int = 2000) -> str:
        return bytes(self._stderr.data[-limit:]).decode("utf-8", "replace")


def job_cgroup(limits: Limits):  # noqa: ANN201 - MemoryCgroup | None
    """The job's memory and pids cgroup, as ``process.confine`` makes one for a ``local`` worker."""
    try:
        from autograder.sandbox.cgroup import MemoryCgroup
    except ImportError:
        MemoryCgroup = None  # noqa: N806
    cuda = limits.gpu and bool(cuda_devices())
    try:
        if MemoryCgroup is None:
            raise OSError("no cgroup support in this version")
        return MemoryCgroup(limits.memory_mb, limits.processes)
    except OSError:
        if cuda:
            raise  # with CUDA there is no RLIMIT_AS: the cgroup is the only memory limit
        return None  # RLIMIT_AS per process only


def _sweep_stale_slots() -> None:
    """Removes slot folders of judges that died (killed with -9: no clean-up ran)."""
    for path in Path(tempfile.gettempdir()).glob(f"{SLOT_PREFIX}*-*"):
        pid = path.name[len(SLOT_PREFIX):].partition("-")[0]
        if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
            shutil.rmtree(path, ignore_errors=True)


def wait_for_no_processes(uid: int, timeout: float = 5.0) -> bool:
    """Waits until no process on this host has ``uid`` (real, effective, saved or file system)."""
    deadline = time.monotonic() + timeout
    while True:
        alive = False
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/status") as fh:
                    for line in fh:
                        if line.startswith("Uid:"):
                            alive = uid in {int(u) for u in line.split()[1:]}
                            break
            except (OSError, ValueError):
                continue
            if alive:
                break
        if not alive:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)


def _no_core_dumps() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def copy_submission(source: Path, dest: Path, uid: int) -> None:
    """Copies ``source`` to ``dest`` owned by ``uid``, read-only (dirs 0500, files 0400).

    Built in a root-only staging folder and renamed into place, so that no
    other uid can read it at any moment.
    """
    staging = dest.parent / f".staging-{dest.name}"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(source, staging, symlinks=True, copy_function=shutil.copyfile)
    os.chmod(staging, 0o700)
    for dirpath, dirnames, filenames in os.walk(staging, topdown=False):
        for name in filenames + dirnames:
            path = os.path.join(dirpath, name)
            os.lchown(path, uid, uid)
            if not os.path.islink(path):
                os.chmod(path, 0o500 if os.path.isdir(path) else 0o400)
    os.chown(staging, uid, uid)
    os.rename(staging, dest)
    os.chmod(dest, 0o500)


# --------------------------------------------------------------------------------------------
# A worker, seen from the judge
# --------------------------------------------------------------------------------------------
class _JobStatus:
    """Stands in for the ``Popen`` that ``WorkerProcess`` reads: a pid and ``poll()``."""

    def __init__(self, worker: "ZygoteWorker", pid: int) -> None:
        self._worker, self.pid = worker, pid

    def poll(self) -> int | None:
        return self._worker.returncode()


class ZygoteWorker(WorkerProcess):
    """A job forked by the template: the same pipes, deadlines and reports as every worker.

    ``WorkerProcess.__init__`` starts a ``Popen``; here the process already
    exists, so this sets up the same state (limits, submission path, pipe
    ends, frame reader, stderr drain) around the job's pipes instead.
    """

    def __init__(self, template: Template, job: int, uid: int, pid: int, limits: Limits, submission_path: str,
                 stdin_w: int, stdout_r: int, stderr_r: int, cleanup) -> None:  # noqa: ANN001
        from autograder.codec import FrameReader

        self.uid = uid
        self.limits = limits
        self.submission_path = submission_path
        self.template, self.job = template, job
        self._cleanup = cleanup
        self._returncode: int | None = None
        self._zygote_died = False
        self._ended = False
        self.proc = _JobStatus(self, pid)  # type: ignore[assignment]
        self._in_fd, self._out_fd, self._err_fd = stdin_w, stdout_r, stderr_r
        os.set_blocking(self._in_fd, False)
        self._reader = FrameReader(stdout_r, limits.max_message_mb * MiB)
        self._stderr = _BoundedDrain(stderr_r, 16384)
        self._stderr.start()

    def _record(self, report: dict) -> None:
        self._returncode = int(report.get("status") if report.get("status") is not None else -signal.SIGKILL)
        self._zygote_died = bool(report.get("zygote_died"))
        if not report.get("clean", True):
            self.template.stop()  # something of the job would not go: no later job may share its sandbox

    def returncode(self) -> int | None:
        if self._returncode is None:
            report = self.template.status(self.job)
            if report is None and self.template.dead:
                report = {"status": -signal.SIGKILL, "zygote_died": True}
            if report is not None:
                self._record(report)
        return self._returncode

    def alive(self) -> bool:
        return self.returncode() is None

    def exit_description(self) -> str:
        if self._zygote_died:
            return "was killed with its sandbox (the zygote process died)"
        return super().exit_description()

    def kill(self) -> None:
        """Kills the job's whole uid (the zygote reports when none of it is left), then frees its slot."""
        if not self._ended:
            self._ended = True
            if self.returncode() is None:
                self._record(self.template.end(self.job))
            else:
                self.template.done.pop(self.job, None)
            for fd in (self._in_fd, self._out_fd):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self._stderr.join(timeout=1)
            try:
                os.close(self._err_fd)
            except OSError:
                pass
            if self._zygote_died:
                # the kernel tears the template's PID namespace down after bwrap's exit: the uid is
                # freed for another sandbox only once none of its processes is left
                wait_for_no_processes(self.uid)
        if self._cleanup is not None:
            cleanup, self._cleanup = self._cleanup, None
            cleanup()


# --------------------------------------------------------------------------------------------
# The backend
# --------------------------------------------------------------------------------------------
class ZygoteBackend(Backend):
    """Workers forked from a per-process template; see the module docstring."""

    name = "zygote"

    def __init__(self, preload: Iterable[str] = (), forbidden: Iterable[str] = ()) -> None:
        BwrapBackend()  # the same requirements: bwrap, and root to hand out uids
        self.forbidden = tuple(forbidden)
        self.preload = preload_list(preload, self.forbidden)
        self._templates: dict[tuple, Template] = {}
        self._jobs = itertools.count(1)
        self._last_uid: int | None = None
        self._workers: list[ZygoteWorker] = []
        self._lock = threading.Lock()
        _LIVE.append(self)

    @classmethod
    def for_assignment(cls, assignment: Any) -> "ZygoteBackend":
        """Preloads numpy and the reference's top-level imports, never the forbidden modules."""
        try:
            modules = top_level_imports(Path(assignment.reference))
        except (OSError, SyntaxError):
            modules = []
        return cls(modules, assignment.forbidden)

    def template(self, limits: Limits, secrets: list[Path]) -> Template:
        key = (limits.tmp_size_mb, limits.shm_size_mb, limits.gpu, tuple(str(s) for s in secrets))
        current = self._templates.get(key)
        if current is not None and (current.owner != os.getpid() or not current.alive()):
            if current.owner == os.getpid():
                current.stop()
            current = None
        if current is None:
            current = Template(limits, secrets, self.preload, self.forbidden)
            self._templates[key] = current
        return current

    def _fresh_uid(self) -> tuple[int, int]:
        """A uid no other sandbox holds and that the previous job of this backend did not have."""
        uid, fd = process.UIDS.acquire()
        if uid == self._last_uid:
            other = process.UIDS.acquire()  # taken while the first is still held: a different uid
            os.close(fd)
            uid, fd = other
        self._last_uid = uid
        return uid, fd

    def start(self, submission_dir: Path, limits: Limits, secrets: list[Path]) -> WorkerProcess:
        with self._lock:
            for worker in [w for w in self._workers if not w.alive()]:
                worker.kill()  # ended on its own and was never killed: free its uid and slot now
            self._workers = [w for w in self._workers if w._cleanup is not None]
            for attempt in (1, 2):
                template = self.template(limits, secrets)
                try:
                    worker = self._spawn(template, submission_dir, limits)
                except ZygoteGone:
                    template.stop()
                    if attempt == 2:
                        raise
                    continue
                self._workers.append(worker)
                return worker
        raise AssertionError("unreachable")

    def _spawn(self, template: Template, submission_dir: Path, limits: Limits) -> ZygoteWorker:
        job = next(self._jobs)
        uid, lock_fd = self._fresh_uid()
        folder = template.slot / str(job)
        pipes: list[int] = []
        cgroup_fds: list[int] = []
        cgroup = None
        try:
            copy_submission(submission_dir, folder, uid)
            cgroup = job_cgroup(limits)
            if cgroup is not None:
                cgroup_fds = [os.open(p / "cgroup.procs", os.O_WRONLY | os.O_CLOEXEC) for p in cgroup.paths]
            stdin_r, stdin_w = os.pipe()
            stdout_r, stdout_w = os.pipe()
            stderr_r, stderr_w = os.pipe()
            pipes = [stdin_r, stdin_w, stdout_r, stdout_w, stderr_r, stderr_w]
            env = worker_env(PACKAGE_MOUNT, home=f"/tmp/job-{job}")
            pid = template.spawn(job, uid, limits, env, (stdin_r, stdout_w, stderr_w, *cgroup_fds))
        except BaseException:
            for fd in pipes + cgroup_fds:
                os.close(fd)
            if cgroup is not None:
                cgroup.remove()
            shutil.rmtree(folder, ignore_errors=True)
            os.close(lock_fd)
            raise
        for fd in (stdin_r, stdout_w, stderr_w, *cgroup_fds):
            os.close(fd)

        def cleanup() -> None:
            if cgroup is not None:
                cgroup.remove()
            shutil.rmtree(folder, ignore_errors=True)
            os.close(lock_fd)

        return ZygoteWorker(template, job, uid, pid, limits, f"{SUBMISSION_MOUNT}/{job}", stdin_w, stdout_r, stderr_r,
                            cleanup)

    def close(self) -> None:
        """Stops this backend's templates (their jobs die with them)."""
        for worker in list(self._workers):
            if worker.template.owner == os.getpid():
                worker.kill()
        self._workers = []
        for template in self._templates.values():
            template.stop()
        self._templates.clear()


_LIVE: list[ZygoteBackend] = []
_SHARED: dict[tuple, ZygoteBackend] = {}


def shared_backend(preload: Iterable[str] = (), forbidden: Iterable[str] = ()) -> ZygoteBackend:
    """One backend (so one template) per process and configuration: what ``get_backend("zygote")`` returns."""
    key = (os.getpid(), tuple(preload), tuple(forbidden))
    if key not in _SHARED:
        _SHARED[key] = ZygoteBackend(preload, forbidden)
    return _SHARED[key]


def backend_for(assignment: Any) -> ZygoteBackend:
    """The shared backend for an assignment's preloads and forbidden modules (batch judges use this)."""
    try:
        modules = top_level_imports(Path(assignment.reference))
    except (OSError, SyntaxError):
        modules = []
    return shared_backend(modules, assignment.forbidden)


_EXIT_HOOKED: set[int] = set()


def _stop_at_exit() -> None:
    """Stops this process's templates at its exit: ``atexit`` for a plain process, and a
    multiprocessing finalizer for a pool's judge, which ends with ``os._exit`` (no ``atexit``)."""
    if os.getpid() in _EXIT_HOOKED:
        return
    _EXIT_HOOKED.add(os.getpid())
    import multiprocessing.util

    multiprocessing.util.Finalize(None, _stop_all, exitpriority=10)


@atexit.register
def _stop_all() -> None:
    for backend in _LIVE:
        for template in backend._templates.values():
            if template.owner == os.getpid():
                template.stop()
