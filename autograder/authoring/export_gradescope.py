"""``autograder export gradescope``: an autograder bundle for Gradescope.

Gradescope unpacks the bundle into ``/autograder/source``, runs ``setup.sh``
once when the image is built, then ``run_autograder`` as root for each
submission (files in ``/autograder/submission``; results expected in
``/autograder/results/results.json``, the schema our results already use).

Inside that single container the judge runs as root with the ``local``
backend, which starts the student's code under a per-job unprivileged uid
with no network, seeing only the submission: the two users the trust
boundary needs. The hidden tests, the reference and the mutants stay in
``/autograder/source``, which is made root-only (0700) and is never mounted
into the sandbox.

``AUTOGRADER_GRADESCOPE_ROOT`` relocates ``/autograder`` and
``AUTOGRADER_PYTHON`` picks the interpreter, so the bundle can be run in a
temporary folder with the current environment (that is how it is tested);
``setup.sh`` is meant for Gradescope's image only (it installs packages).
"""

from __future__ import annotations

import json
import shlex
import zipfile
from pathlib import Path

import autograder
from autograder.assignments import Assignment, AssignmentError
from autograder.sandbox.base import package_root

ZIP_DATE = (2020, 1, 1, 0, 0, 0)
VENV = "/opt/dlcourse-autograder"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"

SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# It installs bubblewrap (the sandbox), a Python >= 3.11 venv with the CPU
# build of torch and the grader from this bundle, then grades the reference
# to prove the sandbox works here; the build fails loudly if it does not.
set -euo pipefail
SOURCE="${AUTOGRADER_GRADESCOPE_ROOT:-/autograder}/source"
VENV=__VENV__
export DEBIAN_FRONTEND=noninteractive

apt-get update -qq
apt-get install -y -qq bubblewrap python3 python3-venv python3-pip >/dev/null

PY=""
for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        PY="$candidate"; break
    fi
done
if [ -z "$PY" ]; then  # Ubuntu 22.04 ships 3.10; the grader needs tomllib (3.11)
    apt-get install -y -qq python3.11 python3.11-venv >/dev/null
    PY=python3.11
fi
"$PY" -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip
# the CPU wheel: Gradescope has no GPU, and the CUDA build is gigabytes
"$VENV/bin/pip" install -q "torch==__TORCH__" --index-url __TORCH_INDEX__ \
    || "$VENV/bin/pip" install -q "torch==__TORCH__"
"$VENV/bin/pip" install -q "$SOURCE/grader"

chown -R root:root "$SOURCE"
chmod -R go-rwx "$SOURCE"

# Prove the sandbox works in this container: the reference must score full marks.
for backend in local unshare; do
    if "$VENV/bin/python" -m autograder --course "$SOURCE/course" grade __NAME__ \
            "$SOURCE/course/reference/__NAME__/__MODULE__.py" --backend "$backend" --format json \
            > /tmp/autograder-selfcheck.json 2>/tmp/autograder-selfcheck.log \
        && "$VENV/bin/python" - /tmp/autograder-selfcheck.json <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
extra = data["extra_data"]
if data["score"] < extra["max_score"] or not extra["sandboxed"]:
    print(f"the reference scored {data['score']:g} / {extra['max_score']:g} (sandboxed: {extra['sandboxed']})",
          file=sys.stderr)
    sys.exit(1)
PY
    then
        echo "$backend" > "$SOURCE/backend"
        echo "autograder: the $backend sandbox works here; the reference scores full marks"
        exit 0
    fi
    echo "autograder: the $backend sandbox failed the self-check" >&2
    tail -n 20 /tmp/autograder-selfcheck.log >&2 || true
done
echo "autograder: no sandbox works in this container; refusing to grade student code unsandboxed" >&2
exit 1
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this as root for every submission. The judge runs here, as
# root; the student's code runs in the worker that the sandbox starts under
# its own unprivileged uid, with no network, seeing only the submission.
# The hidden tests, reference and mutants in $ROOT/source are root-only and
# are never mounted into the sandbox.
set -uo pipefail
ROOT="${AUTOGRADER_GRADESCOPE_ROOT:-/autograder}"
SOURCE="$ROOT/source"
PYTHON="${AUTOGRADER_PYTHON:-__VENV__/bin/python}"
BACKEND="${AUTOGRADER_BACKEND:-$(cat "$SOURCE/backend" 2>/dev/null || echo local)}"

chmod -R go-rwx "$SOURCE"
mkdir -p "$ROOT/results"
cd "$ROOT"
"$PYTHON" -m autograder --course "$SOURCE/course" grade __NAME__ "$ROOT/submission" \
    --backend "$BACKEND" --format json > "$ROOT/results/results.json.partial" 2> "$ROOT/results/grader.log"
status=$?
if [ "$status" -ne 0 ]; then
    # a fault of the grader, not a score: no results.json, so Gradescope reports the failure to staff
    echo "autograder: grading failed (exit $status):"
    cat "$ROOT/results/grader.log"
    rm -f "$ROOT/results/results.json.partial"
    exit 1
fi
mv "$ROOT/results/results.json.partial" "$ROOT/results/results.json"
"""

README = """# Gradescope autograder for {name} ({title}, version {version})

Built by `autograder export gradescope {name}` with dlcourse-autograder {grader_version}.
Upload this zip as a Gradescope programming assignment's autograder (Ubuntu base image).

- `setup.sh`: installs bubblewrap, a Python >= 3.11 venv in {venv} with the CPU build of
  torch {torch} and the grader from `grader/`, then grades the reference once to prove the
  sandbox works in Gradescope's container (the build fails if it does not).
- `run_autograder`: grades `/autograder/submission` ({module}.py, a folder, a zip or a notebook)
  and writes `/autograder/results/results.json`.
- `course/`: the assignment with its hidden tests, mutants and reference. Root-only; never
  visible to student code, which runs sandboxed under its own uid.
- Resources: the student's code may use up to {memory_mb} MB and {total_timeout:g} s in all
  (`assignment.toml`); give the Gradescope autograder about 1 GB more memory than that for the
  judge (Gradescope's default of 768 MB is too little where torch is imported) and a timeout
  above the total.
"""


def _installed_pyproject() -> str:
    """A pyproject for the installed grader, when it was not installed from a checkout (no pyproject beside it)."""
    from importlib import metadata

    dist = metadata.distribution("dlcourse-autograder")
    requires = [r for r in (dist.requires or []) if "extra ==" not in r]
    return "\n".join([
        "[build-system]", 'requires = ["setuptools>=68"]', 'build-backend = "setuptools.build_meta"', "",
        "[project]", 'name = "dlcourse-autograder"', f"version = {json.dumps(dist.version)}",
        'requires-python = ">=3.11"', f"dependencies = {json.dumps(requires)}", "",
        "[project.scripts]", 'autograder = "autograder.cli.main:main"', "",
        "[tool.setuptools.packages.find]", 'include = ["autograder*"]', ""])


def _package_files() -> tuple[list[tuple[str, Path]], dict[str, str]]:
    """The grader's own source as ``grader/...``, and a generated pyproject if the checkout's is not there."""
    pkg = package_root()
    files = [(f"grader/autograder/{p.relative_to(pkg).as_posix()}", p) for p in sorted(pkg.rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")]
    checkout = pkg.parent
    if (checkout / "pyproject.toml").is_file():
        files += [(f"grader/{extra}", checkout / extra) for extra in ("pyproject.toml", "README.md", "LICENSE")
                  if (checkout / extra).is_file()]
        return files, {}
    return files, {"grader/pyproject.toml": _installed_pyproject()}


def _course_files(assignment: Assignment) -> list[tuple[str, Path]]:
    out = []
    for base, prefix in ((assignment.root, f"course/assignments/{assignment.name}"),
                         (assignment.reference_root / assignment.name, f"course/reference/{assignment.name}")):
        out += [(f"{prefix}/{p.relative_to(base).as_posix()}", p) for p in sorted(base.rglob("*"))
                if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    return out


def _script(template: str, assignment: Assignment, torch_version: str) -> str:
    return (template.replace("__VENV__", shlex.quote(VENV)).replace("__NAME__", assignment.name)
            .replace("__MODULE__", assignment.module).replace("__TORCH__", torch_version)
            .replace("__TORCH_INDEX__", TORCH_CPU_INDEX))


def export_gradescope(assignment: Assignment, out: Path, torch_version: str = "2.13.0") -> list[str]:
    """Writes the bundle to ``out``; returns its entry names."""
    if not assignment.reference.exists():
        raise AssignmentError(f"no reference at {assignment.reference}: the bundle's self-check needs it")
    text = {
        "setup.sh": _script(SETUP_SH, assignment, torch_version),
        "run_autograder": _script(RUN_AUTOGRADER, assignment, torch_version),
        "README.md": README.format(name=assignment.name, title=assignment.title, version=assignment.version,
                                   grader_version=autograder.__version__, venv=VENV, torch=torch_version,
                                   module=assignment.module, memory_mb=assignment.limits.memory_mb,
                                   total_timeout=assignment.limits.total_timeout),
    }
    package, generated = _package_files()
    text.update(generated)
    files = package + _course_files(assignment)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    names = []
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in sorted(text.items()):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.external_attr = (0o755 if name in ("setup.sh", "run_autograder") else 0o600) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, content)
            names.append(name)
        for name, path in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.external_attr = 0o600 << 16  # root-only once unpacked by a tool that keeps modes
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
            names.append(name)
    tmp.replace(out)
    return names
