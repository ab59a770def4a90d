"""The judge/worker boundary behaves like an in-process call, on every backend."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from autograder.judge.connection import RemoteObject, WorkerConnection
from autograder.judge.errors import CallTimeout, StudentCodeError, SubmissionImportError, WorkerCrashed
from autograder.judge.proxy import SubmissionProxy
from autograder.sandbox import Limits

STUDENT = '''
import numpy as np

def scale_in_place(w, lr):
    w -= lr
    return w

def new_array(w, lr):
    return w - lr

def step(w, config=None):
    config = {} if config is None else config
    config.setdefault("lr", 0.1)
    v = config.get("velocity", np.zeros_like(w))
    v *= 0.5          # in place on the state array
    v += w
    config["velocity"] = v
    config["t"] = config.get("t", 0) + 1
    return w - config["lr"] * v, config

def append(xs):
    xs.append(len(xs))

def central_difference(f, x, h=1e-3):
    grad = np.zeros_like(x)
    for i in range(x.size):
        old = x[i]
        x[i] = old + h
        hi = f(x)
        x[i] = old - h
        lo = f(x)
        x[i] = old
        grad[i] = (hi - lo) / (2 * h)
    return grad

class Counter:
    def __init__(self):
        self.n = 0
    def bump(self, k=1):
        self.n += k
        return self.n
    def __eq__(self, other):
        return True

def make_counter():
    return Counter()

def deep_failure(x):
    return _helper(x)

def _helper(x):
    raise ValueError(f"x must be positive, got {x}")

def chatty(n):
    print("line\\n" * n, end="")
    return n

def spin():
    while True:
        pass

def exit_now():
    import os
    os._exit(3)

def import_torch():
    import torch
    return 1
'''


def connect(tmp_path: Path, backend, source: str = STUDENT, **limits) -> tuple[WorkerConnection, SubmissionProxy]:
    folder = tmp_path / "sub"
    folder.mkdir(mode=0o755)
    (folder / "student.py").write_text(textwrap.dedent(source))
    (folder / "student.py").chmod(0o644)
    conn = WorkerConnection(backend, folder, "student", Limits(**{"call_timeout": 5.0, **limits}),
                            forbidden=["torch"], secrets=[])
    return conn, SubmissionProxy(conn)


@pytest.fixture
def student(tmp_path, any_backend):
    conn, proxy = connect(tmp_path, any_backend)
    yield proxy
    conn.close()


def test_in_place_result_is_the_callers_object(student):
    w = np.arange(4.0)
    out = student.scale_in_place(w, 1.0)
    assert out is w
    np.testing.assert_array_equal(w, np.arange(4.0) - 1.0)


def test_new_result_leaves_argument_alone(student):
    w = np.arange(4.0)
    out = student.new_array(w, 1.0)
    assert out is not w
    np.testing.assert_array_equal(w, np.arange(4.0))


def test_config_dict_mutations_and_aliases_come_back(student):
    w = np.ones(3)
    config = {"lr": 0.5}
    _, returned = student.step(w, config)
    assert returned is config
    assert config["t"] == 1
    velocity = config["velocity"]
    student.step(w, config)
    # the state array was updated in place by the student: the caller's array object sees it
    assert config["velocity"] is velocity
    np.testing.assert_allclose(velocity, 0.5 * np.ones(3) + np.ones(3))
    assert config["t"] == 2


def test_list_mutation(student):
    xs = [10, 20]
    student.append(xs)
    assert xs == [10, 20, 2]


def test_callbacks_run_in_the_judge_and_are_counted(student):
    calls = []

    def f(x):
        calls.append(x.copy())
        return float(np.sum(x ** 3))

    x = np.array([1.0, 2.0])
    grad = student.central_difference(f, x)
    np.testing.assert_allclose(grad, 3 * x ** 2, rtol=1e-5)
    assert len(calls) == 4
    np.testing.assert_array_equal(x, [1.0, 2.0])  # restored by the student


def test_uncopyable_objects_stay_remote_and_cannot_fake_equality(student):
    counter = student.make_counter()
    assert isinstance(counter, RemoteObject)
    assert counter.bump(2) == 2
    assert counter.bump() == 3
    assert counter != 3 and counter != counter.bump  # __eq__ of the student's class is never used


def test_student_exception_keeps_type_message_and_only_student_frames(student):
    with pytest.raises(ValueError) as info:
        student.deep_failure(-1)
    exc = info.value
    assert isinstance(exc, StudentCodeError)
    assert "x must be positive, got -1" in exc.feedback()
    assert [f.function for f in exc.frames] == ["deep_failure", "_helper"]
    assert all(f.file == "student.py" for f in exc.frames)
    assert "autograder" not in exc.feedback()


def test_missing_function_is_reported(student):
    with pytest.raises(AttributeError, match="no function 'nope'"):
        student.nope()


def test_output_is_captured_per_call_and_truncated(tmp_path, any_backend):
    conn, proxy = connect(tmp_path, any_backend, output_cap=100)
    seen = []
    conn.on_output = lambda text, truncated: seen.append((text, truncated))
    try:
        assert proxy.chatty(3) == 3
        assert seen[-1] == ("line\n" * 3, False)
        proxy.chatty(10_000)
        assert len(seen[-1][0]) == 100 and seen[-1][1] is True
    finally:
        conn.close()


def test_timeout_kills_the_worker_and_the_next_call_gets_a_fresh_one(tmp_path, any_backend):
    conn, proxy = connect(tmp_path, any_backend, call_timeout=1.0)
    try:
        counter = proxy.make_counter()
        generation = conn.generation
        started = time.monotonic()
        with pytest.raises(CallTimeout, match="time limit of 1 s"):
            proxy.spin()
        assert time.monotonic() - started < 10
        assert proxy.new_array(np.zeros(2), 1.0).tolist() == [-1.0, -1.0]
        assert conn.generation == generation + 1
        with pytest.raises(WorkerCrashed, match="restarted"):
            counter.bump()
    finally:
        conn.close()


def test_exit_during_a_call_is_a_crash_not_a_pass(student):
    with pytest.raises(WorkerCrashed, match="exited with status 3"):
        student.exit_now()
    assert student.new_array(np.zeros(1), 2.0).tolist() == [-2.0]


def test_forbidden_module_is_blocked_in_the_worker(student):
    with pytest.raises(ImportError, match="not allowed"):
        student.import_torch()


def test_import_error_is_reported_for_every_call(tmp_path, any_backend):
    conn, proxy = connect(tmp_path, any_backend, source="def f(:\n    pass\n")
    try:
        with pytest.raises(SubmissionImportError) as info:
            proxy.f()
        assert "could not be imported" in info.value.feedback()
        assert "SyntaxError" in info.value.feedback()
    finally:
        conn.close()


def test_sandbox_hides_the_network_and_the_judges_files(tmp_path, local_backend):
    probe = '''
import os, socket

def probe(paths):
    try:
        socket.create_connection(("127.0.0.1", 22), timeout=1)
        net = "connected"
    except OSError as exc:
        net = type(exc).__name__
    readable = [p for p in paths if os.path.exists(p)]
    return net, readable, os.getuid()
'''
    conn, proxy = connect(tmp_path, local_backend, source=probe)
    try:
        here = str(Path(__file__).resolve())
        net, readable, uid = proxy.probe([here, "/root", "/work", str(tmp_path)])
        assert net != "connected"
        assert readable == ["/root"] or readable == []  # /root may exist only as the python prefix's parent
        assert uid != 0
    finally:
        conn.close()


MEMORY_ACROSS_PROCESSES = '''
import os, time

def hog(children, mb):
    pids = []
    for _ in range(children):
        pid = os.fork()
        if pid == 0:
            block = bytearray(mb << 20)
            for i in range(0, len(block), 4096):
                block[i] = 1
            time.sleep(2)
            os._exit(0)
        pids.append(pid)
    finished = 0
    for pid in pids:
        _, status = os.waitpid(pid, 0)
        finished += os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    return finished
'''


def test_memory_limit_holds_across_forked_processes(tmp_path, local_backend):
    """RLIMIT_AS is per process; the worker's cgroup bounds all its processes together."""
    from autograder.sandbox.cgroup import MemoryCgroup

    try:
        MemoryCgroup(64, 8).remove()
    except OSError as exc:
        pytest.skip(f"no writable memory cgroup here: {exc}")
    conn, proxy = connect(tmp_path, local_backend, source=MEMORY_ACROSS_PROCESSES, memory_mb=1024,
                          call_timeout=30.0)
    try:
        assert proxy.hog(4, 700) < 4  # 4 x 700 MiB cannot all live in 1 GiB
    except WorkerCrashed:
        pass  # the OOM killer may take the worker itself: contained either way
    finally:
        conn.close()
