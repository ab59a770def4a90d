"""Attack: tamper with builtins and sys.modules at import time.

Replaces builtins (abs, float, round, isinstance, print), math.isclose,
numpy's comparison functions, json, and the grader's own modules in
sys.modules (autograder.testing, the codec's encoder) with versions that
make every comparison succeed or every value look right. In one process
the hidden tests would compare with these. In the worker they can at most
break the worker; the judge compares with its own modules. add() is wrong.
"""
import builtins
import math
import sys
import types

import numpy as np

builtins.abs = lambda x: 0
math.isclose = lambda *a, **k: True
math.fabs = lambda x: 0.0
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *r, **k: np.ones(np.broadcast(a, b).shape, dtype=bool)
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_equal = lambda *a, **k: None

fake = types.ModuleType("autograder.testing")
for _name in ("assert_close", "assert_scalar", "assert_array", "assert_equal", "check", "fail"):
    setattr(fake, _name, lambda *a, **k: None)
sys.modules["autograder.testing"] = fake
sys.modules["autograder.testing.compare"] = fake
sys.modules["pytest"] = types.ModuleType("pytest")

try:  # make the worker's encoder lie about every float it sends
    from autograder.codec import values as _values

    _orig_encode = _values.Encoder.encode

    def _encode(self, obj, depth=0):
        if type(obj) is float:
            return 7.0
        return _orig_encode(self, obj, depth)

    _values.Encoder.encode = _encode
except Exception:  # noqa: BLE001
    pass

_real_isinstance = builtins.isinstance
builtins.round = lambda x, n=None: 0


def add(a, b):
    return a - b


def scale_rows(x, w):
    return x * w


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
