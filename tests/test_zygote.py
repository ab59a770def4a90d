"""The zygote backend: a pre-imported bwrap template forked per submission, confined after the fork.

Runs the judge/worker boundary tests of ``test_boundary.py`` and the attacks
of ``test_adversarial.py`` against it, plus what only a shared template can
get wrong: one job's files, processes, uid or IPC objects reaching the next,
capabilities left in a child, a dead template, forbidden modules preloaded.
Needs root and bubblewrap; skips cleanly otherwise.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from autograder.sandbox.base import python_roots
from autograder.assignments import get_assignment
from autograder.judge.errors import CallTimeout, WorkerCrashed
from autograder.sandbox import SandboxUnavailable

# a venv or checkout under /tmp (CI may clone there) is bound into the sandbox's /tmp, read-only
MOUNTED_UNDER_TMP = {root.relative_to("/tmp").parts[0] for root in python_roots() if Path("/tmp") in root.parents}

pytestmark = pytest.mark.sandbox

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _sibling(name: str):
    """A sibling test module, imported once under its own name (pytest's default import mode does the same)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


boundary = _sibling("test_boundary")
adversarial = _sibling("test_adversarial")


def connect(folder: Path, backend, **kwargs):
    """test_boundary.connect, in a folder of its own (two submissions of one test live side by side)."""
    folder.mkdir(parents=True, exist_ok=True)
    return boundary.connect(folder, backend, **kwargs)


def _zygote_or_skip(**kwargs):
    if os.geteuid() != 0:
        pytest.skip("the zygote backend hands out uids, which needs root")
    from autograder.sandbox.zygote import ZygoteBackend

    try:
        return ZygoteBackend(**kwargs)
    except SandboxUnavailable as exc:
        pytest.skip(f"the zygote backend is unavailable here: {exc}")


@pytest.fixture(scope="module")
def zygote():
    backend = _zygote_or_skip(preload=["sympy"], forbidden=["torch"])
    yield backend
    backend.close()


# --- the boundary tests of test_boundary.py, on the zygote --------------------------------------
@pytest.fixture
def any_backend(zygote):
    return zygote


@pytest.fixture
def local_backend(zygote):
    return zygote


student = boundary.student
for _name in dir(boundary):
    if _name.startswith("test_"):
        globals()[f"{_name}_zygote"] = getattr(boundary, _name)


# --- helpers ------------------------------------------------------------------------------------
PROBE = r'''
import ctypes, os, subprocess, sys, time

def identity():
    with open("/proc/self/status") as fh:
        status = dict(line.rstrip("\n").split(":\t", 1) for line in fh if ":\t" in line)
    fds = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            fds[fd] = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            pass
    return {"uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(), "pid": os.getpid(),
            "cwd": os.getcwd(), "home": os.environ.get("HOME"), "tmpdir": os.environ.get("TMPDIR"),
            "caps": {k: status[k] for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")},
            "nnp": status["NoNewPrivs"], "fds": fds, "file": __file__, "sid": os.getsid(0),
            "modules": sorted(m for m in sys.modules if "." not in m)}

def leave_traces(tag):
    here = os.path.dirname(__file__)
    for path in ("/tmp/leftover-" + tag, os.environ["TMPDIR"] + "/private-" + tag, "/dev/shm/shm-" + tag):
        with open(path, "w") as fh:
            fh.write("secret " + tag)
    os.makedirs("/tmp/tree-" + tag + "/a/b", exist_ok=True)
    return sorted(os.listdir("/tmp")), here

def look_around(tags, folders):
    found = {}
    for tag in tags:
        for path in ("/tmp/leftover-" + tag, "/dev/shm/shm-" + tag, "/tmp/tree-" + tag):
            found[path] = os.path.exists(path)
    readable = {}
    for folder in folders:
        try:
            readable[folder] = sorted(os.listdir(folder))
        except OSError as exc:
            readable[folder] = type(exc).__name__
    try:
        listing = sorted(os.listdir("/submission"))
    except OSError as exc:
        listing = type(exc).__name__
    return found, readable, listing, sorted(os.listdir("/tmp"))

def daemonize(seconds):
    # a grandchild in its own session, re-parented away from the worker: killpg would not reach it
    code = "import os, time\nos.setsid()\nif os.fork():\n    os._exit(0)\ntime.sleep(%d)\n" % seconds
    subprocess.Popen([sys.executable, "-c", code], start_new_session=True,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).wait()
    return os.getuid()

def daemonize_and_exit(seconds):
    daemonize(seconds)
    os._exit(0)

def sleep(seconds):
    time.sleep(seconds)
    return os.getuid()

def stop_newcomers(n):
    # stops every process that appears later and is not one of these spinners: the zygote's helpers
    import signal
    worker, start = os.getpid(), set(os.listdir("/proc"))
    for _ in range(n):
        if os.fork() == 0:
            while True:
                for pid in os.listdir("/proc"):
                    if not pid.isdigit() or pid in start:
                        continue
                    try:
                        with open(f"/proc/{pid}/stat") as fh:
                            ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                        if ppid != worker:
                            os.kill(int(pid), signal.SIGSTOP)
                    except (OSError, ValueError, IndexError):
                        pass
    return os.getuid()

def unseeded():
    import random
    import numpy as np
    return float(np.random.rand()), random.random()

libc = ctypes.CDLL(None, use_errno=True)
IPC_CREAT = 0o1000

def make_shm(key):
    shmid = libc.shmget(key, 4096, IPC_CREAT | 0o666)
    return shmid, ctypes.get_errno()

def find_shm(key):
    shmid = libc.shmget(key, 0, 0)
    return shmid, ctypes.get_errno()

def make_mqueue():
    libc_rt = ctypes.CDLL("librt.so.1", use_errno=True)
    fd = libc_rt.mq_open(b"/pwned_mq", os.O_CREAT | os.O_RDWR, 0o666, None)
    return fd, ctypes.get_errno()
'''


def uid_processes(uid: int) -> list[str]:
    return adversarial.processes_of({uid})


# --- one job cannot reach the next -------------------------------------------------------------
def test_consecutive_jobs_see_only_their_own_files_and_no_leftovers(tmp_path, zygote):
    conn1, p1 = connect(tmp_path / "one", zygote, source=PROBE)
    try:
        me1 = p1.identity()
        listing1, here1 = p1.leave_traces("one")
        assert "leftover-one" in listing1
    finally:
        conn1.close()
    conn2, p2 = connect(tmp_path / "two", zygote, source=PROBE)
    try:
        me2 = p2.identity()
        found, readable, listing, tmp_listing = p2.look_around(["one"], [here1, me1["home"]])
    finally:
        conn2.close()
    assert me1["file"] != me2["file"] and me2["file"].startswith("/submission/")
    assert not any(found.values()), f"job 1's files reached job 2: {found}"
    assert readable[here1] == "FileNotFoundError" and readable[me1["home"]] == "FileNotFoundError"
    assert listing == "PermissionError", "a job may enter its own submission folder, not list the others"
    tmp_listing = [name for name in tmp_listing if name not in MOUNTED_UNDER_TMP]
    assert tmp_listing == [Path(me2["home"]).name], f"/tmp holds more than job 2's own folder: {tmp_listing}"
    assert me1["home"] != me2["home"] and me2["cwd"] == me2["home"] == me2["tmpdir"]


def test_each_job_seeds_its_generators_afresh(tmp_path, zygote):
    draws = []
    for i in range(2):
        conn, proxy = connect(tmp_path / str(i), zygote, source=PROBE)
        try:
            draws.append(proxy.unseeded())
        finally:
            conn.close()
    assert draws[0][0] != draws[1][0] and draws[0][1] != draws[1][1], "forked jobs share the template's RNG state"


def test_a_running_job_cannot_read_another_jobs_submission(tmp_path, zygote):
    conn1, p1 = connect(tmp_path / "one", zygote, source=PROBE)
    conn2, p2 = connect(tmp_path / "two", zygote, source=PROBE)
    try:
        me1, me2 = p1.identity(), p2.identity()
        assert me1["uid"] != me2["uid"]
        _, readable, _, _ = p2.look_around([], [os.path.dirname(me1["file"]), me1["home"]])
        assert readable == {os.path.dirname(me1["file"]): "PermissionError", me1["home"]: "PermissionError"}
    finally:
        conn1.close()
        conn2.close()


def test_uids_differ_between_consecutive_jobs_and_are_unprivileged(tmp_path, zygote):
    uids = []
    for i in range(3):
        conn, proxy = connect(tmp_path / str(i), zygote, source=PROBE)
        try:
            uids.append(proxy.identity()["uid"])
        finally:
            conn.close()
    assert all(u >= 1000 for u in uids)
    assert uids[0] != uids[1] != uids[2]


def test_capabilities_are_all_zero_in_the_child(tmp_path, zygote):
    conn, proxy = connect(tmp_path, zygote, source=PROBE)
    try:
        me = proxy.identity()
    finally:
        conn.close()
    assert me["caps"] == {k: "0000000000000000" for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")}
    assert me["nnp"] == "1"
    assert me["uid"] != 0 and me["gid"] == me["uid"] and me["groups"] == []
    assert me["sid"] == me["pid"], "the worker leads its own session"
    # only the worker's own descriptors: its pipes, the capture file, /dev/null; never the control socket
    assert not [t for t in me["fds"].values() if t.startswith("socket:")], me["fds"]
    assert len(me["fds"]) <= 8, me["fds"]


def test_a_daemonized_grandchild_is_dead_before_the_next_job_starts(tmp_path, zygote):
    conn, proxy = connect(tmp_path / "one", zygote, source=PROBE)
    try:
        uid = proxy.daemonize(60)
        assert uid_processes(uid), "the daemon should be running while its job runs"
    finally:
        conn.close()
    assert uid_processes(uid) == [], "close() returns only once the job's uid has no process left"


def test_the_jobs_processes_cannot_stop_the_helper_that_kills_them(tmp_path, zygote):
    conn, proxy = connect(tmp_path, zygote, source=PROBE)
    try:
        uid = proxy.stop_newcomers(2)
        time.sleep(0.2)
    finally:
        started = time.monotonic()
        conn.close()
    assert time.monotonic() - started < 5, "the clean-up was held up"
    assert uid_processes(uid) == []
    conn, proxy = connect(tmp_path / "next", zygote, source=PROBE)
    try:
        assert proxy.identity()["uid"] != uid
    finally:
        conn.close()


def test_a_job_that_ends_by_itself_takes_its_daemon_along(tmp_path, zygote):
    conn, proxy = connect(tmp_path, zygote, source=PROBE)
    try:
        uid = proxy.identity()["uid"]
        with pytest.raises(WorkerCrashed, match="exited with status 0"):
            proxy.daemonize_and_exit(60)
        assert proxy.sleep(0) != uid  # a fresh worker, with a fresh uid
        assert uid_processes(uid) == []
    finally:
        conn.close()


def test_timeout_kills_the_job_and_the_next_job_works(tmp_path, zygote):
    conn, proxy = connect(tmp_path, zygote, source=PROBE, call_timeout=1.0)
    try:
        uid = proxy.identity()["uid"]
        started = time.monotonic()
        with pytest.raises(CallTimeout):
            proxy.sleep(30)
        assert time.monotonic() - started < 5
        assert uid_processes(uid) == []
        assert proxy.sleep(0) != uid
    finally:
        conn.close()
    conn, proxy = connect(tmp_path / "next", zygote, source=PROBE)
    try:
        assert proxy.identity()["uid"] > 0
    finally:
        conn.close()


def test_sysv_ipc_objects_do_not_outlive_their_job(tmp_path, zygote):
    key = 0x5EC12E7
    conn, proxy = connect(tmp_path / "one", zygote, source=PROBE)
    try:
        shmid, err = proxy.make_shm(key)
        assert shmid >= 0, f"shmget failed with errno {err}"
        assert proxy.find_shm(key)[0] == shmid
    finally:
        conn.close()
    conn, proxy = connect(tmp_path / "two", zygote, source=PROBE)
    try:
        shmid, err = proxy.find_shm(key)
        assert shmid == -1 and err == 2, "job 1's shared memory segment reached job 2"  # ENOENT
        fd, err = proxy.make_mqueue()  # POSIX queues cannot be listed for clean-up: none may be made
        assert fd == -1
    finally:
        conn.close()


def test_a_crashed_zygote_is_replaced(tmp_path, zygote):
    conn, proxy = connect(tmp_path, zygote, source=PROBE)
    try:
        uid = proxy.identity()["uid"]
        template = conn._proc.template
        killer = threading.Timer(0.5, lambda: os.killpg(template.proc.pid, signal.SIGKILL))
        killer.start()
        with pytest.raises(WorkerCrashed, match="zygote process died"):
            proxy.sleep(30)
        killer.join()
        assert uid_processes(uid) == []
        assert proxy.identity()["uid"] > 0  # the next call started a new template
        assert conn._proc.template is not template and conn._proc.template.alive()
    finally:
        conn.close()


def test_a_zygote_killed_between_jobs_is_replaced(tmp_path, zygote):
    conn, proxy = connect(tmp_path / "one", zygote, source=PROBE)
    try:
        proxy.identity()
        template = conn._proc.template
    finally:
        conn.close()
    os.killpg(template.proc.pid, signal.SIGKILL)
    template.proc.wait(timeout=10)
    conn, proxy = connect(tmp_path / "two", zygote, source=PROBE)
    try:
        assert proxy.identity()["uid"] > 0
        assert conn._proc.template is not template
    finally:
        conn.close()


def test_the_submission_copy_and_the_job_home_are_removed(tmp_path, zygote):
    conn, proxy = connect(tmp_path, zygote, source=PROBE)
    try:
        proxy.identity()
        worker = conn._proc
        folder = worker.template.slot / str(worker.job)
        assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o500
    finally:
        conn.close()
    assert not folder.exists()
    assert [p.name for p in worker.template.slot.iterdir()] == []


# --- preloading ---------------------------------------------------------------------------------
def test_forbidden_modules_are_not_preloaded(tmp_path):
    from autograder.sandbox.zygote import preload_list

    assert preload_list(["sympy", "torch.nn", "scipy"], ["torch"]) == ("numpy", "numpy.random", "sympy", "scipy")
    # fractions imports decimal: with decimal forbidden it fails to preload, as it would in a worker
    backend = _zygote_or_skip(preload=["fractions", "json"], forbidden=["decimal", "torch"])
    try:
        conn, proxy = connect(tmp_path, backend, source=PROBE)
        try:
            modules = proxy.identity()["modules"]
            ready = conn._proc.template.ready
        finally:
            conn.close()
    finally:
        backend.close()
    assert ready["loaded"] == ["numpy", "numpy.random", "json"] and set(ready["failed"]) == {"fractions"}
    assert ready["forbidden_present"] == [] and ready["threads"] == 1
    assert "decimal" not in modules and "torch" not in modules and "json" in modules


def test_preloads_come_from_the_reference(zygote):
    from autograder.sandbox.zygote import ZygoteBackend, top_level_imports

    logistic = get_assignment("logistic_gradient", ROOT)
    assert top_level_imports(logistic.reference) == ["typing", "numpy", "sympy"]
    backend = ZygoteBackend.for_assignment(logistic)
    assert backend.preload == ("numpy", "numpy.random", "typing", "sympy")
    assert "torch" in logistic.forbidden


def test_the_reference_grades_full_marks_on_the_zygote(zygote):
    from autograder.judge.run import grade
    from autograder.sandbox.zygote import ZygoteBackend

    toy = get_assignment("toy", HERE / "fixtures" / "course")
    backend = ZygoteBackend.for_assignment(toy)
    try:
        first = grade(toy, toy.reference, backend)
        second = grade(toy, toy.reference, backend)
    finally:
        backend.close()
    assert first.score == first.max_score > 0 and second.score == second.max_score
    assert first.backend == "zygote" and first.sandboxed


def test_the_slot_is_read_only_inside(tmp_path, zygote):
    source = PROBE + '''
def write_submission():
    try:
        with open(__file__, "a") as fh:
            fh.write("x")
        return "written"
    except OSError as exc:
        return type(exc).__name__
'''
    conn, proxy = connect(tmp_path, zygote, source=source)
    try:
        assert proxy.write_submission() in ("PermissionError", "OSError")
    finally:
        conn.close()


# --- the adversarial set of test_adversarial.py, on the zygote -----------------------------------
sandbox_uids = adversarial.sandbox_uids
listeners = adversarial.listeners


@pytest.fixture(scope="module")
def toy_zygote():
    toy = get_assignment("toy", adversarial.COURSE)
    _zygote_or_skip()  # skips unless root and bwrap
    from autograder.sandbox.zygote import ZygoteBackend

    backend = ZygoteBackend.for_assignment(toy)
    yield toy, backend
    backend.close()


def _attack_params():
    # test_adversarial's known weaknesses for every backend ("*") are judge-side or RLIMIT-related
    # findings tracked there; here they are expected failures but not strict ones, so that a fix
    # there (or a difference of the zygote) does not fail this file
    for attack in adversarial.ATTACK_LIST:
        strict = (attack.name, "zygote") in adversarial.XFAIL
        reason = adversarial.XFAIL.get((attack.name, "zygote")) or adversarial.XFAIL.get((attack.name, "*"))
        marks = [pytest.mark.xfail(strict=strict, reason=reason)] if reason else []
        yield pytest.param(attack, id=f"{attack.name}-zygote", marks=marks)


@pytest.mark.parametrize("attack", list(_attack_params()))
def test_attack_is_contained_on_the_zygote(attack, toy_zygote, sandbox_uids, listeners, monkeypatch):
    """test_adversarial.test_attack_is_contained, with the zygote backend object instead of a name."""
    toy, backend = toy_zygote
    monkeypatch.setattr(adversarial, "require_backend", lambda name: None)
    adversarial.test_attack_is_contained(attack, backend, toy, sandbox_uids, listeners)


# --- batch grading: one template per forked judge ------------------------------------------------
def test_batch_judges_each_grade_through_their_own_template(tmp_path, zygote):
    """run_batch forks its judges; each starts its own template on its first submission."""
    from autograder.batch.inputs import discover
    from autograder.batch.runner import run_batch
    from autograder.batch.store import ResultStore
    from autograder.judge.trusted_code import mutant_source
    from autograder.sandbox.zygote import ZygoteBackend

    toy = get_assignment("toy", HERE / "fixtures" / "course")
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("alice", "bob", "carol"):
        shutil.copy(toy.reference, folder / f"{name}.py")
    (folder / "dan.py").write_text(mutant_source(toy.reference, toy.root / "mutants" / "subtracts.py"))
    (folder / "erin.py").write_text(toy.reference.read_text() + "\nimport ctypes\n\ndef add(a, b):\n"
                                    "    ctypes.string_at(0)\n")
    (folder / "frank.py").write_text(toy.reference.read_text() + "\ndef add(a, b):\n    x = bytearray(1 << 34)\n"
                                     "    return a + b\n")
    backend = ZygoteBackend.for_assignment(toy)  # no template in this process: the judges start theirs
    store = ResultStore(tmp_path / "db.sqlite")
    try:
        # a backend object reaches the forked judges as is (a name would be resolved per judge)
        stats = run_batch(toy, discover(folder).submissions, store, 2, backend, lambda r: None)  # type: ignore
        results = {r.student: r.result for r in store.all()}
    finally:
        store.close()
    assert stats.graded == 6 and stats.failed == 0
    assert {k: r.score for k, r in results.items()} == {"alice": 8.0, "bob": 8.0, "carol": 8.0, "dan": 3.0,
                                                        "erin": 3.0, "frank": 3.0}
    assert all(r.backend == "zygote" for r in results.values())
    feedback = {k: " ".join(t.feedback for t in r.tests) for k, r in results.items()}
    assert "segmentation fault" in feedback["erin"] and "MemoryError" in feedback["frank"]
    assert backend._templates == {}


def test_deep_and_linked_leftovers_are_removed_without_following_links(tmp_path, zygote):
    source = PROBE + '''
def litter(depth):
    os.chdir(os.environ["TMPDIR"])
    for _ in range(depth):  # deeper than Python's recursion limit: rmtree alone would give up
        os.mkdir("d")
        os.chdir("d")
    os.symlink("/submission", "/tmp/link-to-submission")
    os.symlink("/dev", "/dev/shm/link-to-dev")
    os.mkfifo("/tmp/fifo")
    return sorted(os.listdir("/tmp")), sorted(os.listdir("/dev/shm"))

def listing():
    return sorted(os.listdir("/tmp")), sorted(os.listdir("/dev/shm")), os.path.exists("/dev/null")
'''
    conn, proxy = connect(tmp_path / "one", zygote, source=source, call_timeout=30.0)
    try:
        tmp_before, shm_before = proxy.litter(1500)
        assert "link-to-submission" in tmp_before and "link-to-dev" in shm_before
    finally:
        conn.close()
    conn, proxy = connect(tmp_path / "two", zygote, source=source)
    try:
        tmp_after, shm_after, dev_null = proxy.listing()
    finally:
        conn.close()
    tmp_after = [name for name in tmp_after if name not in MOUNTED_UNDER_TMP]
    assert len(tmp_after) == 1 and tmp_after[0].startswith("job-") and shm_after == []
    assert dev_null


def test_the_template_and_its_jobs_die_with_the_judge(tmp_path, zygote):
    """A judge killed with -9 (a batch killed mid-run) leaves no template and no job behind."""
    import subprocess

    folder = tmp_path / "sub"
    folder.mkdir(mode=0o755)
    (folder / "student.py").write_text(PROBE)
    (folder / "student.py").chmod(0o644)
    script = f'''
import sys, time
from pathlib import Path
from autograder.judge.connection import WorkerConnection
from autograder.judge.proxy import SubmissionProxy
from autograder.sandbox import Limits
from autograder.sandbox.zygote import ZygoteBackend
conn = WorkerConnection(ZygoteBackend(), Path({str(folder)!r}), "student", Limits(), [], [])
proxy = SubmissionProxy(conn)
uid = proxy.daemonize(600)
print(conn._proc.template.proc.pid, uid, conn._proc.template.slot, flush=True)
time.sleep(600)
'''
    judge = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        bwrap_pid, uid, slot = judge.stdout.readline().split()
        bwrap_pid, uid, slot = int(bwrap_pid), int(uid), Path(slot)
        assert uid_processes(uid)
    finally:
        judge.kill()
        judge.wait()
    from autograder.sandbox.zygote import wait_for_no_processes

    assert wait_for_no_processes(uid, timeout=10), "the job outlived its judge"
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{bwrap_pid}") and time.monotonic() < deadline:
        time.sleep(0.05)
    state = Path(f"/proc/{bwrap_pid}/stat").read_text().split(")")[1].split()[0] if os.path.exists(
        f"/proc/{bwrap_pid}") else "gone"
    assert state in ("gone", "Z"), f"the template's bwrap is still running ({state})"
    from autograder.sandbox.zygote import _sweep_stale_slots

    assert slot.is_dir()  # no clean-up ran in the killed judge: the next template's start sweeps it
    _sweep_stale_slots()
    assert not slot.exists()


def test_shared_backends_are_one_per_process_and_configuration(zygote):
    from autograder.sandbox.zygote import backend_for, shared_backend

    assert shared_backend() is shared_backend()
    toy = get_assignment("toy", HERE / "fixtures" / "course")
    assert backend_for(toy) is backend_for(toy) is not shared_backend()
    assert backend_for(toy).forbidden == ("torch",) and "torch" not in backend_for(toy).preload
