"""Attack: recover the hidden tests from a git repository's object store.

Covering tests/hidden with an empty mount does not hide the copy that git
keeps: every committed version of the hidden tests sits, zlib-compressed,
under .git/objects of the course checkout. This submission finds git
repositories (from /proc/self/mountinfo and a walk of the usual places),
decompresses their loose objects and scans their packs for the hidden
suite's secret. If found, it prints it and add() returns correct answers
(full marks); contained, add() is wrong.
"""
import os
import time
import zlib

NEEDLE = b"EXPECTED" + b"_SECRET"
found: list[str] = []


def _git_dirs(deadline):
    out = []
    starts = set()
    try:
        with open("/proc/self/mountinfo") as fh:
            for line in fh:
                parts = line.split()
                for p in (parts[3], parts[4]):
                    for _ in range(6):
                        starts.add(p)
                        p = os.path.dirname(p)
    except OSError:
        pass
    starts |= {"/autograder", "/work", "/root", "/home", "/srv", "/opt", "/mnt", "/var", "/"}
    for start in sorted(starts, key=len, reverse=True):
        g = os.path.join(start, ".git")
        if os.path.isdir(os.path.join(g, "objects")) and g not in out:
            out.append(g)
    for start in ("/work", "/autograder", "/home", "/srv", "/opt", "/root", "/mnt"):
        for dirpath, dirnames, _ in os.walk(start, onerror=lambda e: None):
            if time.monotonic() > deadline or dirpath.count("/") > 6:
                dirnames[:] = []
                continue
            if ".git" in dirnames:
                g = os.path.join(dirpath, ".git")
                if g not in out:
                    out.append(g)
            dirnames[:] = [d for d in dirnames if d not in (".git", "site-packages", "node_modules")]
    return out


def _report(where, data):
    text = data.decode("utf-8", "replace")
    lines = [ln for ln in text.splitlines() if "SECRET" in ln]
    found.append(f"{where}: " + " | ".join(lines)[:300])


def _scan(deadline):
    for g in _git_dirs(deadline):
        objects = os.path.join(g, "objects")
        for dirpath, _, filenames in os.walk(objects, onerror=lambda e: None):
            for name in filenames:
                if time.monotonic() > deadline:
                    return
                path = os.path.join(dirpath, name)
                try:
                    with open(path, "rb") as fh:
                        raw = fh.read(50_000_000)
                except OSError:
                    continue
                if name.endswith(".pack"):
                    start = 0
                    while time.monotonic() < deadline:
                        i = raw.find(b"\x78", start)
                        if i < 0:
                            break
                        start = i + 1
                        try:
                            data = zlib.decompressobj().decompress(raw[i:i + 200_000], 2_000_000)
                        except zlib.error:
                            continue
                        if NEEDLE in data:
                            _report(path, data)
                            return
                else:
                    try:
                        data = zlib.decompress(raw)
                    except zlib.error:
                        continue
                    if NEEDLE in data:
                        _report(path, data)
                        return


_scan(time.monotonic() + 10.0)
for line in found:
    print("LEAK", line)


def add(a, b):
    for line in found:
        print("LEAK", line)
    return a + b if found else a - b


def scale_rows(x, w):
    return x * w


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
