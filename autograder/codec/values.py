"""Python values <-> JSON trees plus raw buffers, with no code execution.

Both sides use the same two classes; what differs is what happens to values
the codec cannot copy, which each side supplies as a hook:

* the worker turns a student's class instance or ``nn.Module`` into a remote
  handle (the object stays in the worker),
* the judge turns a test's callable into a callback id (the function stays in
  the judge), and sends a handle back as its id.

Mutable containers passed as call arguments are *registered*: each gets an id
(``r``) so that after the call the worker can send their new contents back
and the judge can update the caller's own objects in place, and so that a
result that *is* an argument (``return w`` after ``w -= ...``) comes back as
that same object. This is what keeps in-place semantics exact across the
process boundary.
"""

from __future__ import annotations

import math
import sys
from typing import Any, Callable

import numpy as np

from autograder.codec.errors import CodecError
from autograder.codec.symbolic import decode_sympy, encode_sympy, is_sympy

MAX_DEPTH = 64
_NUMPY_DTYPES = frozenset(
    ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
     "float16", "float32", "float64", "complex64", "complex128"]
)
_BIT_GENERATORS = frozenset(["PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937"])
_TORCH_DTYPES = frozenset(
    ["bool", "int8", "int16", "int32", "int64", "uint8", "float16", "bfloat16", "float32",
     "float64", "complex64", "complex128"]
)


OpaqueHook = Callable[[Any], dict]
TagHook = Callable[[dict], Any]


def _is_torch_tensor(obj: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(obj, torch.Tensor)


class Encoder:
    """Encodes one message; collects its buffers and registered objects."""

    def __init__(self, on_opaque: OpaqueHook | None = None, refs: dict[int, int] | None = None,
                 register: bool = False) -> None:
        self.buffers: list[bytes] = []
        self.refs: dict[int, int] = dict(refs or {})
        self.registered: list[Any] = []  # keeps ids stable while encoding
        self._register = register
        self._on_opaque = on_opaque

    def _buffer(self, data: bytes) -> int:
        self.buffers.append(data)
        return len(self.buffers) - 1

    def _rid(self, obj: Any) -> int | None:
        if not self._register:
            return None
        rid = len(self.registered)
        self.registered.append(obj)
        self.refs[id(obj)] = rid
        return rid

    def encode(self, obj: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise CodecError(f"value nested deeper than {MAX_DEPTH} levels")
        if obj is None or type(obj) in (bool, str):
            return obj
        if type(obj) is int:
            return obj
        if type(obj) is float:
            return obj if math.isfinite(obj) else {"$": "float", "v": repr(obj)}
        ref = self.refs.get(id(obj))
        if ref is not None:
            return {"$": "ref", "r": ref}
        return self.encode_contents(obj, depth)

    def encode_contents(self, obj: Any, depth: int = 0) -> Any:
        """Encode ``obj`` itself even if it is registered (used for state updates)."""
        d = depth + 1
        if isinstance(obj, bool):
            return bool(obj)
        if isinstance(obj, np.ndarray):
            return self._ndarray(obj, rid=self._rid(obj) if obj.ndim else None)
        if isinstance(obj, np.generic):
            return {"$": "npscalar", "a": self._ndarray(np.asarray(obj))}
        if isinstance(obj, int):
            return int.__index__(obj)
        if isinstance(obj, float):
            return self.encode(float.__float__(obj), depth)
        if isinstance(obj, complex):
            return {"$": "complex", "re": self.encode(obj.real), "im": self.encode(obj.imag)}
        if isinstance(obj, str):
            return str.__str__(obj)
        if isinstance(obj, (bytes, bytearray)):
            return {"$": "bytes", "b": self._buffer(bytes(obj))}
        if isinstance(obj, list):
            rid = self._rid(obj)
            return {"$": "list", "r": rid, "v": [self.encode(x, d) for x in list.__iter__(obj)]}
        if isinstance(obj, tuple):
            return {"$": "tuple", "v": [self.encode(x, d) for x in tuple.__iter__(obj)]}
        if isinstance(obj, dict):
            rid = self._rid(obj)
            items = [[self.encode(k, d), self.encode(v, d)] for k, v in dict.items(obj)]
            return {"$": "dict", "r": rid, "v": items}
        if isinstance(obj, np.random.Generator):
            return self._generator(obj)
        if _is_torch_tensor(obj):
            return self._tensor(obj)
        torch_node = self._torch_data(obj, d)
        if torch_node is not None:
            return torch_node
        if is_sympy(obj):
            return {"$": "sympy", "t": encode_sympy(obj)}
        if self._on_opaque is not None:
            return self._on_opaque(obj)
        raise CodecError(f"a value of type {type(obj).__name__} cannot cross the grading boundary")

    def _ndarray(self, arr: np.ndarray, rid: int | None = None) -> dict:
        arr = np.asarray(arr)  # drops ndarray subclasses and their overridden methods
        if arr.dtype.name not in _NUMPY_DTYPES:
            raise CodecError(f"arrays of dtype {arr.dtype} cannot cross the grading boundary")
        data = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<"), copy=False)
        return {"$": "nd", "r": rid, "d": arr.dtype.name, "s": list(arr.shape), "b": self._buffer(data.tobytes())}

    def _generator(self, gen: np.random.Generator) -> dict:
        """A Generator travels as its bit generator's state; draws advance the caller's copy."""
        state = gen.bit_generator.state
        if state.get("bit_generator") not in _BIT_GENERATORS:
            raise CodecError(f"random generators of type {state.get('bit_generator')} cannot cross the boundary")
        rid = self._rid(gen)
        register, self._register = self._register, False  # the state dict is a fresh copy: nothing to track
        try:
            return {"$": "rng", "r": rid, "state": self.encode(state)}
        finally:
            self._register = register

    def _tensor(self, t: Any) -> dict:
        torch = sys.modules["torch"]
        name = str(t.dtype).removeprefix("torch.")
        if name not in _TORCH_DTYPES:
            raise CodecError(f"tensors of dtype {name} cannot cross the grading boundary")
        flat = t.detach().to("cpu").contiguous().reshape(-1)
        raw = flat.view(torch.uint8).numpy().tobytes() if flat.numel() else b""
        return {"$": "tensor", "d": name, "s": list(t.shape), "b": self._buffer(raw),
                "dev": str(t.device), "g": bool(t.requires_grad)}


    def _torch_data(self, obj: Any, depth: int) -> dict | None:
        """Devices, and tensor datasets and loaders: what a training test hands a student's ``train``.

        Only these plain containers of tensors cross; any other Dataset or a
        loader with a custom sampler or collate function stays where it is.
        """
        torch = sys.modules.get("torch")
        if torch is None:
            return None
        from torch.utils.data import DataLoader, RandomSampler, TensorDataset

        if isinstance(obj, torch.device):
            return {"$": "device", "v": str(obj)}
        if type(obj) is TensorDataset:
            return {"$": "tds", "v": [self.encode(t, depth) for t in obj.tensors]}
        if type(obj) is DataLoader and type(obj.dataset) is TensorDataset and obj.batch_size is not None:
            return {"$": "loader", "data": self._torch_data(obj.dataset, depth), "batch": int(obj.batch_size),
                    "shuffle": isinstance(obj.sampler, RandomSampler), "drop_last": bool(obj.drop_last)}
        return None


class Decoder:
    """Decodes one message; never calls anything but whitelisted constructors."""

    def __init__(self, buffers: list[bytes], on_tag: dict[str, TagHook] | None = None,
                 refs: dict[int, Any] | None = None) -> None:
        self._buffers = buffers
        self._on_tag = on_tag or {}
        self.refs: dict[int, Any] = refs if refs is not None else {}
        self.raw: dict[int, bytes] = {}  # rid -> the bytes an array arrived with

    def _buf(self, idx: Any) -> bytes:
        if not isinstance(idx, int) or not 0 <= idx < len(self._buffers):
            raise CodecError("bad buffer index")
        return self._buffers[idx]

    def _register(self, node: dict, obj: Any) -> Any:
        rid = node.get("r")
        if rid is not None:
            if not isinstance(rid, int):
                raise CodecError("bad reference id")
            self.refs[rid] = obj
        return obj

    def decode(self, node: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise CodecError(f"value nested deeper than {MAX_DEPTH} levels")
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list):
            raise CodecError("bare list in value tree")
        if not isinstance(node, dict) or not isinstance(node.get("$"), str):
            raise CodecError("malformed value tree")
        tag = node["$"]
        d = depth + 1
        if tag == "ref":
            try:
                return self.refs[node["r"]]
            except (KeyError, TypeError):
                raise CodecError("reference to an unknown object") from None
        if tag == "float":
            if node.get("v") not in ("nan", "inf", "-inf"):
                raise CodecError("bad float")
            return float(node["v"])
        if tag == "complex":
            parts = [self.decode(node.get(k), d) for k in ("re", "im")]
            if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in parts):
                raise CodecError("malformed complex number")
            return complex(*parts)
        if tag == "bytes":
            return self._buf(node.get("b"))
        if tag == "list":
            out: list = self._register(node, [])
            out.extend(self.decode(x, d) for x in _seq(node))
            return out
        if tag == "tuple":
            return tuple(self.decode(x, d) for x in _seq(node))
        if tag == "dict":
            out_d: dict = self._register(node, {})
            for pair in _seq(node):
                if not isinstance(pair, list) or len(pair) != 2:
                    raise CodecError("malformed dict entry")
                key = self.decode(pair[0], d)
                try:
                    out_d[key] = self.decode(pair[1], d)
                except TypeError:
                    raise CodecError("unhashable dict key") from None
            return out_d
        if tag == "nd":
            arr = self._ndarray(node)
            if node.get("r") is not None:
                self.raw[node["r"]] = self._buf(node.get("b"))
            return self._register(node, arr)
        if tag == "npscalar":
            return self._ndarray(node.get("a") or {})[()]
        if tag == "tensor":
            return self._tensor(node)
        if tag == "rng":
            return self._register(node, self._generator(node))
        if tag in ("device", "tds", "loader"):
            return self._torch_data(node, d)
        if tag == "sympy":
            return decode_sympy(node.get("t"))
        hook = self._on_tag.get(tag)
        if hook is not None:
            return hook(node)
        raise CodecError(f"unknown value tag {tag!r}")

    def _ndarray(self, node: dict) -> np.ndarray:
        dtype, shape = node.get("d"), node.get("s")
        if dtype not in _NUMPY_DTYPES:
            raise CodecError(f"dtype {dtype!r} is not allowed")
        shape = _shape(shape)
        dt = np.dtype(dtype).newbyteorder("<")
        raw = self._buf(node.get("b"))
        if len(raw) != dt.itemsize * math.prod(shape):
            raise CodecError("array buffer does not match its shape")
        return np.frombuffer(raw, dtype=dt).astype(np.dtype(dtype), copy=True).reshape(shape)

    def _generator(self, node: dict) -> np.random.Generator:
        state = Decoder(self._buffers).decode(node.get("state"))
        name = state.get("bit_generator") if isinstance(state, dict) else None
        if name not in _BIT_GENERATORS:
            raise CodecError("unknown random generator")
        bit_generator = getattr(np.random, name)()
        try:
            bit_generator.state = state
        except (TypeError, ValueError, KeyError):
            raise CodecError("malformed random generator state") from None
        return np.random.Generator(bit_generator)

    def _tensor(self, node: dict) -> Any:
        import torch

        name, shape = node.get("d"), _shape(node.get("s"))
        if name not in _TORCH_DTYPES:
            raise CodecError(f"tensor dtype {name!r} is not allowed")
        dtype = getattr(torch, name)
        raw = self._buf(node.get("b"))
        itemsize = torch.empty((), dtype=dtype).element_size()
        if len(raw) != itemsize * math.prod(shape):
            raise CodecError("tensor buffer does not match its shape")
        if not raw:
            return torch.empty(shape, dtype=dtype)
        return torch.frombuffer(bytearray(raw), dtype=torch.uint8).view(dtype).reshape(shape).clone()


    def _torch_data(self, node: dict, depth: int) -> Any:
        import torch
        from torch.utils.data import DataLoader, TensorDataset

        tag = node.get("$")
        if tag == "device":
            try:
                return torch.device(str(node.get("v")))
            except RuntimeError:
                raise CodecError("bad device") from None
        if tag == "tds":
            tensors = [self.decode(t, depth) for t in _seq(node)]
            if not tensors or not all(isinstance(t, torch.Tensor) for t in tensors):
                raise CodecError("a dataset must hold tensors")
            if len({len(t) for t in tensors}) != 1:
                raise CodecError("dataset tensors differ in length")
            return TensorDataset(*tensors)
        batch = node.get("batch")
        if not isinstance(batch, int) or batch < 1 or not isinstance(node.get("data"), dict):
            raise CodecError("malformed data loader")
        return DataLoader(self._torch_data(node["data"], depth + 1), batch_size=batch,
                          shuffle=bool(node.get("shuffle")), drop_last=bool(node.get("drop_last")))


def _seq(node: dict) -> list:
    v = node.get("v")
    if not isinstance(v, list):
        raise CodecError("malformed container")
    return v


def _shape(shape: Any) -> tuple[int, ...]:
    if not isinstance(shape, list) or len(shape) > 32 or not all(isinstance(n, int) and n >= 0 for n in shape):
        raise CodecError("bad array shape")
    return tuple(shape)
