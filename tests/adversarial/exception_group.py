"""Attack: raise exception groups, whose constructors differ from other exceptions'.

The judge re-raises a student's exception as a class derived from the
builtin of the same name so that tests can catch e.g. ValueError. For
ExceptionGroup and BaseExceptionGroup that class cannot be built with the
judge's arguments, and the resulting TypeError surfaces as "the grader
could not check your result": a student error reported as a grader fault.
add() raises ExceptionGroup, bump() BaseExceptionGroup (with a
KeyboardInterrupt inside); the other two functions are correct.
"""


def add(a, b):
    raise ExceptionGroup("several problems", [ValueError("a"), TypeError("b")])


def scale_rows(x, w):
    return x * w


def bump(config):
    config["count"] = config.get("count", 0) + 1
    raise BaseExceptionGroup("stop", [KeyboardInterrupt()])


def apply(f, x):
    return f(x) + 1.0
