"""Turns whatever a student handed in into a folder holding ``<module>.py``.

Accepted: a ``.py`` file, a folder, a ``.zip`` or a Jupyter notebook. Zip
entries are checked before anything is written (no absolute paths, no
``..``, no links, bounded sizes); notebook magics and shell escapes are
dropped, and the notes say so, because they are not Python and would run
shell commands at import.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import tokenize
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_ENTRY_BYTES = 20 << 20
MAX_TOTAL_BYTES = 100 << 20
MAX_ENTRIES = 2000
KEPT_SUFFIXES = {".py", ".txt", ".json", ".csv", ".npy", ".npz", ".md"}
IGNORED_PARTS = {"__MACOSX", "__pycache__", ".ipynb_checkpoints", ".git"}
HARMLESS_CELL_MAGICS = {"%%time", "%%timeit", "%%capture"}


class SubmissionError(Exception):
    """The submission cannot be graded; the message is for the student."""


@dataclass
class Submission:
    folder: Path
    notes: list[str] = field(default_factory=list)

    def cleanup(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def normalize(path: Path, module: str) -> Submission:
    path = Path(path)
    if not path.exists():
        raise SubmissionError(f"{path} does not exist")
    folder = Path(tempfile.mkdtemp(prefix="autograder-sub-"))
    os.chmod(folder, 0o755)
    sub = Submission(folder)
    try:
        if path.is_dir():
            _from_folder(path, module, sub)
        elif path.suffix == ".zip":
            _from_zip(path, module, sub)
        elif path.suffix == ".ipynb":
            _write(folder / f"{module}.py", notebook_to_module(path, sub.notes))
        elif path.suffix == ".py":
            if path.name != f"{module}.py":
                sub.notes.append(f"{path.name} was graded as {module}.py")
            _write(folder / f"{module}.py", _read_text(path))
        else:
            raise SubmissionError(
                f"{path.name}: submit {module}.py, a folder or .zip containing it, or a .ipynb notebook")
    except BaseException:
        sub.cleanup()
        raise
    return sub


def _read_text(path: Path) -> str:
    if path.stat().st_size > MAX_ENTRY_BYTES:
        raise SubmissionError(f"{path.name} is larger than {MAX_ENTRY_BYTES >> 20} MiB")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SubmissionError(f"{path.name} is not UTF-8 text") from None


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    target.write_text(text, encoding="utf-8")
    os.chmod(target, 0o644)


def _module_dir(files: list[PurePosixPath], module: str, what: str) -> PurePosixPath:
    """The folder (inside the upload) that holds ``<module>.py``, shallowest first."""
    matches = sorted((f for f in files if f.name == f"{module}.py"), key=lambda f: len(f.parts))
    if matches:
        return matches[0].parent
    notebooks = [f for f in files if f.suffix == ".ipynb"]
    if len(notebooks) == 1:
        return notebooks[0].parent
    raise SubmissionError(f"{what} does not contain {module}.py")


def _from_folder(path: Path, module: str, sub: Submission) -> None:
    files = []
    for f in path.rglob("*"):
        if f.is_symlink():
            raise SubmissionError(f"{f.relative_to(path)} is a link; submit plain files only")
        if f.is_file() and not IGNORED_PARTS & set(f.relative_to(path).parts):
            files.append(PurePosixPath(f.relative_to(path).as_posix()))
    base = _module_dir(files, module, f"the folder {path.name}")
    _copy_tree([(f, (path / f).read_bytes()) for f in files if _under(f, base)], base, module, sub)


def _from_zip(path: Path, module: str, sub: Submission) -> None:
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise SubmissionError(f"{path.name} is not a valid zip archive") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise SubmissionError(f"{path.name} has {len(infos)} entries, more than {MAX_ENTRIES}")
        total = 0
        files: list[zipfile.ZipInfo] = []
        for info in infos:
            name = PurePosixPath(info.filename.replace("\\", "/"))
            if name.is_absolute() or ".." in name.parts or info.filename.startswith(("/", "\\")) or ":" in name.parts[0]:
                raise SubmissionError(f"{path.name}: entry {info.filename!r} points outside the archive; refused")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise SubmissionError(f"{path.name}: entry {info.filename!r} is a link; refused")
            if info.is_dir() or IGNORED_PARTS & set(name.parts):
                continue
            if info.file_size > MAX_ENTRY_BYTES:
                raise SubmissionError(f"{path.name}: entry {info.filename!r} is larger than "
                                      f"{MAX_ENTRY_BYTES >> 20} MiB; refused")
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise SubmissionError(f"{path.name} unpacks to more than {MAX_TOTAL_BYTES >> 20} MiB; refused")
            files.append(info)
        names = [PurePosixPath(i.filename) for i in files]
        base = _module_dir(names, module, path.name)
        entries = []
        for info, name in zip(files, names):
            if _under(name, base):
                try:
                    with zf.open(info) as fh:  # read at most the declared size: a lying header gains nothing
                        data = fh.read(MAX_ENTRY_BYTES + 1)
                except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:
                    raise SubmissionError(f"{path.name}: entry {info.filename!r} cannot be read "
                                          f"({type(exc).__name__}: corrupt, encrypted or unsupported)") from None
                if len(data) > MAX_ENTRY_BYTES:
                    raise SubmissionError(f"{path.name}: entry {info.filename!r} is too large; refused")
                entries.append((name, data))
        _copy_tree(entries, base, module, sub)


def _under(f: PurePosixPath, base: PurePosixPath) -> bool:
    return str(base) in ("", ".") or base in f.parents


def _copy_tree(entries: list[tuple[PurePosixPath, bytes]], base: PurePosixPath, module: str,
               sub: Submission) -> None:
    skipped = 0
    for name, data in entries:
        rel = name.relative_to(base) if str(base) not in ("", ".") else name
        if rel.suffix == ".ipynb" and not any(n.name == f"{module}.py" for n, _ in entries):
            tmp = sub.folder / "_notebook.ipynb"
            tmp.write_bytes(data)
            _write(sub.folder / f"{module}.py", notebook_to_module(tmp, sub.notes))
            tmp.unlink()
        elif rel.suffix in KEPT_SUFFIXES:
            target = sub.folder / rel
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
            target.write_bytes(data)
            os.chmod(target, 0o644)
        else:
            skipped += 1
    for d in sub.folder.rglob("*"):
        if d.is_dir():
            os.chmod(d, 0o755)
    if skipped:
        sub.notes.append(f"{skipped} file(s) of other types were not used")


def _continuation_lines(source: str) -> set[int]:
    """Lines that start inside brackets or a multi-line string: a ``%`` there is an operator, not a magic."""
    inside: set[int] = set()
    depth, line = 0, 0
    readline = iter(source.splitlines(keepends=True)).__next__
    try:
        for tok in tokenize.generate_tokens(readline):
            if tok.start[0] != line:  # the first token of a line: is a bracket still open?
                line = tok.start[0]
                if depth > 0:
                    inside.add(line)
            if tok.type == tokenize.STRING and tok.end[0] > tok.start[0]:
                inside.update(range(tok.start[0] + 1, tok.end[0] + 1))
            if tok.type == tokenize.OP:
                depth += tok.string in "([{"
                depth -= tok.string in ")]}" and depth > 0
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # magics themselves may not tokenize; the lines seen so far are classified
    return inside


def notebook_to_module(path: Path, notes: list[str]) -> str:
    """The notebook's code cells as one module, without IPython-only syntax."""
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many types for a broken file
        raise SubmissionError(f"{path.name} is not a readable notebook ({type(exc).__name__})") from None
    chunks, dropped = [], []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        lines = cell.source.splitlines()
        if lines and lines[0].startswith("%%"):
            if lines[0].split()[0] not in HARMLESS_CELL_MAGICS:
                dropped.append(f"cell {number} ({lines[0].split()[0]})")
                continue
            lines = lines[1:]
        kept = []
        inside = _continuation_lines("\n".join(lines))
        for lineno, line in enumerate(lines, start=1):
            stripped = line.lstrip()
            if lineno not in inside and (stripped.startswith(("%", "!")) or "get_ipython()" in stripped):
                dropped.append(f"cell {number}: {stripped[:60]}")
                indent = line[: len(line) - len(stripped)]
                kept.append(f"{indent}pass  # dropped by the grader: {stripped[:60]}")
            else:
                kept.append(line)
        chunks.append(f"# --- notebook cell {number} ---\n" + "\n".join(kept))
    if dropped:
        notes.append("IPython magics and shell commands are not Python and were dropped: " + "; ".join(dropped[:10])
                     + (f" (and {len(dropped) - 10} more)" if len(dropped) > 10 else ""))
    return "\n\n".join(chunks) + "\n"
