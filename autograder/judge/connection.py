"""The judge's end of the worker pipe: calls, callbacks, limits, restarts.

A call sends encoded arguments, then serves the worker's callback requests
until the worker replies. Time is charged only while the judge waits on the
worker (time spent in a test's own callbacks is the judge's). A call that
runs past its limit, or a worker that dies or sends garbage, costs that call
only: the worker is killed and the next call starts a fresh one.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, NoReturn

from autograder.codec import CodecError, Decoder, Encoder, Frame, FrameTimeout, PeerClosed, ProtocolError
from autograder.codec import messages as msg
from autograder.judge.errors import (
    CallTimeout, StudentFrame, SubmissionImportError, TimeBudgetExceeded, WorkerCrashed, student_exception,
)
from autograder.sandbox import Backend, Limits, WorkerProcess

STARTUP_TIMEOUT = 60.0  # worker start plus the student's import (torch alone takes seconds)


class RemoteObject:
    """An object that stays in the worker (a student's class instance, a model).

    Attribute access and calls are forwarded; equality is identity, so an
    object whose ``__eq__`` lies cannot make a comparison pass.
    """

    def __init__(self, conn: "WorkerConnection", generation: int, hid: int, type_name: str) -> None:
        self._conn, self._generation, self._hid, self.type_name = conn, generation, hid, type_name

    def _target(self, attr: str | None = None) -> dict:
        return {"kind": "handle", "id": self._hid, "attr": attr, "generation": self._generation}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._conn.request(msg.GETATTR, self._target(name), (), {}, label=f"{self.type_name}.{name}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._conn.request(msg.CALL, self._target(), args, kwargs, label=self.type_name)

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)

    def __deepcopy__(self, memo: dict) -> "RemoteObject":
        return self

    def __repr__(self) -> str:
        return f"<{self.type_name} object in the submission's process>"


class WorkerConnection:
    def __init__(self, backend: Backend, submission_dir: Path, module: str, limits: Limits,
                 forbidden: list[str], secrets: list[Path]) -> None:
        self.backend, self.submission_dir, self.module = backend, submission_dir, module
        self.limits, self.forbidden, self.secrets = limits, forbidden, secrets
        self.generation = 0
        self.worker_seconds = 0.0
        self.on_output: Callable[[str, bool], None] = lambda text, truncated: None
        self._proc: WorkerProcess | None = None
        self._closed = False
        self._hung_import: str | None = None  # set once an import outlives its limit: never retried
        self._load_error: dict | None = None  # the worker's report; a fresh exception is raised per call
        self._callbacks: list[Callable] = []

    # --- lifecycle ----------------------------------------------------------
    def _start(self) -> WorkerProcess:
        self.generation += 1
        proc = self.backend.start(self.submission_dir, self.limits, self.secrets)
        self._proc = proc
        started = time.monotonic()
        deadline = started + max(STARTUP_TIMEOUT, self.limits.call_timeout)
        try:
            proc.send(Frame({"op": msg.LOAD, "module": self.module, "path": proc.submission_path,
                             "forbidden": self.forbidden, "output_cap": self.limits.output_cap}), deadline)
            reply = proc.recv(deadline).header
        except FrameTimeout:
            self.worker_seconds += time.monotonic() - started
            self._hung_import = (f"importing your module did not finish within "
                                 f"{max(STARTUP_TIMEOUT, self.limits.call_timeout):g} s (code at module level "
                                 "runs on import: an endless loop or a long computation there?)")
            self._crash(self._hung_import)
        except (PeerClosed, ProtocolError) as exc:
            self._crash(f"the worker did not start ({type(exc).__name__})")
        self.worker_seconds += time.monotonic() - started  # import-time work is the submission's too
        if reply.get("op") != msg.READY:
            self._crash("the worker sent an unexpected first message")
        self._emit_output(reply)
        error = reply.get("error")
        self._load_error = error if isinstance(error, dict) else None
        return proc

    def close(self) -> None:
        """Ends the session: the worker is killed and no later call starts another."""
        self._closed = True
        if self._proc is not None:
            self._proc.kill()
            self._proc = None

    def _crash(self, what: str) -> NoReturn:
        proc = self._proc
        detail = ""
        if proc is not None:
            proc.kill()
            detail = proc.exit_description()
            tail = proc.stderr_tail(600).strip()
            if tail:
                detail += f"; its last words: {tail}"
        self._proc = None
        raise WorkerCrashed(f"{what}: the worker process {detail}".rstrip(": "))

    # --- encoding -----------------------------------------------------------
    def _opaque(self, obj: Any) -> dict:
        if isinstance(obj, RemoteObject):
            if obj._conn is not self or obj._generation != self.generation:
                raise CodecError("this object belongs to a worker that has since been restarted")
            return {"$": msg.HANDLE_TAG, "h": obj._hid}
        if callable(obj):
            self._callbacks.append(obj)
            return {"$": msg.CALLBACK_TAG, "c": len(self._callbacks) - 1}
        raise CodecError(f"a test passed a {type(obj).__name__}, which cannot be sent to the worker")

    def _decoder(self, frame: Frame, refs: dict[int, Any] | None = None) -> Decoder:
        generation = self.generation

        def handle(node: dict) -> RemoteObject:
            return RemoteObject(self, generation, int(node["h"]), str(node.get("t", "object"))[:100])

        return Decoder(frame.buffers, on_tag={msg.HANDLE_TAG: handle}, refs=refs)

    def _emit_output(self, header: dict) -> None:
        text = header.get("output")
        if isinstance(text, str) and text:
            self.on_output(text[: self.limits.output_cap], bool(header.get("output_truncated")))

    def _student_error(self, header: dict, label: str, cls: type | None = None) -> Exception:
        frames = []
        for f in header.get("frames") or []:
            if isinstance(f, list) and len(f) == 4:
                frames.append(StudentFrame(str(f[0])[:200], int(f[1] or 0), str(f[2])[:100], str(f[3])[:200]))
        type_name = str(header.get("type", "Exception"))[:100]
        exc_cls = cls or student_exception(type_name, str(header.get("builtin", type_name))[:100])
        exc = exc_cls(label, str(header.get("message", ""))[:2000], frames)
        if cls is not None:
            exc.type_name = type_name
        return exc

    # --- calls ----------------------------------------------------------------
    def request(self, op: str, target: dict, args: tuple, kwargs: dict, label: str) -> Any:
        if self._closed:
            raise WorkerCrashed(f"{label}: grading is over; the worker is gone")
        if self._hung_import is not None:
            raise CallTimeout(f"{label} was not run: {self._hung_import}")
        if self.worker_seconds > self.limits.total_timeout:
            raise TimeBudgetExceeded(
                f"the submission used up its total time budget of {self.limits.total_timeout:g} s; "
                "the remaining calls were not run")
        proc = self._proc if self._proc is not None and self._proc.alive() else self._start()
        if self._load_error is not None:
            # a new exception each time: re-raising one object grows its traceback with every call
            raise self._student_error(self._load_error, f"import {self.module}", SubmissionImportError)
        if target.get("kind") == "handle" and target.pop("generation", self.generation) != self.generation:
            raise WorkerCrashed(f"{label}: this object was lost when the worker was restarted")
        enc = Encoder(on_opaque=self._opaque, register=True)
        header = {"op": op, "target": target, "args": enc.encode(list(args)), "kwargs": enc.encode(kwargs)}
        originals = {rid: obj for rid, obj in enumerate(enc.registered)}
        return self._exchange(proc, Frame(header, enc.buffers), originals, label)

    def _exchange(self, proc: WorkerProcess, frame: Frame, originals: dict[int, Any], label: str) -> Any:
        budget = self.limits.call_timeout
        try:
            proc.send(frame, time.monotonic() + budget)
            while True:
                t0 = time.monotonic()
                reply = proc.recv(t0 + budget)
                spent = time.monotonic() - t0
                budget -= spent
                self.worker_seconds += spent
                op = reply.header.get("op")
                if op == msg.CALLBACK:
                    self._serve_callback(proc, reply)
                    continue
                if op == msg.RETURN:
                    self._emit_output(reply.header)
                    return self._finish(reply, originals)
                if op == msg.RAISE:
                    self._emit_output(reply.header)
                    raise self._student_error(reply.header, label)
                raise ProtocolError(f"unexpected message {op!r}")
        except FrameTimeout:
            self.worker_seconds += max(budget, 0)
            self._proc = proc
            proc.kill()
            self._proc = None
            raise CallTimeout(f"{label} did not finish within its time limit of "
                              f"{self.limits.call_timeout:g} s (the worker was stopped)") from None
        except (PeerClosed, ProtocolError, CodecError) as exc:
            self._proc = proc
            self._crash(f"{label} did not return normally ({exc})")

    def _serve_callback(self, proc: WorkerProcess, frame: Frame) -> None:
        header = frame.header
        try:
            fn = self._callbacks[int(header["id"])]
            dec = self._decoder(frame)
            args, kwargs = dec.decode(header.get("args")), dec.decode(header.get("kwargs"))
            enc = Encoder(on_opaque=self._opaque)
            reply = Frame({"op": msg.CALLBACK_RETURN, "value": enc.encode(fn(*args, **kwargs))}, enc.buffers)
        except Exception as exc:  # noqa: BLE001 - the student sees that their call of our function failed
            reply = Frame({"op": msg.CALLBACK_ERROR, "message": f"{type(exc).__name__}: {exc}"[:500]})
        proc.send(reply, time.monotonic() + max(self.limits.call_timeout, 1.0))

    def _finish(self, reply: Frame, originals: dict[int, Any]) -> Any:
        dec = self._decoder(reply, refs=dict(originals))
        updates = reply.header.get("updates") or []
        new_states = []
        for item in updates:
            if not (isinstance(item, list) and len(item) == 2 and item[0] in originals):
                raise ProtocolError("bad state update")
            new_states.append((originals[item[0]], dec.decode(item[1])))
        for original, state in new_states:
            _assign_in_place(original, state)
        return dec.decode(reply.header.get("value"))


def _assign_in_place(original: Any, state: Any) -> None:
    """Make the caller's object look as the student's in-place changes left it."""
    import numpy as np

    if isinstance(original, dict) and isinstance(state, dict):
        original.clear()
        original.update(state)
    elif isinstance(original, list) and isinstance(state, list):
        original[:] = state
    elif isinstance(original, np.random.Generator) and isinstance(state, np.random.Generator):
        original.bit_generator.state = state.bit_generator.state
    elif isinstance(original, np.ndarray) and isinstance(state, np.ndarray):
        if original.shape == state.shape:
            if original.flags.writeable:
                np.copyto(original, state, casting="unsafe")
