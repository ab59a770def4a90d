"""Attack: write forged and malformed frames straight onto the protocol pipe.

The submission finds the worker's server object through gc and writes its
own bytes to the judge: in add() a reply whose JSON is nested 100 000
levels deep (a recursive parser overflows) followed by trailing garbage,
then the worker exits; in scale_rows() a reply whose array buffer is
shorter than its shape says, with markup as its "output"; in bump() a
forged reply whose state update puts a remote handle into the caller's
dict, after callback requests with ids that do not exist; in apply()
twenty thousand callbacks into the judge. Every forged reply is data only: at
worst it fails the call or costs the worker; it must never crash the
grader, earn points or run code in the judge.
"""
import gc
import json
import os
import struct


def _server():
    for obj in gc.get_objects():
        if type(obj).__name__ == "WorkerServer":
            return obj
    raise RuntimeError("no server found")


def _frame(header: bytes, buffers=()) -> bytes:
    out = [struct.pack(">I", len(header)), header, struct.pack(">I", len(buffers))]
    for b in buffers:
        out += [struct.pack(">Q", len(b)), b]
    return b"".join(out)


def _write(data: bytes) -> None:
    out = _server()._out
    out.write(data)
    out.flush()


def add(a, b):
    depth = 100_000
    header = b'{"op":"return","value":' + b"[" * depth + b"]" * depth + b',"updates":[]}'
    _write(_frame(header) + b"\x00\x00\x00\x10garbage-garbage!")
    os._exit(0)  # leave no desynchronised worker behind for the next test


def scale_rows(x, w):
    value = {"$": "nd", "r": None, "d": "float64", "s": [4, 3], "b": 0}  # buffer shorter than its shape
    header = json.dumps({"op": "return", "value": value, "updates": [],
                         "output": "<img src=x onerror=alert(1)>"}).encode()
    _write(_frame(header, [b"\x00" * 8]))
    os._exit(0)


def bump(config):
    for cid in (10**9, -1, "x", None):
        _write(_frame(json.dumps({"op": "callback", "id": cid, "args": {"$": "list", "r": None, "v": []},
                                  "kwargs": {"$": "dict", "r": None, "v": []}}).encode()))
        _server()._reader.read()  # the judge's answer (an error) to each forged callback
    update = {"$": "dict", "r": None, "v": [["count", {"$": "handle", "h": 12345, "t": "int"}]]}
    header = {"op": "return", "value": 2, "updates": [[0, update]]}
    _write(_frame(json.dumps(header).encode()))
    return -1


def apply(f, x):
    for _ in range(20_000):
        f(x)
    return f(x) + 1.0
