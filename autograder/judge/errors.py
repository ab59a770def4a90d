"""Exceptions the judge raises on behalf of a submission.

They all derive from ``SubmissionFault`` so the pytest plugin can tell "the
student's code failed" from "the check failed" and from "the test itself is
broken". A student exception is re-raised as a class that also derives from
the matching builtin (``StudentValueError`` is a ``ValueError``), so tests
can use ``pytest.raises(ValueError)`` on a contract that requires it.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass


class SubmissionFault(Exception):
    """Something the submission did made a call fail."""

    def feedback(self) -> str:
        return str(self)


@dataclass
class StudentFrame:
    file: str
    line: int
    function: str
    source: str

    def render(self) -> str:
        return f'  File "{self.file}", line {self.line}, in {self.function}\n    {self.source}'.rstrip()


class StudentCodeError(SubmissionFault):
    """The student's code raised; carries their frames only."""

    type_name: str = "Exception"

    def __init__(self, function: str, message: str, frames: list[StudentFrame] | None = None) -> None:
        super().__init__(message)
        self.function = function
        self.message = message
        self.frames = frames or []

    def feedback(self) -> str:
        lines = [f"Your code raised {self.type_name} in {self.function}: {self.message}".rstrip(": ")]
        if self.frames:
            lines.append("Traceback (your code only):")
            lines += [f.render() for f in self.frames]
        return "\n".join(lines)


class SubmissionImportError(StudentCodeError):
    type_name = "an error on import"

    def feedback(self) -> str:
        return "Your module could not be imported, so no function could be tested.\n" + super().feedback()


class CallTimeout(SubmissionFault):
    pass


class WorkerCrashed(SubmissionFault):
    pass


class TimeBudgetExceeded(SubmissionFault):
    pass


_EXCEPTION_CLASSES: dict[str, type[StudentCodeError]] = {}
# builtins whose constructor or meaning differs: reported as a plain StudentCodeError
_NOT_MIRRORED = {"SystemExit", "KeyboardInterrupt", "GeneratorExit", "BaseException", "StopIteration",
                 "ExceptionGroup", "BaseExceptionGroup"}


def student_exception(type_name: str, builtin_name: str | None = None) -> type[StudentCodeError]:
    """A StudentCodeError class named after the student's exception and derived from its builtin base."""
    builtin_name = builtin_name or type_name
    cls = _EXCEPTION_CLASSES.get(f"{type_name}/{builtin_name}")
    if cls is None:
        builtin = getattr(builtins, builtin_name, None)
        bases: tuple[type, ...] = (StudentCodeError,)
        if (isinstance(builtin, type) and issubclass(builtin, BaseException)
                and builtin_name not in _NOT_MIRRORED):
            bases = (StudentCodeError, builtin)
        try:
            cls = type(f"Student{type_name}", bases, {"type_name": type_name})
        except TypeError:  # builtins with their own C layout (OSError, ...) cannot be mixed in
            cls = type(f"Student{type_name}", (StudentCodeError,), {"type_name": type_name})
        _EXCEPTION_CLASSES[f"{type_name}/{builtin_name}"] = cls
    return cls

