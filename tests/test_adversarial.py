"""Malicious submissions against the sandboxed grader: every one must be contained.

Each file in ``tests/adversarial/`` is a ``toy.py`` that defines the toy API
(mostly wrong) plus an attack; its docstring says what it attempts. Every
attack is graded with the ``local`` (bubblewrap) and the ``unshare``
backend and must be CONTAINED:

* grading completes, returns a result, within a bounded time;
* the attack gains nothing: the score stays below full marks and no test
  is turned into a skip (the attacks are written so that *success* would
  give full marks, so "below full marks" also says the attack failed);
* nothing secret leaks into the feedback (the hidden suite's expected value
  or its source text, the reference's source);
* nothing is written outside the sandbox (``pwned_*`` marker files,
  forged results files), no connection reaches the host's listeners, no
  process of the sandbox's uid survives the run;
* the grader keeps working: the reference graded right after scores full
  marks.

Weaknesses found in the framework are the ``xfail(strict=True)`` cases;
each reason names the file and line and the fix.

Run: ``python -m pytest tests/test_adversarial.py -q`` (as root, with
bubblewrap installed; otherwise the module skips with the reason).
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import struct
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

from autograder.assignments import get_assignment
from autograder.judge import connection as judge_connection
from autograder.judge.run import grade
from autograder.sandbox import SandboxUnavailable, get_backend
from autograder.sandbox import process as sandbox_process

pytestmark = pytest.mark.sandbox

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "tests" / "fixtures" / "course"
ATTACKS = Path(__file__).resolve().parent / "adversarial"
REFERENCE = COURSE / "reference" / "toy" / "toy.py"
HIDDEN = COURSE / "assignments" / "toy" / "tests" / "hidden" / "test_hidden.py"

# Built from pieces so that this file itself never holds the strings an attack greps the disk for.
SECRET_VALUE = "1234" + ".5678"
SECRET_NAME = "EXPECTED" + "_SECRET"
SIBLING_VALUE = "4321" + ".8765"

GRADE_TIME_LIMIT = 60.0  # seconds for one grading run of one attack
LATENCY_LIMIT = 2.5  # seconds: the host must keep scheduling the judge while an attack runs
TCP_PORTS = (47231, 47232, 47233)  # network_access.py connects to these
ABSTRACT_SOCKET = "\0pwned_network_abstract"

# ---------------------------------------------------------------------------------------------
# Known weaknesses become strict xfails here. Keys: (attack, backend); backend "*" means both.
# ---------------------------------------------------------------------------------------------
# None open at the moment: every weakness this file found has been fixed (see git history).
XFAIL: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Attack:
    name: str
    resource_hungry: bool = False  # check that the host stays responsive while it runs
    late_writer: bool = False  # may write markers after the worker is gone: give it time before looking


ATTACK_LIST = [
    Attack("read_hidden_tests"),
    Attack("read_hidden_git"),
    Attack("patch_pytest"),
    Attack("gc_expected_values"),
    Attack("exit_during_call"),
    Attack("forged_results"),
    Attack("endless_loop", resource_hungry=True),
    Attack("fork_bomb", resource_hungry=True),
    Attack("memory_bomb", resource_hungry=True),
    Attack("memory_across_processes", resource_hungry=True),
    Attack("output_flood", resource_hungry=True),
    Attack("network_access"),
    Attack("host_unix_sockets"),
    Attack("lying_results"),
    Attack("pickle_payload"),
    Attack("setsid_daemon", late_writer=True),
    Attack("write_outside"),
    Attack("signal_parent"),
    Attack("deep_recursion"),
    Attack("huge_results", resource_hungry=True),
    Attack("tamper_modules"),
    Attack("exception_tricks"),
    Attack("skip_tricks"),
    Attack("protocol_forgery"),
    Attack("userns_unmount"),
    Attack("privilege_probe"),
    Attack("sympy_deep_result"),
]
BACKENDS = ("local", "unshare")


def _params() -> Iterator[Any]:
    for attack in ATTACK_LIST:
        for backend in BACKENDS:
            reason = XFAIL.get((attack.name, backend)) or XFAIL.get((attack.name, "*"))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(attack, backend, id=f"{attack.name}-{backend}", marks=marks)


# ---------------------------------------------------------------------------------------------
# Helpers: availability, secrets, markers, processes, listeners, responsiveness
# ---------------------------------------------------------------------------------------------
def require_backend(name: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("the sandbox drops to a per-job uid, which needs root; run these tests as root")
    try:
        backend = get_backend(name)
    except SandboxUnavailable as exc:
        pytest.skip(f"the {name} sandbox is unavailable here: {exc}")
    if backend.name != name:  # 'local' fell back to unshare (no bwrap): that case is the unshare run
        pytest.skip(f"'{name}' resolves to the {backend.name} backend here (bubblewrap missing)")


@pytest.fixture(scope="module")
def toy():
    return get_assignment("toy", COURSE)


def secret_needles() -> list[str]:
    """Strings that must never reach a student: the expected value and the hidden tests' source."""
    needles = {SECRET_VALUE, SECRET_NAME, "Reference for the toy assignment."}
    for line in HIDDEN.read_text().splitlines():
        line = line.strip()
        if len(line) >= 25:
            needles.add(line)
    return sorted(needles)


def all_strings(obj: Any) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from all_strings(k)
            yield from all_strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from all_strings(v)


MARKER_ROOTS = [("/", 1), ("/tmp", 3), ("/var/tmp", 3), ("/run/lock", 2), ("/dev/shm", 2), ("/root", 2),
                ("/work", 3), (str(ROOT), 2), (str(ATTACKS), 1), ("/autograder", 4),
                (os.path.expanduser("~"), 1)]
RESULT_FILES = [Path("/tmp/results.json"), Path("/autograder/results/results.json"), ATTACKS / "results.json",
                ROOT / "results.json", Path(os.path.expanduser("~")) / "results.json"]


def find_markers() -> dict[str, int]:
    """Files named pwned_* in the places an attack could reach (a bounded walk), with their owners."""
    found: dict[str, int] = {}

    def note(path: str) -> None:
        try:
            found[path] = os.lstat(path).st_uid
        except OSError:
            pass

    for root, max_depth in MARKER_ROOTS:
        base = root.rstrip("/").count("/")
        for dirpath, dirnames, filenames in os.walk(root, onerror=lambda e: None):
            if dirpath.rstrip("/").count("/") - base >= max_depth:
                dirnames[:] = []
            dirnames[:] = [d for d in dirnames if d not in (".git", "node_modules", "site-packages", "proc", "sys")]
            for n in filenames + dirnames:
                if n.startswith("pwned_"):
                    note(os.path.join(dirpath, n))
    for path in RESULT_FILES:
        try:
            if b"pwned_forged_results" in path.read_bytes():
                note(str(path))
        except OSError:
            pass
    return found


def new_markers_of(before: dict[str, int], after: dict[str, int], uids: set[int]) -> set[str]:
    """Markers that appeared during the run and belong to its sandboxes (or to the judge's own uid).

    Filtering on the owner keeps a concurrent run of this file (other uids) from being blamed.
    """
    owners = uids | {os.geteuid()}
    return {p for p, uid in after.items() if (p not in before or before[p] != uid) and uid in owners}


def processes_of(uids: set[int]) -> list[str]:
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("Uid:"):
                        if {int(u) for u in line.split()[1:]} & uids:
                            out.append(pid)
                        break
        except (OSError, ValueError):
            continue
    return out


def wait_no_processes(uids: set[int], timeout: float = 5.0) -> list[str]:
    deadline = time.monotonic() + timeout
    left = processes_of(uids)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = processes_of(uids)
    return left


class Listeners:
    """Host endpoints an escaped worker would reach: TCP on loopback, an abstract and a file socket."""

    def __init__(self) -> None:
        self.socks: list[tuple[str, socket.socket]] = []
        self.sock_dir: str | None = None
        for port in TCP_PORTS:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                s.close()
                continue
            self._listen(f"tcp 127.0.0.1:{port}", s)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.bind(ABSTRACT_SOCKET)
            self._listen("abstract unix socket", s)
        except OSError:
            s.close()
        if os.path.isdir("/var/tmp"):
            self.sock_dir = tempfile.mkdtemp(prefix="adversarial-listen-", dir="/var/tmp")
            os.chmod(self.sock_dir, 0o755)
            path = os.path.join(self.sock_dir, "listen.sock")
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(path)
            os.chmod(path, 0o777)
            self._listen(f"unix socket {path}", s)

    def _listen(self, name: str, s: socket.socket) -> None:
        s.listen(16)
        s.setblocking(False)
        self.socks.append((name, s))

    def connections(self, uids: set[int]) -> list[str]:
        """Connections made so far; on Unix sockets only those from the given uids (a concurrent run's
        workers have other uids), judged by the peer's credentials."""
        got = []
        for name, s in self.socks:
            while True:
                try:
                    conn, _ = s.accept()
                except (BlockingIOError, OSError):
                    break
                with conn:
                    if s.family == socket.AF_UNIX:
                        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
                        _, uid, _ = struct.unpack("3i", creds)
                        if uid not in uids:
                            continue
                got.append(name)
        return got

    def close(self) -> None:
        for _, s in self.socks:
            s.close()
        if self.sock_dir:
            shutil.rmtree(self.sock_dir, ignore_errors=True)


class LatencyProbe(threading.Thread):
    """Measures how late a 50 ms sleep wakes up while an attack runs (host responsiveness)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.worst = 0.0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            t0 = time.monotonic()
            time.sleep(0.05)
            self.worst = max(self.worst, time.monotonic() - t0 - 0.05)

    def stop(self) -> float:
        self._halt.set()
        self.join(timeout=5)
        return self.worst


@pytest.fixture
def sandbox_uids(monkeypatch) -> set[int]:
    """The uids the grader gives its sandboxes during this test (to find surviving processes)."""
    uids: set[int] = set()
    original = sandbox_process.UIDS.acquire

    def acquire() -> tuple[int, int]:
        uid, fd = original()
        uids.add(uid)
        return uid, fd

    monkeypatch.setattr(sandbox_process.UIDS, "acquire", acquire)
    return uids


@pytest.fixture
def listeners() -> Iterator[Listeners]:
    ls = Listeners()
    try:
        yield ls
    finally:
        ls.close()


def remove_markers(paths: set[str]) -> None:
    for p in paths:
        try:
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p, ignore_errors=True)
            else:
                os.unlink(p)
        except OSError:
            pass


def grade_timed(assignment, path: Path, backend: str):
    t0 = time.monotonic()
    try:
        result = grade(assignment, path, backend=backend)
    except Exception as exc:  # noqa: BLE001 - a crash of grade() is exactly what we test for
        return None, time.monotonic() - t0, exc
    return result, time.monotonic() - t0, None


_baselines: dict[str, tuple[float, int]] = {}


def baseline(toy, backend: str) -> tuple[float, int]:
    """Max score and number of test cases of toy, from grading the reference (once per backend)."""
    if backend not in _baselines:
        result, _, exc = grade_timed(toy, REFERENCE, backend)
        assert exc is None, f"grading the reference failed: {exc!r}"
        assert result.score == result.max_score > 0, "the reference does not score full marks"
        _baselines[backend] = (result.max_score, len(result.tests))
    return _baselines[backend]


def failures(result) -> str:
    return "; ".join(f"{t.name}: {t.status} {t.feedback[:120]!r}" for t in result.tests)


# ---------------------------------------------------------------------------------------------
# The main test: every attack, every backend
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("attack,backend", list(_params()))
def test_attack_is_contained(attack: Attack, backend: str, toy, sandbox_uids, listeners):
    require_backend(backend)
    max_score, n_tests = baseline(toy, backend)
    submission = ATTACKS / f"{attack.name}.py"
    markers_before = find_markers()
    probe = LatencyProbe()
    probe.start()
    try:
        result, elapsed, crash = grade_timed(toy, submission, backend)
    finally:
        worst_latency = probe.stop()
    survivors = wait_no_processes(sandbox_uids)
    if attack.late_writer:
        time.sleep(1.0)  # let anything that escaped write its markers
    new_markers = new_markers_of(markers_before, find_markers(), sandbox_uids)
    reached = listeners.connections(sandbox_uids)
    try:
        print(f"\n[{attack.name} / {backend}] "
              + (f"CRASH {crash!r}" if crash else f"score {result.score:g}/{result.max_score:g}")
              + f", {elapsed:.1f} s, worst latency {worst_latency:.2f} s")
        # 1. grading completes, returns a result, in bounded time
        assert crash is None, f"grade() raised instead of returning a result: {crash!r}"
        assert elapsed < GRADE_TIME_LIMIT, f"grading took {elapsed:.1f} s"
        # 2. the attack gains nothing
        assert len(result.tests) == n_tests and result.max_score == max_score, \
            f"the suite changed: {len(result.tests)} tests, max {result.max_score}"
        assert not [t for t in result.tests if t.status == "skipped"], failures(result)
        assert result.score < result.max_score, f"full marks for an attack: {failures(result)}"
        # 3. nothing secret in the feedback, and the feedback stays bounded
        gradescope = result.to_gradescope()
        text = "\n".join(all_strings(gradescope))
        leaked = [n for n in secret_needles() if n in text]
        assert not leaked, f"secret text in the feedback: {leaked}"
        assert len(text) < 512 * 1024, f"feedback of {len(text)} characters"
        cap = toy.limits.output_cap
        assert all(len(t.output) <= cap + 100 for t in result.tests), "student output not capped"
        # 4. nothing outside the sandbox
        assert not survivors, f"processes of the sandbox uid(s) {sorted(sandbox_uids)} survived: {survivors}"
        assert not new_markers, f"files written outside the sandbox: {sorted(new_markers)}"
        assert not reached, f"the submission reached host endpoints: {reached}"
        if attack.resource_hungry:
            t0 = time.monotonic()
            subprocess.run(["true"], check=True, timeout=10)
            assert time.monotonic() - t0 < LATENCY_LIMIT, "the host is slow to start a process"
            assert worst_latency < LATENCY_LIMIT, f"the judge was starved for {worst_latency:.1f} s"
    finally:
        remove_markers(new_markers)
    # 5. the grader keeps working
    after, _, exc = grade_timed(toy, REFERENCE, backend)
    assert exc is None and after.score == after.max_score == max_score, \
        f"the reference no longer scores full marks after {attack.name}: {exc or failures(after)}"


# ---------------------------------------------------------------------------------------------
# Weaknesses that need their own set-up
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def course_in_var_tmp() -> Iterator[Path]:
    """A copy of the fixture course on the host outside /tmp, with a sibling assignment toy2."""
    if not os.path.isdir("/var/tmp"):
        pytest.skip("no /var/tmp on this host")
    top = Path(tempfile.mkdtemp(prefix="adversarial-course-", dir="/var/tmp"))
    try:
        course = top / "course"
        shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns("__pycache__"))
        toy2 = course / "assignments" / "toy2"
        shutil.copytree(course / "assignments" / "toy", toy2)
        toml = toy2 / "assignment.toml"
        toml.write_text(toml.read_text().replace('name = "toy"', 'name = "toy2"'))
        hidden = toy2 / "tests" / "hidden" / "test_hidden.py"
        hidden.write_text(hidden.read_text().replace(SECRET_VALUE, SIBLING_VALUE))
        shutil.copytree(course / "reference" / "toy", course / "reference" / "toy2")
        for dirpath, dirnames, filenames in os.walk(top):
            os.chmod(dirpath, 0o755)
            for n in filenames:
                os.chmod(os.path.join(dirpath, n), 0o644)
        yield course
    finally:
        shutil.rmtree(top, ignore_errors=True)


@pytest.mark.parametrize("backend", [
    "local",
    "unshare",
])
def test_sibling_assignments_stay_hidden(backend, course_in_var_tmp, sandbox_uids):
    """Grading one assignment must not expose another assignment's hidden tests."""
    require_backend(backend)
    toy_copy = get_assignment("toy", course_in_var_tmp)
    result, elapsed, crash = grade_timed(toy_copy, ATTACKS / "read_hidden_tests.py", backend)
    assert crash is None, repr(crash)
    text = "\n".join(all_strings(result.to_gradescope()))
    print(f"\n[read_hidden_tests with a sibling assignment / {backend}] score {result.score:g}/"
          f"{result.max_score:g}, {elapsed:.1f} s")
    assert SIBLING_VALUE not in text and SECRET_VALUE not in text, "hidden tests of an assignment leaked"
    assert result.score < result.max_score


@pytest.fixture
def fast_toy(tmp_path) -> Any:
    """toy with call_timeout 0.25 s, total_timeout 1 s and six more hidden cases (a copy; the fixture is untouched)."""
    course = tmp_path / "course"
    shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns("__pycache__"))
    toml = course / "assignments" / "toy" / "assignment.toml"
    text = toml.read_text().replace("call_timeout = 3", "call_timeout = 0.25").replace(
        "total_timeout = 60", "total_timeout = 1")
    assert "call_timeout = 0.25" in text and "total_timeout = 1" in text, "toy's limits changed; update this test"
    toml.write_text(text)
    (course / "assignments" / "toy" / "tests" / "hidden" / "test_more.py").write_text(
        "import pytest\n\n\n"
        "@pytest.mark.parametrize('k', range(6))\n"
        "def test_more_add(submission, k):\n"
        "    assert submission.add(float(k), 1.0) == k + 1.0\n")
    return get_assignment("toy", course)


def test_hang_at_import_is_bounded_by_the_total_budget(fast_toy, monkeypatch, sandbox_uids):
    require_backend("local")
    startup = 0.5
    monkeypatch.setattr(judge_connection, "STARTUP_TIMEOUT", startup)
    result, elapsed, crash = grade_timed(fast_toy, ATTACKS / "hang_at_import.py", "local")
    assert crash is None, repr(crash)
    print(f"\n[hang_at_import / local, start-up timeout {startup:g} s, {len(result.tests)} tests] score "
          f"{result.score:g}/{result.max_score:g}, {elapsed:.1f} s")
    assert result.score == 0
    assert not wait_no_processes(sandbox_uids)
    bound = fast_toy.limits.total_timeout + startup + 1.5
    assert elapsed < bound, f"grading took {elapsed:.1f} s; the budget allows about {bound:g} s"


def test_costly_sympy_result_does_not_stall_the_judge(toy, sandbox_uids):
    require_backend("local")
    _, reference_time, _ = grade_timed(toy, REFERENCE, "local")
    result, elapsed, crash = grade_timed(toy, ATTACKS / "sympy_costly_result.py", "local")
    assert crash is None, repr(crash)
    print(f"\n[sympy_costly_result / local] score {result.score:g}/{result.max_score:g}, {elapsed:.1f} s "
          f"(reference {reference_time:.1f} s)")
    assert result.score < result.max_score
    bound = reference_time + 2.0  # judge-side work on a result that is simply of the wrong type: ~nothing
    assert elapsed < bound, f"grading took {elapsed:.1f} s, the judge spent it evaluating the student's result"


def test_student_exception_groups_are_reported_as_student_errors(toy, sandbox_uids):
    require_backend("local")
    result, _, crash = grade_timed(toy, ATTACKS / "exception_group.py", "local")
    assert crash is None, repr(crash)
    assert result.score < result.max_score
    wrong = {t.name: t.feedback for t in result.tests
             if t.status == "failed" and not t.feedback.startswith("Your code raised")}
    assert not wrong, f"student exceptions reported as something else: {wrong}"


def test_every_attack_file_is_documented_and_listed():
    """Each malicious submission says what it attempts; the suite covers each (or a dedicated test does)."""
    dedicated = {"hang_at_import", "sympy_costly_result", "exception_group"}
    files = {p.stem for p in ATTACKS.glob("*.py")} - {"conftest"}
    assert files == {a.name for a in ATTACK_LIST} | dedicated
    for stem in files:
        text = (ATTACKS / f"{stem}.py").read_text()
        assert text.startswith('"""Attack: '), f"{stem}.py needs a docstring saying what it attempts"
        for name in ("def add(", "def scale_rows(", "def bump(", "def apply("):
            assert name in text, f"{stem}.py must define the toy API ({name[4:-1]})"
    assert len(ATTACK_LIST) >= 12
    assert stat.S_ISDIR(os.stat(ATTACKS).st_mode)
