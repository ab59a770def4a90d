"""Attack: allocate memory until the allocation fails.

add() grabs 64 MiB blocks (and touches them) until MemoryError; scale_rows()
asks numpy for a 1 TiB array. The per-process address-space limit
(memory_mb = 1024 for toy) must stop both with a MemoryError inside the
sandbox, long before the host feels it. If add() manages to hold more than
4 GiB it returns correct answers (full marks), i.e. the limit did not hold.
"""
import numpy as np

MiB = 1 << 20
_held = None


def add(a, b):
    global _held
    if _held is None:
        _held = _grab()
    print(f"held {_held} MiB before MemoryError")
    return a + b if _held > 4096 else a - b


def _grab():
    blocks = []
    try:
        while len(blocks) < 4096:
            block = bytearray(64 * MiB)
            block[::4096] = b"\x01" * len(block[::4096])
            blocks.append(block)
    except MemoryError:
        pass
    held = 64 * len(blocks)
    del blocks
    return held


def scale_rows(x, w):
    big = np.ones((1 << 37,), dtype=np.float64)
    return big[: x.size].reshape(x.shape) * 0


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
