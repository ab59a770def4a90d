"""``submission.fn(args)`` for tests: a call into the worker, recorded.

Each call is recorded with a private copy of its arguments (taken before the
call, since the student may change them in place) so that, after the run,
a failing call can be replayed against the reference and the known mutants
to name the student's mistake.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from autograder.codec import messages as msg
from autograder.judge.connection import RemoteObject, WorkerConnection


@dataclass
class CallRecord:
    function: str
    args: tuple
    kwargs: dict
    result: Any = None
    error: BaseException | None = None
    after: tuple | None = None  # (args, kwargs) as the call left them: in-place changes are behaviour too

    @property
    def replayable(self) -> bool:
        """Only pure data can be replayed judge-side; a remote handle would reach back into the worker."""
        return not _holds_remote((self.args, self.kwargs, self.result))


@dataclass
class CallLog:
    """Calls grouped by the test that made them."""

    current: str = ""
    calls: dict[str, list[CallRecord]] = field(default_factory=dict)
    max_per_function: int = 25  # per test: a long trajectory of one optimizer must not crowd out the others
    _counts: dict[tuple[str, str], int] = field(default_factory=dict)

    def observe(self, function: str, args: tuple, result: Any, kwargs: dict | None = None) -> None:
        """Records behaviour for diagnosis that no single student call shows as a whole.

        ``function`` names a function of the reference module (mutants inherit
        it) that, called with ``args``, computes what the test observed as
        ``result``. For example: a forward pass returns the student's private
        cache, which never equals a mutant's, so a test records instead
        "forward outputs and running statistics" as one observation.
        """
        snapshot = copy.deepcopy((tuple(args), dict(kwargs or {})))
        self.add(CallRecord(function, *snapshot, result=result, after=copy.deepcopy(snapshot)))

    def add(self, record: CallRecord) -> None:
        key = (self.current, record.function)
        self._counts[key] = self._counts.get(key, 0) + 1
        if self._counts[key] <= self.max_per_function:
            self.calls.setdefault(self.current, []).append(record)


def _holds_remote(value: Any, depth: int = 0) -> bool:
    if isinstance(value, RemoteObject):
        return True
    if depth > 20:
        return False
    if isinstance(value, dict):
        return any(_holds_remote(k, depth + 1) or _holds_remote(v, depth + 1) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds_remote(v, depth + 1) for v in value)
    return False


class _Function:
    def __init__(self, proxy: "SubmissionProxy", name: str) -> None:
        self._proxy, self.__name__ = proxy, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._proxy._call(self.__name__, args, kwargs)

    def __repr__(self) -> str:
        return f"<submission function {self.__name__}>"


class SubmissionProxy:
    """Stands in for the student's module in the judge process."""

    def __init__(self, conn: WorkerConnection, log: CallLog | None = None) -> None:
        self._conn = conn
        self._log = log if log is not None else CallLog()

    @property
    def call_log(self) -> CallLog:
        return self._log

    def library(self, qualified_name: str, *args: Any, **kwargs: Any) -> Any:
        """Calls a library function in the worker, e.g. ``library("torch.optim.AdamW", params, lr=1e-3)``.

        For objects a test must hand to student code but that only make sense
        next to it (an optimizer over the student's model's parameters, a loss
        module); the result usually comes back as a remote handle. Not recorded
        for diagnosis: it is the test's own call, not the student's function.
        """
        return self._conn.request(msg.CALL, {"kind": "library", "name": qualified_name}, args, kwargs,
                                  label=qualified_name)

    def __getattr__(self, name: str) -> _Function:
        if name.startswith("_"):
            raise AttributeError(name)
        return _Function(self, name)

    def _call(self, name: str, args: tuple, kwargs: dict) -> Any:
        try:
            snapshot = copy.deepcopy((args, kwargs))
        except Exception:  # noqa: BLE001 - uncopyable arguments are simply not replayed
            snapshot = None
        record = CallRecord(name, *(snapshot or ((), {})))
        try:
            record.result = self._conn.request(msg.CALL, {"kind": "module", "name": name}, args, kwargs, label=name)
            if snapshot is not None:
                record.after = copy.deepcopy((args, kwargs))
            return record.result
        except BaseException as exc:
            record.error = exc
            raise
        finally:
            if snapshot is not None:
                self._log.add(record)
