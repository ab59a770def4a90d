"""The untrusted side: imports the student's module and serves calls on it.

Runs inside the sandbox as ``python -m autograder.worker``. It sees only the
submission and this package's code; everything it sends is data for the
codec. Nothing here is trusted by the judge: a submission can rewrite this
process at will, which is exactly why scores are computed elsewhere.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import traceback
from typing import Any

from autograder.codec import Decoder, Encoder, Frame, FrameReader, PeerClosed, write_frame
from autograder.codec import messages as msg
from autograder.codec.errors import CodecError
from autograder.worker import import_guard

MAX_FRAMES = 30


class _Callback:
    """Stands in for a callable that lives in the judge (an objective, a gradient)."""

    def __init__(self, server: "WorkerServer", cid: int) -> None:
        self._server, self._cid = server, cid

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._server.call_judge(self._cid, args, kwargs)

    def __repr__(self) -> str:
        return f"<grader callback {self._cid}>"


class JudgeCallbackError(Exception):
    """A function supplied by the test raised while the student called it."""


class WorkerServer:
    def __init__(self, in_fd: int, out_fd: int, capture: Any) -> None:
        self._reader = FrameReader(in_fd, max_bytes=1 << 40)
        self._out = os.fdopen(out_fd, "wb", buffering=0)
        self._capture = capture
        self._output_cap = 8192
        self._handles: dict[int, Any] = {}
        self._module: Any = None
        self._load_error: dict | None = None
        self._submission_dir = ""

    # --- encoding -----------------------------------------------------
    def _opaque(self, obj: Any) -> dict:
        hid = id(obj)
        self._handles[hid] = obj
        return {"$": msg.HANDLE_TAG, "h": hid, "t": type(obj).__name__}

    def _decoder(self, frame: Frame) -> Decoder:
        def handle(node: dict) -> Any:
            try:
                return self._handles[node["h"]]
            except (KeyError, TypeError):
                raise CodecError("this object belongs to an earlier worker") from None

        def callback(node: dict) -> Any:
            return _Callback(self, int(node["c"]))

        return Decoder(frame.buffers, on_tag={msg.HANDLE_TAG: handle, msg.CALLBACK_TAG: callback})

    def _send(self, header: dict, buffers: list[bytes] | None = None) -> None:
        write_frame(self._out, Frame(header, buffers or []))

    # --- captured output ------------------------------------------------
    def _reset_output(self) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        self._capture.seek(0)
        self._capture.truncate()

    def _take_output(self) -> dict:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:
            pass  # a flood filled the capture file; what fitted is still read
        self._capture.seek(0)
        data = self._capture.read(self._output_cap + 1)
        return {"output": data[: self._output_cap].decode("utf-8", "replace"),
                "output_truncated": len(data) > self._output_cap}

    # --- errors -----------------------------------------------------------
    def _student_frames(self, exc: BaseException) -> list[list]:
        frames = []
        for fs in traceback.extract_tb(exc.__traceback__):
            if self._submission_dir and fs.filename.startswith(self._submission_dir):
                rel = os.path.relpath(fs.filename, self._submission_dir)
                frames.append([rel, fs.lineno, fs.name, (fs.line or "")[:200]])
        return frames[-MAX_FRAMES:]

    def _error_reply(self, exc: BaseException, where: str) -> dict:
        try:
            message = str(exc)[:2000]
        except Exception:  # noqa: BLE001 - a student's __str__ may raise anything
            message = "<the exception's message could not be printed>"
        builtin = next(c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins")
        return {"op": msg.RAISE, "type": type(exc).__name__[:100], "builtin": builtin, "message": message,
                "frames": self._student_frames(exc), "where": where}

    # --- requests -------------------------------------------------------------
    def _load(self, header: dict) -> None:
        self._output_cap = int(header.get("output_cap", 8192))
        self._submission_dir = os.path.realpath(header["path"]) + os.sep
        import_guard.install(header.get("forbidden", []))
        sys.path.insert(0, header["path"])
        self._reset_output()
        try:
            self._module = importlib.import_module(header["module"])
            reply: dict = {"op": msg.READY}
        except BaseException as exc:  # noqa: BLE001 - SystemExit at import is a student error too
            self._load_error = self._error_reply(exc, "import")
            reply = {"op": msg.READY, "error": self._load_error}
        reply.update(self._take_output())
        self._send(reply)

    def _target(self, header: dict) -> Any:
        target = header.get("target") or {}
        if target.get("kind") == "handle":
            obj = self._handles.get(target.get("id"))
            if obj is None:
                raise CodecError("this object belongs to an earlier worker")
            return getattr(obj, target["attr"]) if target.get("attr") else obj
        if target.get("kind") == "library":  # e.g. torch.optim.AdamW, built where the model lives
            module_name, _, attr = str(target.get("name", "")).rpartition(".")
            return getattr(importlib.import_module(module_name), attr)
        if self._module is None:
            raise ImportError("the submission could not be imported")
        name = target.get("name", "")
        if not hasattr(self._module, name):
            raise AttributeError(f"the submission has no function {name!r}")
        return getattr(self._module, name)

    def _call(self, header: dict, frame: Frame) -> None:
        self._reset_output()
        dec = self._decoder(frame)
        try:
            fn = self._target(header)
            if header["op"] == msg.GETATTR:
                value = fn
            else:
                args = dec.decode(header.get("args"))
                kwargs = dec.decode(header.get("kwargs"))
                value = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - every student failure is reported, not fatal
            reply = self._error_reply(exc, "call")
            reply.update(self._take_output())
            self._send(reply)
            return
        refs = {id(obj): rid for rid, obj in dec.refs.items()}
        enc = Encoder(on_opaque=self._opaque, refs=refs)
        try:
            updates = []
            for rid, obj in dec.refs.items():
                raw = dec.raw.get(rid)
                if raw is not None and _unchanged_array(obj, raw):
                    continue
                updates.append([rid, enc.encode_contents(obj)])
            reply = {"op": msg.RETURN, "value": enc.encode(value), "updates": updates}
        except BaseException as exc:  # noqa: BLE001
            reply = {"op": msg.RAISE, "type": "UnsendableResult", "frames": [], "where": "result",
                     "message": f"the result could not be sent to the grader: {exc}"[:2000]}
            enc.buffers = []
        reply.update(self._take_output())
        self._send(reply, enc.buffers)

    def call_judge(self, cid: int, args: tuple, kwargs: dict) -> Any:
        enc = Encoder(on_opaque=self._opaque)
        header = {"op": msg.CALLBACK, "id": cid, "args": enc.encode(list(args)), "kwargs": enc.encode(kwargs)}
        self._send(header, enc.buffers)
        reply, frame = self.serve(until=(msg.CALLBACK_RETURN, msg.CALLBACK_ERROR))
        if reply["op"] == msg.CALLBACK_ERROR:
            raise JudgeCallbackError(reply.get("message", "the grader's function failed"))
        return self._decoder(frame).decode(reply.get("value"))

    def serve(self, until: tuple[str, ...] = ()) -> tuple[dict, Frame]:
        while True:
            frame = self._reader.read()
            header = frame.header
            op = header.get("op")
            if op in until:
                return header, frame
            if op == msg.LOAD:
                self._load(header)
            elif op in (msg.CALL, msg.GETATTR):
                self._call(header, frame)
            else:
                raise SystemExit(f"unexpected request {op!r}")


def _unchanged_array(obj: Any, raw: bytes) -> bool:
    import numpy as np

    return isinstance(obj, np.ndarray) and obj.nbytes == len(raw) and obj.tobytes() == raw


def main() -> None:
    """Move the protocol off fds 0/1 so student prints cannot corrupt it."""
    in_fd, out_fd = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    capture = tempfile.TemporaryFile()
    os.dup2(capture.fileno(), 1)
    os.dup2(capture.fileno(), 2)
    server = WorkerServer(in_fd, out_fd, capture)
    try:
        server.serve()
    except (PeerClosed, OSError):
        pass  # the judge closed the pipe: grading is over
