"""Attack: results that run code if the grader unpickles or copies them.

add() returns an object whose __reduce__ (and __reduce_ex__, __setstate__,
__deepcopy__, __copy__, __del__, __repr__, __eq__, __float__ ...) would
create /tmp/pwned_pickle_payload and /work/main/pwned_pickle_payload in
whatever process runs them; scale_rows() returns the pickle bytes of such
an object; bump() stores one in the caller's config dict (which is copied
back to the judge); apply() passes one to the judge's callback. The judge
never unpickles: none of these markers may appear on the host. In the
worker the paths are either private or read-only, so a marker on the host
means code ran on the judge side.
"""
import pickle

MARKERS = ["/tmp/pwned_pickle_payload", "/work/main/pwned_pickle_payload"]


def _touch(*_args, **_kwargs):
    for path in MARKERS:
        try:
            with open(path, "w") as fh:
                fh.write("code from the submission ran here\n")
        except OSError:
            pass
    return 3.0


class Payload:
    def __reduce__(self):
        return (open, (MARKERS[0], "w"))

    def __reduce_ex__(self, protocol):
        return self.__reduce__()

    def __setstate__(self, state):
        _touch()

    def __deepcopy__(self, memo):
        _touch()
        return self

    def __copy__(self):
        _touch()
        return self

    def __eq__(self, other):
        _touch()
        return True

    def __hash__(self):
        return 0

    def __float__(self):
        return _touch()

    def __repr__(self):
        _touch()
        return "Payload()"

    __str__ = __repr__

    def __getattr__(self, name):
        _touch()
        raise AttributeError(name)

    def __call__(self, *args, **kwargs):
        return _touch()


class _Reduce:
    def __reduce__(self):
        return (open, (MARKERS[0], "w"))


def add(a, b):
    return Payload()


def scale_rows(x, w):
    return pickle.dumps(_Reduce())


def bump(config):
    config["count"] = config.get("count", 0) + 1
    config["payload"] = Payload()
    config["pickled"] = pickle.dumps(_Reduce())
    return config["count"]


def apply(f, x):
    try:
        f(Payload())
    except Exception:  # noqa: BLE001
        pass
    return Payload()
