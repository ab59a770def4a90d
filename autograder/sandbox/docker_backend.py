"""The ``docker`` backend: each worker is a fresh container from a worker image.

The container is made with ``create()`` (never ``run()``, which pulls a
missing image) and locked down: no network, the non-root ``grader`` user
(uid 10001), every capability dropped, no-new-privileges, a read-only root
file system with a size-capped tmpfs /tmp (mode 1777), ``shm_size`` for
DataLoader workers, memory limited by the memory cgroup with swap equal to
it (memory = memswap), a pids limit, rlimits (fsize, nofile, core, cpu), no
log driver (the protocol never lands on the host's disk), the submission
bind-mounted read-only at /submission and the grader's own ``autograder``
package read-only at /opt/autograder (so image and grader never drift
apart). Hidden tests, mutants and references are never mounted: nothing of
the host is visible beyond those two folders.

GPU assignments get exactly one GPU through a ``DeviceRequest(device_ids=
[...])``, chosen by the grader: the least-used of the visible GPUs
(``AUTOGRADER_GPUS``, else ``nvidia-smi``, else /dev/nvidiaN), counted from
the running labelled containers, ties broken round-robin under a file lock,
so concurrent jobs spread over the machine's GPUs.

The judge talks to the worker exactly as with the local backend, over the
container's stdin/stdout: the ``WorkerProcess`` runs ``docker start
--attach --interactive <id>`` (or, without the docker CLI, this module's
``attach`` helper on the SDK's attach socket), whose stdin and stdout are
the container's. Killing it (the judge's per-call deadline) is followed by
the cleanup callback, which force-removes the container: a timed-out or
finished worker never outlives its call, and the next call gets a fresh one.

Every container carries ``autograder=1``, ``autograder.job=<uuid>`` and
``autograder.owner=<host>:<pid>:<start time>``. Once per process, before
its first container, the backend removes labelled containers whose owner
process on this host is gone, and any labelled container older than
``AUTOGRADER_DOCKER_STALE_AGE`` seconds (default 6 h).

Environment: ``DOCKER_HOST`` (the engine), ``AUTOGRADER_DOCKER_IMAGE`` /
``AUTOGRADER_DOCKER_GPU_IMAGE`` (default ``autograder-worker:cpu`` /
``autograder-worker:gpu``, built by ``autograder image build [--gpu]``),
``AUTOGRADER_DOCKER_ATTACH`` (``cli`` or ``sdk``), ``AUTOGRADER_GPUS``,
``AUTOGRADER_DOCKER_CPUS`` (a CPU quota per container, e.g. ``2``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from autograder.sandbox.base import (
    PACKAGE_MOUNT,
    SUBMISSION_MOUNT,
    WORKER_MODULE,
    Backend,
    SandboxUnavailable,
    package_root,
    worker_env,
)
from autograder.sandbox.process import Limits, MiB, WorkerProcess

DEFAULT_IMAGE = "autograder-worker:cpu"
DEFAULT_GPU_IMAGE = "autograder-worker:gpu"
WORKER_USER = "10001:10001"
WORKER_UID = 10001
LABEL = "autograder"
JOB_LABEL = "autograder.job"
OWNER_LABEL = "autograder.owner"
GPU_LABEL = "autograder.gpu"
CREATED_LABEL = "autograder.created"
STALE_AGE = 6 * 3600.0
NOFILE = 1024
WORKER_COMMAND = ["python3", "-s", "-B", "-m", WORKER_MODULE]

_swept_lock = threading.Lock()
_swept_engines: set[str] = set()


# ---------------------------------------------------------------------------------------------
# Who owns a container: this host, a pid, and that pid's start time (pids are reused)
# ---------------------------------------------------------------------------------------------
def _start_time(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def owner_tag(pid: int | None = None) -> str:
    pid = os.getpid() if pid is None else pid
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"


def owner_alive(tag: str) -> bool | None:
    """True/False for an owner on this host; None when it cannot be told (another host, no /proc)."""
    parts = tag.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return None
    pid, started = int(parts[1]), parts[2]
    if not os.path.isdir("/proc/self"):
        return None
    now = _start_time(pid)
    return bool(now) and (not started or now == started)


# ---------------------------------------------------------------------------------------------
# GPUs
# ---------------------------------------------------------------------------------------------
def visible_gpus() -> list[str]:
    """The GPUs jobs may be spread over: ``AUTOGRADER_GPUS`` (e.g. ``0,1``), else what the host has."""
    env = os.environ.get("AUTOGRADER_GPUS")
    if env is not None:
        return [g.strip() for g in env.split(",") if g.strip()]
    if shutil.which("nvidia-smi"):
        try:
            out = subprocess.run(["nvidia-smi", "--query-gpu=index", "--format=csv,noheader"],
                                 capture_output=True, text=True, timeout=20, check=False)
            ids = [line.strip() for line in out.stdout.splitlines() if line.strip().isdigit()]
            if out.returncode == 0 and ids:
                return ids
        except (OSError, subprocess.SubprocessError):
            pass
    return sorted((m.group(1) for p in Path("/dev").glob("nvidia*") if (m := re.fullmatch(r"nvidia(\d+)", p.name))),
                  key=int)


@contextlib.contextmanager
def _gpu_lock() -> Iterator[Path]:
    """Serialises GPU choice and container creation across the grader processes of this host."""
    path = Path(tempfile.gettempdir()) / "autograder-gpus.lock"
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield path
    finally:
        os.close(fd)


def choose_gpu(api: Any, gpus: list[str], counter_file: Path) -> str:
    """The least-used GPU by the labelled containers alive now; ties go round-robin. Hold _gpu_lock()."""
    load = {g: 0 for g in gpus}
    for c in api.containers(all=True, filters={"label": GPU_LABEL, "status": ["created", "running"]}):
        g = (c.get("Labels") or {}).get(GPU_LABEL)
        if g in load:
            load[g] += 1
    try:
        turn = int(counter_file.read_text() or 0)
    except (OSError, ValueError):
        turn = 0
    order = [gpus[(turn + k) % len(gpus)] for k in range(len(gpus))]
    pick = min(order, key=lambda g: load[g])  # min keeps the first of equals: the round-robin turn
    try:
        counter_file.write_text(str(turn + 1))
    except OSError:
        pass
    return pick


# ---------------------------------------------------------------------------------------------
# The backend
# ---------------------------------------------------------------------------------------------
def _engine_hint() -> str:
    host = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    return (f"no Docker engine answers at {host} (set DOCKER_HOST, or start one: "
            "source scripts/start_dockerd.sh)")


class DockerBackend(Backend):
    name = "docker"

    def __init__(self, image: str | None = None, gpu_image: str | None = None, client: Any = None,
                 attach: str | None = None) -> None:
        try:
            import docker
        except ImportError:
            raise SandboxUnavailable("the docker backend needs the Docker SDK: pip install 'docker>=7'") from None
        self.image = image or os.environ.get("AUTOGRADER_DOCKER_IMAGE") or DEFAULT_IMAGE
        self.gpu_image = gpu_image or os.environ.get("AUTOGRADER_DOCKER_GPU_IMAGE") or DEFAULT_GPU_IMAGE
        if client is None:
            try:
                client = docker.from_env(timeout=120)
                client.ping()
            except Exception as exc:  # noqa: BLE001 - any failure to reach the engine means the same here
                raise SandboxUnavailable(f"{_engine_hint()}: {type(exc).__name__}: {exc}") from None
        self.client = client
        self.api = client.api
        self._images: dict[str, dict] = {}
        if not (self._image_config(self.image) or self._image_config(self.gpu_image)):
            raise SandboxUnavailable(
                f"the worker image {self.image} is not in the Docker engine: build it with "
                "`autograder image build` (`--from-host` where no registry can be reached)")
        cli = shutil.which("docker")
        mode = attach or os.environ.get("AUTOGRADER_DOCKER_ATTACH") or ("cli" if cli else "sdk")
        if mode not in ("cli", "sdk"):
            raise SandboxUnavailable(f"AUTOGRADER_DOCKER_ATTACH must be 'cli' or 'sdk', not {mode!r}")
        if mode == "cli" and cli is None:
            raise SandboxUnavailable("the docker CLI is not on PATH (or set AUTOGRADER_DOCKER_ATTACH=sdk)")
        self.attach, self._cli = mode, cli
        self._counter = Path(tempfile.gettempdir()) / "autograder-gpus.next"

    # --- images -------------------------------------------------------------------------
    def _image_config(self, ref: str) -> dict | None:
        """The image's config if the engine has it (never pulls)."""
        if ref not in self._images:
            import docker.errors

            try:
                self._images[ref] = self.api.inspect_image(ref).get("Config") or {}
            except docker.errors.ImageNotFound:
                return None
            except docker.errors.APIError as exc:
                raise SandboxUnavailable(f"cannot inspect the worker image {ref}: {exc}") from None
        return self._images[ref]

    def _pick_image(self, limits: Limits) -> tuple[str, dict]:
        candidates = [self.gpu_image, self.image] if limits.gpu else [self.image]
        for ref in candidates:
            config = self._image_config(ref)
            if config is not None:
                return ref, config
        raise SandboxUnavailable(f"the worker image {candidates[0]} is not in the Docker engine: build it with "
                                 f"`autograder image build{' --gpu' if limits.gpu else ''}`")

    # --- stale containers ---------------------------------------------------------------
    def remove_stale(self, max_age: float | None = None) -> list[str]:
        """Removes labelled containers whose owner on this host is gone, or that are older than max_age."""
        if max_age is None:
            max_age = float(os.environ.get("AUTOGRADER_DOCKER_STALE_AGE", STALE_AGE))
        removed = []
        for c in self.api.containers(all=True, filters={"label": f"{LABEL}=1"}):
            labels = c.get("Labels") or {}
            alive = owner_alive(labels.get(OWNER_LABEL, ""))
            try:
                created = float(labels.get(CREATED_LABEL) or c.get("Created") or 0)
            except ValueError:
                created = 0.0
            if (alive is False or time.time() - created > max_age) and self._remove(c["Id"]):
                removed.append(c["Id"])
        return removed

    def _sweep_once(self) -> None:
        key = str(self.api.base_url) + os.environ.get("DOCKER_HOST", "")
        with _swept_lock:
            if key in _swept_engines:
                return
            _swept_engines.add(key)
        with contextlib.suppress(Exception):  # a failed sweep must not stop grading
            self.remove_stale()

    def _remove(self, container_id: str) -> bool:
        import docker.errors

        for attempt in range(3):
            try:
                self.api.remove_container(container_id, force=True, v=True)
                return True
            except docker.errors.NotFound:
                return False
            except docker.errors.APIError as exc:
                if exc.status_code == 409 and "already in progress" in str(exc):
                    return True
                time.sleep(0.2 * (attempt + 1))
            except Exception:  # noqa: BLE001 - the engine is unreachable: the sweep gets it later
                return False
        return False

    # --- one worker ---------------------------------------------------------------------
    def container_spec(self, submission_dir: Path, limits: Limits, secrets: list[Path], image: str,
                       image_config: dict, job: str, gpu: str | None) -> dict[str, Any]:
        """Keyword arguments of ``containers.create`` (separate so tests can read them)."""
        from docker.types import DeviceRequest, LogConfig, Mount, Ulimit

        env = worker_env(PACKAGE_MOUNT)
        image_path = [e.split("=", 1)[1] for e in image_config.get("Env") or [] if e.startswith("PATH=")]
        if image_path:
            env["PATH"] = image_path[0]  # the image knows where its python3 lives (/opt/conda/bin, ...)
        # an image based on nvidia/cuda says NVIDIA_VISIBLE_DEVICES=all: with the nvidia runtime as default
        # that would hand every GPU to a CPU job. "void" hides them; a GPU job's DeviceRequest sets its own.
        env["NVIDIA_VISIBLE_DEVICES"] = gpu if gpu is not None else "void"

        submission = submission_dir.resolve()
        package = package_root()
        mounts = [Mount(SUBMISSION_MOUNT, str(submission), type="bind", read_only=True),
                  Mount(f"{PACKAGE_MOUNT}/autograder", str(package), type="bind", read_only=True)]
        for secret in secrets:  # never expected there, but cover a secret inside a mounted folder anyway
            secret = secret.resolve()
            for host, target in ((submission, SUBMISSION_MOUNT), (package, f"{PACKAGE_MOUNT}/autograder")):
                if secret.is_dir() and (secret == host or host in secret.parents):
                    rel = secret.relative_to(host)
                    mounts.append(Mount(target if rel == Path(".") else f"{target}/{rel}", None, type="tmpfs",
                                        tmpfs_size=4096, tmpfs_mode=0o500))
        fsize = limits.file_size_mb * MiB
        host: dict[str, Any] = dict(
            network_mode="none",
            cap_drop=["ALL"],
            security_opt=["no-new-privileges"],
            read_only=True,
            tmpfs={"/tmp": f"rw,nosuid,nodev,size={limits.tmp_size_mb}m,mode=1777"},
            shm_size=f"{limits.shm_size_mb}m",
            mem_limit=f"{limits.memory_mb}m",
            memswap_limit=f"{limits.memory_mb}m",  # equal: no swap beyond the memory limit
            pids_limit=limits.processes,
            ulimits=[Ulimit(name="fsize", soft=fsize, hard=fsize), Ulimit(name="nofile", soft=NOFILE, hard=NOFILE),
                     Ulimit(name="core", soft=0, hard=0),
                     Ulimit(name="cpu", soft=limits.cpu_seconds, hard=limits.cpu_seconds)],
            ipc_mode="private",
            log_config=LogConfig(type="none"),
            mounts=mounts,
            oom_score_adj=500,  # under host memory pressure, a worker goes before the judge
        )
        cpus = os.environ.get("AUTOGRADER_DOCKER_CPUS")
        if cpus:
            host["nano_cpus"] = int(float(cpus) * 1e9)
        if gpu is not None:
            host["device_requests"] = [DeviceRequest(driver="nvidia", device_ids=[gpu], capabilities=[["gpu"]])]
        labels = {LABEL: "1", JOB_LABEL: job, OWNER_LABEL: owner_tag(), CREATED_LABEL: f"{time.time():.0f}"}
        if gpu is not None:
            labels[GPU_LABEL] = gpu
        return dict(image=image, command=WORKER_COMMAND, user=WORKER_USER, working_dir="/tmp", environment=env,
                    hostname="sandbox", name=f"autograder-{job}", labels=labels, stdin_open=True, tty=False,
                    network_disabled=True, **host)

    def _client_env(self) -> dict[str, str]:
        """The attach process's environment: how to reach the engine, nothing of the judge's secrets."""
        env = {k: v for k, v in os.environ.items() if k.startswith("DOCKER_") and k != "DOCKER_CONTEXT"}
        # the engine the SDK talks to, named explicitly: a CLI context must not point the CLI elsewhere
        env["DOCKER_HOST"] = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
        env["PATH"] = os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")
        env["HOME"] = os.environ.get("HOME", "/root")
        if self.attach == "sdk":
            env["PYTHONPATH"] = str(package_root().parent)
        return env

    def start(self, submission_dir: Path, limits: Limits, secrets: list[Path]) -> WorkerProcess:
        import docker.errors

        self._sweep_once()
        image, config = self._pick_image(limits)
        job = uuid.uuid4().hex
        gpus = visible_gpus() if limits.gpu else []
        try:
            if gpus:
                with _gpu_lock():
                    gpu: str | None = choose_gpu(self.api, gpus, self._counter)
                    spec = self.container_spec(submission_dir, limits, secrets, image, config, job, gpu)
                    container = self.client.containers.create(**spec)
            else:
                gpu = None
                spec = self.container_spec(submission_dir, limits, secrets, image, config, job, gpu)
                container = self.client.containers.create(**spec)
        except docker.errors.ImageNotFound as exc:
            self._images.pop(image, None)
            raise SandboxUnavailable(f"the worker image {image} is gone: {exc}") from None
        except docker.errors.APIError as exc:
            raise SandboxUnavailable(f"the Docker engine refused the worker container: {exc}") from None
        cid = container.id
        if self.attach == "cli":
            argv = [self._cli or "docker", "start", "--attach", "--interactive", cid]
        else:
            argv = [sys.executable, "-s", "-m", "autograder.sandbox.docker_backend", "attach", cid]
        try:
            proc = WorkerProcess(argv, limits, env=self._client_env(), submission_path=SUBMISSION_MOUNT,
                                 cleanup=lambda: self._remove(cid))
        except BaseException:
            self._remove(cid)
            raise
        proc.container_id = cid  # type: ignore[attr-defined]
        proc.job = job  # type: ignore[attr-defined]
        proc.gpu = gpu  # type: ignore[attr-defined]
        return proc


# ---------------------------------------------------------------------------------------------
# `python -m autograder.sandbox.docker_backend attach <id>`: docker start -a -i without the CLI
# ---------------------------------------------------------------------------------------------
def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            return b""
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def attach_main(container_id: str) -> int:
    """Attaches stdin/stdout/stderr (demultiplexed), starts the container, exits with its status."""
    import docker

    client = docker.from_env(timeout=None)
    api = client.api
    wrapped = api.attach_socket(container_id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
    sock: socket.socket = getattr(wrapped, "_sock", wrapped)
    api.start(container_id)

    def pump_stdin() -> None:
        try:
            while True:
                data = os.read(0, 1 << 20)
                if not data:
                    break
                sock.sendall(data)
        except OSError:
            pass
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_WR)

    threading.Thread(target=pump_stdin, daemon=True).start()
    try:
        while True:
            header = _recv_exact(sock, 8)
            if not header:
                break
            stream, size = header[0], struct.unpack(">I", header[4:])[0]
            payload = _recv_exact(sock, size)
            if len(payload) < size:
                break
            _write_all(2 if stream == 2 else 1, payload)
    except (OSError, BrokenPipeError):
        return 1
    try:
        return int(api.wait(container_id, timeout=30).get("StatusCode", 1))
    except Exception:  # noqa: BLE001 - the container is gone already
        return 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "attach":
        sys.exit(attach_main(sys.argv[2]))
    print("usage: python -m autograder.sandbox.docker_backend attach CONTAINER_ID", file=sys.stderr)
    sys.exit(2)
