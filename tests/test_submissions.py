"""Submissions: whatever a student uploads becomes a folder with ``<module>.py``; forbidden imports are found.

``normalize`` is the first thing that touches an untrusted upload, in the judge:
a zip must never write outside its temporary folder, refusals must carry a
message a student can act on, and the result must be readable by the
sandbox's (different) uid.
"""

from __future__ import annotations

import importlib
import os
import stat
import tempfile
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.submissions import Submission, SubmissionError, normalize, scan_forbidden

# the package re-exports the function ``normalize`` under the module's own name
normalize_module = importlib.import_module("autograder.submissions.normalize")


# --- fixtures and helpers ---------------------------------------------------------------------

@pytest.fixture(autouse=True)
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """normalize() makes its temporary folders here, so tests can see what it leaves behind."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    folder.mkdir()
    return folder


@pytest.fixture
def run():
    made: list[Submission] = []

    def _run(path: Path, module: str = "module") -> Submission:
        sub = normalize(path, module)
        made.append(sub)
        return sub

    yield _run
    for sub in made:
        sub.cleanup()


@pytest.fixture
def strict_umask():
    """A umask under which files are created private: the code must set modes itself."""
    old = os.umask(0o077)
    yield
    os.umask(old)


def files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def make_zip(path: Path, entries: list) -> Path:
    """entries: (name, data) pairs or ready-made (ZipInfo, data) pairs."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return path


def make_notebook(path: Path, cells: list) -> Path:
    nb = new_notebook()
    nb.cells = cells
    nbformat.write(nb, str(path))
    return path


def notebook_bytes(cells: list) -> str:
    nb = new_notebook()
    nb.cells = cells
    return nbformat.writes(nb)


def module_namespace(sub: Submission, module: str = "module") -> dict:
    source = (sub.folder / f"{module}.py").read_text()
    namespace: dict = {}
    exec(compile(source, f"{module}.py", "exec"), namespace)  # our own generated text, in a test
    return namespace


GOOD_SOURCE = "def add(a, b):\n    return a + b\n"


# --- .py files --------------------------------------------------------------------------------

def test_py_file_with_the_module_name_is_copied_without_notes(uploads, run):
    src = uploads / "module.py"
    src.write_text(GOOD_SOURCE)
    sub = run(src)
    assert files_in(sub.folder) == {"module.py"}
    assert (sub.folder / "module.py").read_text() == GOOD_SOURCE
    assert sub.notes == []


def test_py_file_under_another_name_is_graded_as_module_py_with_a_note(uploads, run):
    src = uploads / "hw3_final_v2.py"
    src.write_text(GOOD_SOURCE)
    sub = run(src)
    assert files_in(sub.folder) == {"module.py"}
    assert (sub.folder / "module.py").read_text() == GOOD_SOURCE
    assert sub.notes == ["hw3_final_v2.py was graded as module.py"]


def test_result_folder_is_a_fresh_temporary_folder(uploads, run, scratch):
    src = uploads / "module.py"
    src.write_text(GOOD_SOURCE)
    sub = run(src)
    assert sub.folder.parent == scratch
    assert sub.folder != uploads


def test_py_file_that_is_not_utf8_is_refused(uploads):
    src = uploads / "module.py"
    src.write_bytes(b"x = '\xff\xfe'\n")
    with pytest.raises(SubmissionError, match="module.py is not UTF-8 text"):
        normalize(src, "module")


def test_oversized_py_file_is_refused(uploads, monkeypatch):
    monkeypatch.setattr(normalize_module, "MAX_ENTRY_BYTES", 1 << 20)
    src = uploads / "module.py"
    src.write_text("#" * ((1 << 20) + 1))
    with pytest.raises(SubmissionError, match="larger than 1 MiB"):
        normalize(src, "module")


def test_unknown_file_type_is_refused_with_what_to_submit(uploads):
    src = uploads / "answers.pdf"
    src.write_bytes(b"%PDF-1.4")
    with pytest.raises(SubmissionError, match=r"answers.pdf: submit module.py, a folder or .zip containing it, "
                                              r"or a .ipynb notebook"):
        normalize(src, "module")


def test_missing_path_is_refused(uploads):
    with pytest.raises(SubmissionError, match="does not exist"):
        normalize(uploads / "nothing.py", "module")


def test_cleanup_removes_the_folder(uploads):
    src = uploads / "module.py"
    src.write_text(GOOD_SOURCE)
    sub = normalize(src, "module")
    assert sub.folder.is_dir()
    sub.cleanup()
    assert not sub.folder.exists()


# --- folders ----------------------------------------------------------------------------------

def test_folder_with_nested_module_is_flattened_to_the_modules_folder(uploads, run):
    root = uploads / "submission"
    (root / "hw3" / "data").mkdir(parents=True)
    (root / "README.md").write_text("outside the module's folder")
    (root / "hw3" / "module.py").write_text("from helper import K\n")
    (root / "hw3" / "helper.py").write_text("K = 3\n")
    (root / "hw3" / "data" / "weights.json").write_text("[1, 2]")
    (root / "hw3" / "report.pdf").write_bytes(b"%PDF")
    sub = run(root)
    assert files_in(sub.folder) == {"module.py", "helper.py", "data/weights.json"}
    assert (sub.folder / "helper.py").read_text() == "K = 3\n"
    assert sub.notes == ["1 file(s) of other types were not used"]


def test_folder_uses_the_shallowest_module(uploads, run):
    root = uploads / "submission"
    (root / "old").mkdir(parents=True)
    (root / "old" / "module.py").write_text("VERSION = 'old'\n")
    (root / "module.py").write_text("VERSION = 'new'\n")
    sub = run(root)
    assert (sub.folder / "module.py").read_text() == "VERSION = 'new'\n"


def test_folder_ignores_caches_and_checkpoints(uploads, run):
    root = uploads / "submission"
    (root / "__pycache__").mkdir(parents=True)
    (root / ".ipynb_checkpoints").mkdir()
    (root / "module.py").write_text(GOOD_SOURCE)
    (root / "__pycache__" / "module.py").write_text("stale")
    (root / ".ipynb_checkpoints" / "module-checkpoint.py").write_text("stale")
    sub = run(root)
    assert files_in(sub.folder) == {"module.py"}


def test_folder_without_the_module_is_refused(uploads):
    root = uploads / "submission"
    root.mkdir()
    (root / "solution.py").write_text(GOOD_SOURCE)
    with pytest.raises(SubmissionError, match="the folder submission does not contain module.py"):
        normalize(root, "module")


def test_folder_with_a_symlink_is_refused(uploads, tmp_path):
    root = uploads / "submission"
    root.mkdir()
    (root / "module.py").write_text(GOOD_SOURCE)
    secret = tmp_path / "secret.txt"
    secret.write_text("hidden expected values")
    (root / "data.txt").symlink_to(secret)
    with pytest.raises(SubmissionError, match="data.txt is a link; submit plain files only"):
        normalize(root, "module")


# --- zip archives -----------------------------------------------------------------------------

def test_zip_with_the_module_at_its_root(uploads, run):
    archive = make_zip(uploads / "sub.zip", [("module.py", GOOD_SOURCE), ("utils.py", "U = 1\n")])
    sub = run(archive)
    assert files_in(sub.folder) == {"module.py", "utils.py"}
    assert module_namespace(sub)["add"](2, 3) == 5


def test_zip_nested_one_folder_deep_is_unwrapped(uploads, run):
    archive = make_zip(uploads / "sub.zip", [
        ("hw3/", ""), ("hw3/module.py", GOOD_SOURCE), ("hw3/utils.py", "U = 1\n"),
        ("hw3/pkg/__init__.py", ""), ("hw3/pkg/layers.py", "L = 2\n"),
    ])
    sub = run(archive)
    assert files_in(sub.folder) == {"module.py", "utils.py", "pkg/__init__.py", "pkg/layers.py"}


def test_zip_macosx_metadata_is_ignored(uploads, run):
    archive = make_zip(uploads / "sub.zip", [
        ("__MACOSX/module.py", b"\x00\x05\x16\x07AppleDouble"),  # listed first, as deep as the real one
        ("__MACOSX/hw3/._module.py", b"\x00\x05\x16\x07"),
        ("hw3/module.py", GOOD_SOURCE),
    ])
    sub = run(archive)
    assert files_in(sub.folder) == {"module.py"}
    assert (sub.folder / "module.py").read_text() == GOOD_SOURCE


def test_zip_other_file_types_are_skipped_with_a_note(uploads, run):
    archive = make_zip(uploads / "sub.zip", [("module.py", GOOD_SOURCE), ("plot.png", b"\x89PNG"),
                                             ("run.sh", "rm -rf /")])
    sub = run(archive)
    assert files_in(sub.folder) == {"module.py"}
    assert sub.notes == ["2 file(s) of other types were not used"]


def test_zip_without_the_module_is_refused(uploads):
    archive = make_zip(uploads / "sub.zip", [("solution.py", GOOD_SOURCE)])
    with pytest.raises(SubmissionError, match="sub.zip does not contain module.py"):
        normalize(archive, "module")


@pytest.mark.parametrize("evil_name", [
    "../evil.py", "/abs.py", "hw3/../../evil.py", "..\\evil.py", "C:/evil.py", "C:evil.py",
])
def test_zip_entry_pointing_outside_the_archive_is_refused(uploads, scratch, tmp_path, evil_name):
    archive = make_zip(uploads / "sub.zip", [("module.py", GOOD_SOURCE), (evil_name, "import os\n")])
    abs_existed = Path("/abs.py").exists()
    with pytest.raises(SubmissionError, match="points outside the archive; refused") as info:
        normalize(archive, "module")
    assert repr(evil_name) in str(info.value)
    assert list(scratch.iterdir()) == []  # the temporary folder was removed
    assert not list(tmp_path.rglob("evil.py")) and not list(tmp_path.rglob("abs.py"))
    assert Path("/abs.py").exists() == abs_existed


def test_zip_symlink_entry_is_refused(uploads, scratch):
    link = zipfile.ZipInfo("data.txt")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = make_zip(uploads / "sub.zip", [("module.py", GOOD_SOURCE), (link, "/etc/passwd")])
    with pytest.raises(SubmissionError, match="'data.txt' is a link; refused"):
        normalize(archive, "module")
    assert list(scratch.iterdir()) == []


def test_zip_oversized_entry_is_refused(uploads, scratch, monkeypatch):
    monkeypatch.setattr(normalize_module, "MAX_ENTRY_BYTES", 1 << 20)
    archive = make_zip(uploads / "sub.zip", [("module.py", GOOD_SOURCE), ("big.npy", b"\x00" * ((1 << 20) + 1))])
    with pytest.raises(SubmissionError, match="'big.npy' is larger than 1 MiB; refused"):
        normalize(archive, "module")
    assert list(scratch.iterdir()) == []


def test_zip_entry_of_exactly_the_size_limit_is_accepted(uploads, run, monkeypatch):
    monkeypatch.setattr(normalize_module, "MAX_ENTRY_BYTES", 1 << 20)
    archive = make_zip(uploads / "sub.zip", [("module.py", GOOD_SOURCE), ("big.npy", b"\x00" * (1 << 20))])
    sub = run(archive)
    assert (sub.folder / "big.npy").stat().st_size == 1 << 20


def test_zip_whose_entries_together_are_too_large_is_refused(uploads, monkeypatch):
    monkeypatch.setattr(normalize_module, "MAX_TOTAL_BYTES", 3 << 20)
    archive = make_zip(uploads / "sub.zip", [("module.py", GOOD_SOURCE)]
                       + [(f"part{i}.npy", b"\x00" * (1 << 20)) for i in range(3)])
    with pytest.raises(SubmissionError, match="unpacks to more than 3 MiB; refused"):
        normalize(archive, "module")


def test_zip_with_too_many_entries_is_refused(uploads, scratch, monkeypatch):
    monkeypatch.setattr(normalize_module, "MAX_ENTRIES", 5)
    archive = make_zip(uploads / "sub.zip", [("module.py", GOOD_SOURCE)]
                       + [(f"f{i}.txt", "x") for i in range(5)])
    with pytest.raises(SubmissionError, match="sub.zip has 6 entries, more than 5"):
        normalize(archive, "module")
    assert list(scratch.iterdir()) == []


def test_zip_with_exactly_max_entries_is_accepted(uploads, run, monkeypatch):
    monkeypatch.setattr(normalize_module, "MAX_ENTRIES", 5)
    archive = make_zip(uploads / "sub.zip", [("module.py", GOOD_SOURCE)]
                       + [(f"f{i}.txt", "x") for i in range(4)])
    assert len(files_in(run(archive).folder)) == 5


@pytest.mark.parametrize("content", [b"not a zip at all", b"", b"PK\x03\x04truncated"], ids=repr)
def test_file_that_is_not_a_zip_is_refused(uploads, scratch, content):
    archive = uploads / "sub.zip"
    archive.write_bytes(content)
    with pytest.raises(SubmissionError, match="sub.zip is not a valid zip archive"):
        normalize(archive, "module")
    assert list(scratch.iterdir()) == []


def test_truncated_zip_is_refused(uploads):
    archive = make_zip(uploads / "sub.zip", [("module.py", GOOD_SOURCE * 50)])
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(SubmissionError, match="not a valid zip archive"):
        normalize(archive, "module")


def test_zip_with_a_corrupted_entry_is_refused(uploads, scratch):
    archive = uploads / "sub.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("module.py", GOOD_SOURCE)
    data = bytearray(archive.read_bytes())
    data[data.index(b"return a + b")] = ord("R")  # the stored CRC no longer matches
    archive.write_bytes(bytes(data))
    with pytest.raises(SubmissionError):
        normalize(archive, "module")


def test_zip_containing_only_a_notebook_is_converted(uploads, run):
    nb = notebook_bytes([new_markdown_cell("# HW3"), new_code_cell(GOOD_SOURCE)])
    archive = make_zip(uploads / "sub.zip", [("hw3/my notebook.ipynb", nb), ("hw3/weights.json", "[1]")])
    sub = run(archive)
    assert files_in(sub.folder) == {"module.py", "weights.json"}
    assert module_namespace(sub)["add"](1, 2) == 3


def test_zip_with_module_and_notebook_uses_the_module(uploads, run):
    nb = notebook_bytes([new_code_cell("def add(a, b):\n    return 'from the notebook'\n")])
    archive = make_zip(uploads / "sub.zip", [("module.py", GOOD_SOURCE), ("scratch.ipynb", nb)])
    sub = run(archive)
    assert files_in(sub.folder) == {"module.py"}
    assert module_namespace(sub)["add"](1, 2) == 3


def test_zip_with_an_unreadable_notebook_is_refused(uploads, scratch):
    archive = make_zip(uploads / "sub.zip", [("hw3.ipynb", "{ this is not json")])
    with pytest.raises(SubmissionError, match="is not a readable notebook"):
        normalize(archive, "module")
    assert list(scratch.iterdir()) == []


# --- notebooks --------------------------------------------------------------------------------

def test_notebook_code_cells_are_concatenated_in_order_and_markdown_is_ignored(uploads, run):
    path = make_notebook(uploads / "hw.ipynb", [
        new_markdown_cell("# Title\n\nimport this_would_fail"),
        new_code_cell("import math\nA = 1"),
        new_markdown_cell("Some *maths*: $x^2$"),
        new_code_cell("B = A + 1"),
        new_code_cell(""),
        new_code_cell("def c():\n    return math.sqrt(B + 2)"),
    ])
    sub = run(path)
    assert files_in(sub.folder) == {"module.py"}
    source = (sub.folder / "module.py").read_text()
    assert "this_would_fail" not in source and "maths" not in source
    assert source.index("A = 1") < source.index("B = A + 1") < source.index("def c")
    ns = module_namespace(sub)
    assert (ns["A"], ns["B"], ns["c"]()) == (1, 2, 2.0)
    assert sub.notes == []


def test_line_magics_and_shell_escapes_are_dropped_with_notes(uploads, run):
    path = make_notebook(uploads / "hw.ipynb", [
        new_code_cell("%matplotlib inline\nimport math"),
        new_code_cell("!pip install x\nX = 5"),
        new_code_cell("get_ipython().system('ls')\nY = 6"),
    ])
    sub = run(path)
    source = (sub.folder / "module.py").read_text()
    assert not any(line.lstrip().startswith(("%", "!")) for line in source.splitlines())
    ns = module_namespace(sub)
    assert (ns["X"], ns["Y"]) == (5, 6)
    [note] = sub.notes
    assert "cell 1: %matplotlib inline" in note
    assert "cell 2: !pip install x" in note
    assert "cell 3: get_ipython().system('ls')" in note


def test_shell_cell_magic_drops_the_whole_cell_with_a_note(uploads, run):
    path = make_notebook(uploads / "hw.ipynb", [
        new_code_cell("A = 1"),
        new_code_cell("%%bash\nrm -rf ~/\necho pwned"),
        new_code_cell("%%writefile other.py\nimport os"),
        new_code_cell("B = 2"),
    ])
    sub = run(path)
    source = (sub.folder / "module.py").read_text()
    assert "rm -rf" not in source and "pwned" not in source and "import os" not in source
    ns = module_namespace(sub)
    assert (ns["A"], ns["B"]) == (1, 2)
    [note] = sub.notes
    assert "cell 2 (%%bash)" in note and "cell 3 (%%writefile)" in note


def test_timing_cell_magic_keeps_its_body(uploads, run):
    path = make_notebook(uploads / "hw.ipynb", [
        new_code_cell("%%time\ndef train(n):\n    return n * 2\nRESULT = train(21)"),
    ])
    sub = run(path)
    ns = module_namespace(sub)
    assert ns["RESULT"] == 42
    assert "%%time" not in (sub.folder / "module.py").read_text()
    assert sub.notes == []


def test_magic_inside_a_function_keeps_the_indentation(uploads, run):
    path = make_notebook(uploads / "hw.ipynb", [
        new_code_cell("def train():\n    %time total = 1\n    if True:\n        !echo hi\n    return 5"),
    ])
    sub = run(path)
    ns = module_namespace(sub)  # would be an IndentationError/SyntaxError if the line vanished
    assert ns["train"]() == 5
    assert "cell 1: %time total = 1" in sub.notes[0] and "cell 1: !echo hi" in sub.notes[0]


def test_notes_list_at_most_ten_dropped_lines(uploads, run):
    path = make_notebook(uploads / "hw.ipynb", [new_code_cell("\n".join(f"!echo {i}" for i in range(13)))])
    sub = run(path)
    [note] = sub.notes
    assert "!echo 9" in note and "!echo 10" not in note
    assert note.endswith("(and 3 more)")


def test_continuation_line_starting_with_an_operator_is_kept(uploads, run):
    path = make_notebook(uploads / "hw.ipynb", [
        new_code_cell("a, b = 7, 3\nSAME = (\n    a\n    != b\n)\nREM = (\n    a\n    % b\n)"),
    ])
    sub = run(path)
    ns = module_namespace(sub)
    assert (ns["SAME"], ns["REM"]) == (True, 1)


@pytest.mark.parametrize("content", [b"{ not json", b'{"cells": "nope"}', b"\x00\xff", b""], ids=repr)
def test_unreadable_notebook_is_refused(uploads, scratch, content):
    path = uploads / "hw.ipynb"
    path.write_bytes(content)
    with pytest.raises(SubmissionError, match="hw.ipynb is not a readable notebook"):
        normalize(path, "module")
    assert list(scratch.iterdir()) == []


# --- permissions ------------------------------------------------------------------------------

def _modes(folder: Path) -> tuple[set[int], set[int]]:
    files = {stat.S_IMODE(p.stat().st_mode) for p in folder.rglob("*") if p.is_file()}
    dirs = {stat.S_IMODE(p.stat().st_mode) for p in [folder, *folder.rglob("*")] if p.is_dir()}
    return files, dirs


def test_zip_result_is_readable_by_another_uid(uploads, run, strict_umask):
    archive = make_zip(uploads / "sub.zip", [("hw3/module.py", GOOD_SOURCE), ("hw3/pkg/sub/a.py", "A = 1\n"),
                                             ("hw3/data/x.csv", "1,2\n")])
    sub = run(archive)
    files, dirs = _modes(sub.folder)
    assert files == {0o644} and dirs == {0o755}
    assert len(files_in(sub.folder)) == 3


def test_folder_result_is_readable_by_another_uid(uploads, run, strict_umask):
    root = uploads / "submission"
    (root / "pkg").mkdir(parents=True)
    (root / "module.py").write_text(GOOD_SOURCE)
    (root / "pkg" / "layers.py").write_text("L = 1\n")
    os.chmod(root / "module.py", 0o600)
    sub = run(root)
    assert _modes(sub.folder) == ({0o644}, {0o755})


@pytest.mark.parametrize("kind", ["py", "ipynb", "zipped-ipynb"])
def test_single_file_results_are_readable_by_another_uid(uploads, run, strict_umask, kind):
    if kind == "py":
        path = uploads / "solution.py"
        path.write_text(GOOD_SOURCE)
    elif kind == "ipynb":
        path = make_notebook(uploads / "hw.ipynb", [new_code_cell(GOOD_SOURCE)])
    else:
        path = make_zip(uploads / "sub.zip", [("nb/hw.ipynb", notebook_bytes([new_code_cell(GOOD_SOURCE)]))])
    sub = run(path)
    assert files_in(sub.folder) == {"module.py"}
    assert _modes(sub.folder) == ({0o644}, {0o755})


# --- scan_forbidden ---------------------------------------------------------------------------

def scan(tmp_path: Path, files: dict[str, str], forbidden=("torch",)) -> list[str]:
    folder = tmp_path / "scan"
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return scan_forbidden(folder, forbidden)


@pytest.mark.parametrize("source,line", [
    ("import torch", 1),
    ("import numpy as np\nimport torch.nn as nn", 2),
    ("from torch import tensor", 1),
    ("import os\n\n\nx = __import__('torch')", 4),
    ("import os, torch", 1),
    ("def f():\n    import torch.optim\n    return 1", 2),
    ("import importlib\nm = importlib.import_module('torch.nn.functional')", 2),
    ("from importlib import import_module\nm = import_module('torch')", 2),
    ("try:\n    import torch\nexcept ImportError:\n    torch = None", 2),
], ids=["import", "import-as-submodule", "from-import", "dunder-import", "one-of-several", "in-function",
        "importlib", "bare-import_module", "guarded"])
def test_forbidden_import_is_found_with_file_and_line(tmp_path, source, line):
    assert scan(tmp_path, {"module.py": source}) == [f"module.py line {line}: imports torch"]


def test_dynamic_import_of_a_submodule_reports_the_top_level_package(tmp_path):
    found = scan(tmp_path, {"module.py": "import importlib\n\nnp = importlib.import_module('jax.numpy')\n"},
                 forbidden=["jax"])
    assert found == ["module.py line 3: imports jax"]


def test_findings_name_nested_files_relative_to_the_submission(tmp_path):
    found = scan(tmp_path, {"module.py": "from helpers import layers\n",
                            "helpers/__init__.py": "",
                            "helpers/layers.py": "import math\n\nimport torch\n"})
    assert found == ["helpers/layers.py line 3: imports torch"]


def test_every_forbidden_import_is_reported(tmp_path):
    found = scan(tmp_path, {"a.py": "import torch\nimport jax", "b.py": "x = 1\nfrom torch.nn import Linear"},
                 forbidden=("torch", "jax"))
    assert found == ["a.py line 1: imports torch", "a.py line 2: imports jax", "b.py line 2: imports torch"]


@pytest.mark.parametrize("source", [
    "import torchvision", "from torchvision import models", "import torch_geometric", "import mytorch",
    "import pytorch_lightning", "__import__('torchvision')",
])
def test_package_whose_top_level_name_differs_is_not_the_forbidden_one(tmp_path, source):
    assert scan(tmp_path, {"module.py": source}) == []


def test_torchvision_is_found_when_it_is_listed(tmp_path):
    found = scan(tmp_path, {"module.py": "import torchvision.transforms as T"}, forbidden=("torch", "torchvision"))
    assert found == ["module.py line 1: imports torchvision"]


@pytest.mark.parametrize("source", ["from . import torch", "from .torch import tensor", "from ..torch.nn import x"])
def test_relative_imports_are_ignored(tmp_path, source):
    assert scan(tmp_path, {"pkg/module.py": source}) == []


def test_mentions_in_strings_and_comments_are_not_imports(tmp_path):
    source = "# import torch\nDOC = 'import torch'\n\"\"\"from torch import nn\"\"\"\ntorch = 1\n"
    assert scan(tmp_path, {"module.py": source}) == []


def test_files_with_syntax_errors_are_skipped_and_others_still_scanned(tmp_path):
    found = scan(tmp_path, {"broken.py": "import torch\ndef f(:\n", "module.py": "x = 1\nimport torch\n"})
    assert found == ["module.py line 2: imports torch"]


def test_file_with_a_null_byte_is_skipped_without_crashing(tmp_path):
    found = scan(tmp_path, {"bad.py": "import torch\n\x00\n", "module.py": "import torch\n"})
    assert found == ["module.py line 1: imports torch"]


def test_nothing_forbidden_means_nothing_reported(tmp_path):
    assert scan(tmp_path, {"module.py": "import torch"}, forbidden=()) == []


def test_only_python_files_are_scanned(tmp_path):
    assert scan(tmp_path, {"module.py": "x = 1", "notes.txt": "import torch", "run.sh": "import torch"}) == []
