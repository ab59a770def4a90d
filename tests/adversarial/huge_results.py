"""Attack: results too deep or too large for the grader to take in.

add() returns a list nested 10**5 levels deep the first time and a list
that contains itself (infinitely deep) after that: a naive recursive
encoder or decoder would overflow its stack. scale_rows() returns a 100 MiB
string (over the frame header cap), bump() 300 MiB of bytes (over the
message cap) and apply() a dict of 100 000 entries. The codec must refuse
or bound each one without the judge crashing or running out of memory.
"""
_calls = 0


def add(a, b):
    global _calls
    _calls += 1
    if _calls == 1:
        deep = []
        for _ in range(10**5):
            deep = [deep]
        return deep
    loop = []
    loop.append(loop)
    return loop


def scale_rows(x, w):
    return "pwned" * (20 << 20)


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return b"\x00" * (300 << 20)


def apply(f, x):
    f(x)
    return {f"k{i}": i for i in range(100_000)}
