"""Attack: return objects that lie about equality and value.

add() returns an object whose __eq__ is always True and whose __float__,
__index__, __array__ and __sub__ give the right answer; scale_rows() an
ndarray subclass with the wrong numbers whose __eq__, __array_ufunc__ and
__array_function__ make every comparison look perfect; bump() an int
subclass that equals anything; apply() a float subclass that equals
anything and whose arithmetic returns 0. Compared in the submission's own
process these would pass. Across the data-only boundary the objects become
remote handles or plain copies of their (wrong) underlying data.
"""
import numpy as np


class Liar:
    def __init__(self, value):
        self._v = value

    def __eq__(self, other):
        return True

    __ne__ = lambda self, other: False  # noqa: E731
    __lt__ = __le__ = __gt__ = __ge__ = lambda self, other: False  # noqa: E731

    def __hash__(self):
        return 0

    def __float__(self):
        return float(self._v)

    def __index__(self):
        return int(self._v)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._v, dtype=dtype)

    def __sub__(self, other):
        return 0.0

    __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __sub__

    def __abs__(self):
        return 0.0

    def __bool__(self):
        return True


class LyingArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), dtype=bool)

    def __ne__(self, other):
        return np.zeros(np.shape(self), dtype=bool)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        shape = np.broadcast_shapes(*[np.shape(i) for i in inputs])
        return np.zeros(shape)

    def __array_function__(self, func, types, args, kwargs):
        return True


class LyingInt(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


class LyingFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__

    def __sub__(self, other):
        return 0.0

    __rsub__ = __sub__

    def __float__(self):
        return 9.0


def add(a, b):
    return Liar(a + b)


def scale_rows(x, w):
    return np.full(x.shape, 123.0).view(LyingArray)


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return LyingInt(-1)


def apply(f, x):
    f(x)
    return LyingFloat(-5.0)
