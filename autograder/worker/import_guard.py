"""Blocks an assignment's forbidden modules inside the worker.

This is the runtime half of the policy; the static scan in
``autograder.submissions.scan`` is the half that cannot be switched off from
inside the student's process. Libraries that merely probe for an optional
dependency (``try: import torch``) see an ordinary ImportError and carry on.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from typing import Iterable


class ForbiddenImport(ModuleNotFoundError):
    """Looks like "not installed" to code that handles that (``except ImportError``)."""


class ForbiddenModuleFinder(importlib.abc.MetaPathFinder):
    def __init__(self, forbidden: Iterable[str]) -> None:
        self.forbidden = frozenset(forbidden)

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> None:
        if fullname.partition(".")[0] in self.forbidden:
            # A module that is not installed anyway is simply "not found": libraries probe for
            # optional ones (torch asks importlib.util.find_spec("tensorflow")) and must not crash.
            if importlib.machinery.PathFinder.find_spec(fullname, path) is None:  # type: ignore[arg-type]
                return None
            raise ForbiddenImport(
                f"importing {fullname!r} is not allowed in this assignment", name=fullname
            )
        return None


def install(forbidden: Iterable[str]) -> None:
    forbidden = list(forbidden)
    if not forbidden:
        return
    for name in list(sys.modules):
        if name.partition(".")[0] in forbidden:
            del sys.modules[name]
    sys.meta_path.insert(0, ForbiddenModuleFinder(forbidden))
