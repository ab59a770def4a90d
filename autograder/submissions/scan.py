"""Static scan for forbidden modules.

The worker blocks forbidden imports at run time, but a submission controls
its own process and can undo that. The scan reads the source in the judge,
where the student cannot interfere, and is what the policy acts on.
"""

from __future__ import annotations

import ast
from pathlib import Path

_DYNAMIC_IMPORTERS = {"__import__", "import_module"}


def scan_forbidden(folder: Path, forbidden: tuple[str, ...] | list[str]) -> list[str]:
    """One line per forbidden import found, e.g. ``layers.py line 3: imports torch``."""
    if not forbidden:
        return []
    banned = set(forbidden)
    findings = []
    for path in sorted(folder.rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
        except SyntaxError:
            continue  # the import itself will fail and be reported
        rel = path.relative_to(folder)
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Call):
                func = node.func
                fname = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if fname in _DYNAMIC_IMPORTERS and node.args and isinstance(node.args[0], ast.Constant) \
                        and isinstance(node.args[0].value, str):
                    names = [node.args[0].value]
            for name in names:
                top = name.partition(".")[0]
                if top in banned:
                    findings.append(f"{rel} line {node.lineno}: imports {top}")
    return findings
