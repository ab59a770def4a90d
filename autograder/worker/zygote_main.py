"""The template ("zygote") of the ``zygote`` sandbox backend: imports once, forks one worker per job.

Runs inside bubblewrap like the ``local`` worker (same mounts, no network,
own PID namespace, private /tmp and /dev/shm, read-only system, no secrets
mounted) but stays root inside, with only the capabilities it needs to
confine its children (setuid/setgid/setpcap/kill/chown/dac_override/fowner).
It imports the worker's code and the modules the assignment needs, then
serves requests from the judge on a Unix socket (``argv[1]`` is its fd):

* ``spawn``: the judge sends the job's three pipe ends (SCM_RIGHTS), and
  the ``cgroup.procs`` files of the job's memory/pids cgroups if any. The
  zygote forks; the child confines itself AFTER the fork (new session,
  joins the cgroups, rlimits, empty capability bounding set, a fresh uid with no groups and no
  capabilities, no-new-privs, a private TMPDIR/HOME ``/tmp/job-N``), puts the
  pipes on fds 0/1/2, closes every other fd and runs the normal worker,
  ``autograder.worker.server.main()``.
* ``kill``: ends a job. So does the job's child exiting by itself. Either
  way every process of the job's uid is killed (by a helper that takes the
  uid and calls ``kill(-1, SIGKILL)``, repeated until none is left), the
  uid's files in /tmp and /dev/shm and its System V IPC objects are
  removed, and only then is ``done`` (with the child's exit status) sent:
  one ``done`` per job, always.

Nothing of a job goes back into the zygote: it never reads a submission,
and a child cannot write to its parent's memory, so every job starts from
the same state. Nothing here is trusted by the judge either: it is the
judge that holds the uid locks, owns the pipes and times every call.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from typing import Any

# the worker's own code, imported once here so that no job pays for it (it imports numpy)
from autograder.worker import import_guard
from autograder.worker.server import main as worker_main

MiB = 1 << 20
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
LINUX_CAPABILITY_VERSION_3 = 0x20080522
KEYCTL_JOIN_SESSION_KEYRING = 1
KEYCTL_CLEAR = 7
KEY_SPEC_USER_KEYRING = -4
KEY_SPEC_USER_SESSION_KEYRING = -5
SYS_KEYCTL = {"x86_64": 250, "aarch64": 219}.get(os.uname().machine)
IPC_RMID = 0
SCRATCH = ("/tmp", "/dev/shm")  # the only places a job's uid can write
SETUP_FAILED = 70  # exit status of a child that could not confine itself
KILL_ROUNDS = 200
# the real uid of the helper that kills a job's processes: below the judge's uid pool (61000-62999,
# autograder.sandbox.process.UidPool), so never a job's; a job's processes cannot signal it
KILLER_UID = 60999

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> int:
    if result == -1:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return result


def _prctl(option: int, arg: int = 0) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(arg), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)),
           f"prctl({option})")


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def clear_all_capabilities() -> None:
    """Empties the effective, permitted and inheritable sets (setresuid leaves the inheritable one)."""
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")


def drop_bounding_set() -> None:
    with open("/proc/sys/kernel/cap_last_cap") as fh:
        last = int(fh.read())
    for cap in range(last + 1):
        _prctl(PR_CAPBSET_DROP, cap)


def capability_sets() -> dict[str, int]:
    with open("/proc/self/status") as fh:
        return {k: int(v, 16) for k, v in (line.split(":", 1) for line in fh)
                if k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")}


def _keyctl(*args: int) -> None:
    if SYS_KEYCTL is not None:  # best effort: keyrings are not reachable on every host
        _libc.syscall(SYS_KEYCTL, *[ctypes.c_long(a) for a in args])


# --------------------------------------------------------------------------------------------
# The child: confine, then become the worker
# --------------------------------------------------------------------------------------------
def apply_rlimits(limits: dict[str, Any]) -> None:
    """As ``process.rlimit_setter``: only lowers (root here may lack CAP_SYS_RESOURCE)."""

    def lower(kind: int, value: int) -> None:
        _, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, value))

    lower(resource.RLIMIT_CPU, int(limits["cpu_seconds"]))
    lower(resource.RLIMIT_FSIZE, int(limits["file_size_mb"]) * MiB)
    lower(resource.RLIMIT_NPROC, int(limits["processes"]))
    lower(resource.RLIMIT_CORE, 0)
    # POSIX message queues live in the IPC namespace, which jobs share here, and cannot be listed
    # without mounting mqueue: a job may not create any
    lower(resource.RLIMIT_MSGQUEUE, 0)
    cuda = bool(limits.get("gpu")) and any(n.startswith("nvidia") for n in os.listdir("/dev"))
    if not cuda:  # RLIMIT_AS breaks CUDA's address-space reservations
        lower(resource.RLIMIT_AS, int(limits["memory_mb"]) * MiB)


def confine(request: dict, fds: list[int], control: socket.socket) -> None:
    """Runs in the forked child: everything the ``local`` backend's bwrap + setpriv + exec would do."""
    uid = int(request["uid"])
    home = str(request["home"])
    os.setsid()
    for target, fd in zip((0, 1, 2), fds):
        os.dup2(fd, target)
    for fd in fds[3:]:  # the job's memory (and pids) cgroups: cgroup.procs, opened by the judge
        os.write(fd, b"0")  # 0: the writing process
    control.detach()  # its fd is closed below; the object must not close a reused number later
    os.closerange(3, resource.getrlimit(resource.RLIMIT_NOFILE)[1])
    apply_rlimits(request["limits"])
    drop_bounding_set()
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)  # from root to non-zero: permitted, effective and ambient sets are cleared
    clear_all_capabilities()
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    # changing uid made the process non-dumpable; the local worker is dumpable after its exec
    # (its own /proc files are its own), and the job's other processes share its uid anyway
    _prctl(PR_SET_DUMPABLE, 1)
    caps = capability_sets()
    if os.getresuid() != (uid, uid, uid) or os.getresgid() != (uid, uid, uid) or os.getgroups() or any(caps.values()):
        raise RuntimeError(f"the worker could not drop its privileges: {caps}")
    _keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0)  # a fresh session keyring, not the template's
    os.environ.clear()
    os.environ.update(request["env"])
    import tempfile

    tempfile.tempdir = None  # TMPDIR changed
    os.chdir(home)
    os.umask(0o022)
    _reseed()
    sys.argv = [os.path.join(os.path.dirname(__file__), "__main__.py")]


def run_child(request: dict, fds: list[int], control: socket.socket) -> int:
    """Confines the forked child, then runs the worker; the status to ``_exit`` with."""
    try:
        confine(request, fds, control)
    except BaseException:  # noqa: BLE001 - no student code has run: report on the job's stderr, then go
        try:
            os.write(2, traceback.format_exc()[-2000:].encode())
        except OSError:
            pass
        return SETUP_FAILED
    try:  # as ``python -m autograder.worker`` would end
        worker_main()
        return 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    except BaseException:  # noqa: BLE001
        traceback.print_exc()
        return 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:  # noqa: BLE001
            pass


def _reseed() -> None:
    """A fresh process seeds its global generators from the OS; forked ones would all share the template's."""
    import random

    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


# --------------------------------------------------------------------------------------------
# The zygote: jobs, and the clean-up between them
# --------------------------------------------------------------------------------------------
@dataclass
class Job:
    id: int
    uid: int
    pid: int
    pidfd: int | None
    home: str
    status: int | None = None  # Popen-style: negative = killed by that signal


def live_processes(uid: int) -> list[int]:
    """Processes (not zombies) with ``uid`` as any of their ids, in this PID namespace."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status") as fh:
                text = fh.read()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        ids = {int(u) for u in fields.get("Uid", "").split()}
        if uid in ids and not fields.get("State", "").strip().startswith(("Z", "X")):
            found.append(int(name))
    return found


def _remove_sysv_ipc(uid: int) -> None:
    """Runs as ``uid``: removes the IPC objects it owns or created (IPC_RMID needs one of the two)."""
    for kind, remove in (("shm", lambda i: _libc.shmctl(i, IPC_RMID, None)),
                         ("sem", lambda i: _libc.semctl(i, 0, IPC_RMID)),
                         ("msg", lambda i: _libc.msgctl(i, IPC_RMID, None))):
        try:
            with open(f"/proc/sysvipc/{kind}") as fh:
                lines = fh.read().split("\n")
        except OSError:
            continue
        cols = lines[0].split()
        for line in lines[1:]:
            values = line.split()
            if len(values) != len(cols):
                continue
            row = dict(zip(cols, values))
            if uid in (int(row.get("uid", -1)), int(row.get("cuid", -1))):
                remove(int(values[1]))


def _as_helper(ruid: int, euid: int, gid: int, work) -> int:  # noqa: ANN001
    """Runs ``work()`` in a forked helper with those ids (no groups, no capabilities left); its exit status."""
    helper = os.fork()
    if helper == 0:
        code = 1
        try:
            os.setgroups([])
            os.setresgid(gid, gid, gid)
            os.setresuid(ruid, euid, ruid)
            work()
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(helper, 0)
    return status


def _kill_all_signalable() -> None:
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _forget_uid_state(uid: int) -> None:
    _remove_sysv_ipc(uid)
    _keyctl(KEYCTL_CLEAR, KEY_SPEC_USER_KEYRING)
    _keyctl(KEYCTL_CLEAR, KEY_SPEC_USER_SESSION_KEYRING)


def kill_uid(uid: int) -> bool:
    """Kills every process of ``uid`` and drops its IPC objects and keys; True once none is left.

    A helper signals everything it may (``kill(-1)``), so a process that left
    its session, daemonized or forks as fast as it can is reached too; it is
    repeated until a scan of /proc finds none alive. The helper's effective
    uid is the job's (that is what lets it signal the job) but its real and
    saved uid are ``KILLER_UID``, which no process ever has: the job's own
    processes cannot signal (SIGSTOP) the helper, and the helper reaches no
    one else. Only when nothing of the uid runs does a second helper, as the
    uid itself, remove its System V IPC objects and clear its keyrings.
    """
    for round_ in range(KILL_ROUNDS):
        status = _as_helper(KILLER_UID, uid, KILLER_UID, _kill_all_signalable)
        if status == 0 and not live_processes(uid):
            return _as_helper(uid, uid, uid, lambda: _forget_uid_state(uid)) == 0
        time.sleep(min(0.001 * round_, 0.05))
    return False


def _remove_entry(parent_fd: int, name: str, is_dir: bool, top_path: str | None) -> None:
    """Removes one entry relative to an open folder, never following a symbolic link."""
    if not is_dir:
        os.unlink(name, dir_fd=parent_fd)
        return
    try:
        if sys.version_info >= (3, 11):
            shutil.rmtree(name, dir_fd=parent_fd)  # fd-based: safe against links swapped in meanwhile
            return
    except RecursionError:
        pass
    if top_path is None:
        raise OSError(f"cannot remove the folder {name!r} here")
    # a tree deeper than Python's recursion limit (or Python 3.10): rm walks it iteratively. Only for
    # entries right under /tmp or /dev/shm, whose path no other uid can change (root's sticky folders).
    subprocess.run(["rm", "-rf", "--one-file-system", "--", top_path], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def remove_files(uid: int) -> bool:
    """Removes everything owned by ``uid`` under /tmp and /dev/shm; True when nothing is left.

    Walks by file descriptor (``O_NOFOLLOW``) and stays on each file system,
    so folders of other jobs running at the same time, which they could
    change under the walk, never lead it elsewhere.
    """
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    left = False
    for top in SCRATCH:
        try:
            top_fd = os.open(top, flags)
        except OSError:
            continue
        device = os.fstat(top_fd).st_dev
        stack = [(top_fd, True)]
        while stack:
            folder_fd, is_top = stack.pop()
            try:
                with os.scandir(folder_fd) as it:
                    names = [entry.name for entry in it]
                for name in names:
                    try:
                        st = os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
                    except OSError:
                        continue
                    if st.st_dev != device:
                        continue
                    is_dir = stat.S_ISDIR(st.st_mode)
                    if st.st_uid == uid:
                        try:
                            _remove_entry(folder_fd, name, is_dir, os.path.join(top, name) if is_top else None)
                        except OSError:
                            pass
                        try:
                            os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
                            left = True
                        except FileNotFoundError:
                            pass
                    elif is_dir:  # another uid's folder may hold this uid's files
                        try:
                            stack.append((os.open(name, flags, dir_fd=folder_fd), False))
                        except OSError:
                            pass
            finally:
                os.close(folder_fd)
    return not left


class Zygote:
    def __init__(self, control: socket.socket) -> None:
        self.control = control
        self.jobs: dict[int, Job] = {}

    def send(self, message: dict) -> None:
        self.control.send(json.dumps(message).encode())

    def spawn(self, request: dict, fds: list[int]) -> None:
        job_id, uid = int(request["job"]), int(request["uid"])
        busy = job_id in self.jobs or any(j.uid == uid for j in self.jobs.values())
        if len(fds) < 3 or uid <= 0 or uid == KILLER_UID or busy:
            for fd in fds:
                os.close(fd)
            self.send({"op": "refused", "job": job_id, "reason": "bad spawn request"})
            return
        # the judge's uid lock says no other sandbox uses the uid now; this makes sure nothing of an
        # earlier job of this zygote with the same uid is left either (``finish`` already saw to that)
        if live_processes(uid):
            kill_uid(uid)
        remove_files(uid)
        home = f"/tmp/job-{job_id}"
        if os.path.lexists(home):  # planted by a job running next to this one: not this job's home
            subprocess.run(["rm", "-rf", "--one-file-system", "--", home], check=False)
        try:
            # once made, the folder is root's in a sticky /tmp: no job can swap it before the chown
            os.mkdir(home, 0o700)
            os.chown(home, uid, uid)
        except OSError as exc:
            for fd in fds:
                os.close(fd)
            self.send({"op": "refused", "job": job_id, "reason": f"no home folder: {exc}"})
            return
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = SETUP_FAILED
            try:
                code = run_child(request, fds, self.control)
            finally:
                os._exit(code)
        for fd in fds:
            os.close(fd)
        try:
            pidfd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            pidfd = None  # old kernel: polled instead
        self.jobs[job_id] = Job(job_id, uid, pid, pidfd, home)
        self.send({"op": "spawned", "job": job_id, "pid": pid})

    def finish(self, job: Job) -> None:
        """Kills and reaps the job, clears its uid's traces, then reports ``done``."""
        if job.status is None:
            try:
                os.kill(job.pid, signal.SIGKILL)  # it may still be root, before its setresuid
            except ProcessLookupError:
                pass
            _, status = os.waitpid(job.pid, 0)
            job.status = os.waitstatus_to_exitcode(status)
        if job.pidfd is not None:
            os.close(job.pidfd)
        clean = kill_uid(job.uid)
        clean = remove_files(job.uid) and clean
        del self.jobs[job.id]
        self.send({"op": "done", "job": job.id, "status": job.status, "clean": clean})

    def reap(self, readable: list) -> None:
        for job in list(self.jobs.values()):
            if job.pidfd is not None and job.pidfd not in readable:
                continue
            pid, status = os.waitpid(job.pid, os.WNOHANG)
            if pid:
                job.status = os.waitstatus_to_exitcode(status)
                self.finish(job)

    def serve(self) -> None:
        while True:
            waits = [self.control] + [j.pidfd for j in self.jobs.values() if j.pidfd is not None]
            polled = any(j.pidfd is None for j in self.jobs.values())
            readable, _, _ = select.select(waits, [], [], 0.05 if polled else None)
            self.reap(readable)
            if self.control not in readable:
                continue
            data, fds, _, _ = socket.recv_fds(self.control, 1 << 16, 8)
            if not data:
                break  # the judge is gone
            request = json.loads(data)
            op = request.get("op")
            if op == "spawn":
                self.spawn(request, fds)
                continue
            for fd in fds:
                os.close(fd)
            if op == "kill":
                job = self.jobs.get(int(request["job"]))
                if job is not None:  # otherwise it has ended and its ``done`` is on the way
                    self.finish(job)
            elif op == "ping":
                self.send({"op": "pong", "jobs": sorted(self.jobs)})
        for job in list(self.jobs.values()):
            self.finish_quietly(job)

    def finish_quietly(self, job: Job) -> None:
        try:
            self.finish(job)
        except OSError:
            pass


def preload(modules: list[str], forbidden: list[str]) -> tuple[list[str], dict[str, str]]:
    """Imports what the jobs will need, with the assignment's import guard on.

    A library that would pull in a forbidden module gets the same ImportError
    it would get in a worker, so nothing forbidden is ever preloaded.
    """
    finder = import_guard.ForbiddenModuleFinder(forbidden)
    sys.meta_path.insert(0, finder)
    loaded, failed = [], {}
    try:
        for name in modules:
            try:
                __import__(name)
                loaded.append(name)
            except BaseException as exc:  # noqa: BLE001 - a module that cannot load here is simply not preloaded
                failed[name] = f"{type(exc).__name__}: {exc}"[:300]
    finally:
        sys.meta_path.remove(finder)
    return loaded, failed


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    config = json.loads(sys.argv[2])
    forbidden = list(config.get("forbidden", []))
    loaded, failed = preload(list(config.get("preload", [])), forbidden)
    present = sorted({m.partition(".")[0] for m in sys.modules} & set(forbidden))
    with open("/proc/self/status") as fh:
        threads = int(next(line for line in fh if line.startswith("Threads:")).split()[1])
    zygote = Zygote(control)
    zygote.send({"op": "ready", "pid": os.getpid(), "loaded": loaded, "failed": failed,
                 "forbidden_present": present, "threads": threads})
    zygote.serve()


if __name__ == "__main__":
    main()
