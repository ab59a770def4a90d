"""A starter notebook: the handout's text in Markdown cells, the starter's API in code cells.

Why: many students work in Jupyter. The grader already accepts a notebook
as a submission (its code cells become the module), so a notebook built from
the starter, one function per cell, is a second starter that is graded
exactly like ``<module>.py``.
"""

from __future__ import annotations

import ast
import re

import nbformat
from nbformat import NotebookNode

from autograder.assignments import Assignment


def handout_cells(markdown: str) -> list[str]:
    """The handout split before each ``#``/``##`` heading (never inside a code fence)."""
    cells: list[list[str]] = [[]]
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if not fenced and re.match(r"#{1,2} ", line) and any(s.strip() for s in cells[-1]):
            cells.append([])
        cells[-1].append(line)
    return ["\n".join(c).strip() for c in cells if any(s.strip() for s in c)]


def starter_parts(source: str) -> tuple[str, str, list[str]]:
    """(module docstring, prelude code, one source block per top-level function or class).

    A definition's block starts at its first decorator, or at the comment lines
    right above it; every other top-level statement (imports, constants) goes
    to the prelude, in order.
    """
    tree = ast.parse(source)
    lines = source.splitlines()
    docstring = ast.get_docstring(tree) or ""
    taken = [False] * (len(lines) + 1)  # 1-based
    blocks = []
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str):
        for n in range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1):
            taken[n] = True
        body = body[1:]
    for node in body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        start = min([node.lineno] + [d.lineno for d in node.decorator_list])
        while start > 1 and lines[start - 2].lstrip().startswith("#"):
            start -= 1
        end = node.end_lineno or node.lineno
        blocks.append("\n".join(lines[start - 1:end]).strip("\n"))
        for n in range(start, end + 1):
            taken[n] = True
    prelude = "\n".join(line for n, line in enumerate(lines, start=1) if not taken[n])
    prelude = re.sub(r"\n{3,}", "\n\n", prelude).strip("\n")
    return docstring, prelude, blocks


def build_notebook(assignment: Assignment) -> NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["autograder"] = {"assignment": assignment.name, "module": assignment.module,
                                 "version": assignment.version}
    text = assignment.handout.read_text(encoding="utf-8") if assignment.handout.exists() else f"# {assignment.title}"
    cells = [nbformat.v4.new_markdown_cell(c) for c in handout_cells(text)]
    cells.append(nbformat.v4.new_markdown_cell(
        "## Your code\n\n"
        "Fill in each function below. Hand in this notebook as it is, or the same code as "
        f"`{assignment.module}.py`: the grader runs the notebook's code cells, in order, as "
        f"`{assignment.module}.py`, so keep every function's name and arguments. `%` magics and `!` shell "
        "commands are not Python and are left out.\n\n"
        f"Check your work with the public tests: `autograder check {assignment.name} {assignment.module}.ipynb`"))
    docstring, prelude, blocks = starter_parts(assignment.starter.read_text(encoding="utf-8"))
    if docstring:
        cells.append(nbformat.v4.new_markdown_cell(docstring))
    if prelude:
        cells.append(nbformat.v4.new_code_cell(prelude))
    cells += [nbformat.v4.new_code_cell(block) for block in blocks]
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"  # stable ids: the same assignment gives the same notebook, byte for byte
    nb.cells = cells
    nbformat.validate(nb)
    return nb


def notebook_json(assignment: Assignment) -> str:
    return nbformat.writes(build_notebook(assignment))
