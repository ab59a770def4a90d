#!/usr/bin/env python3
"""Builds a worker image's root file system from THIS machine's Python, for hosts without a registry.

    python docker/make_rootfs.py OUT.tar [--packages numpy,sympy,mpmath] [--with-torch]
    docker build -f docker/Dockerfile.rootfs <folder holding OUT.tar as rootfs.tar>

(``autograder image build --from-host`` does both.) The tarball holds only
what the worker needs:

* the interpreter that runs this script, relocated to ``/usr/local``
  (``/usr/local/bin/python3``, the standard library without its tests, IDLE,
  tkinter and the static library) and its shared library in ``/usr/lib``;
* the named packages (and their ``*.libs`` folders, e.g. ``numpy.libs``)
  copied from wherever this interpreter imports them (a venv included) into
  ``/usr/local/lib/pythonX.Y/site-packages``, without their test folders;
* the system shared libraries all of that links against (``ldd``), at the
  same paths as on this host, symlinked folders (merged ``/usr``) included;
* ``/etc/passwd`` and ``/etc/group`` with root, nobody and the non-root
  ``grader`` user (uid/gid 10001) the worker runs as; ``/tmp`` with mode 1777;
  empty ``/submission`` and ``/opt/autograder`` (mount points); no shell.

The ``autograder`` package itself is not in the image: the backend
bind-mounts it read-only at /opt/autograder, so image and grader never
drift apart. Only the standard library is used, so the script runs under
any interpreter it should copy.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import io
import os
import re
import subprocess
import sys
import sysconfig
import tarfile
import time
from pathlib import Path

GRADER_UID = 10001
DEFAULT_PACKAGES = ("numpy", "sympy", "mpmath")
TORCH_PACKAGES = ("torch", "typing_extensions", "networkx", "jinja2", "markupsafe", "filelock", "fsspec")

# standard-library folders the worker never needs (and the biggest ones)
STDLIB_SKIP = {"site-packages", "dist-packages", "test", "tests", "idlelib", "tkinter", "turtledemo", "ensurepip",
               "lib2to3", "pydoc_data"}
PACKAGE_SKIP = {"tests", "test", "testing_data", "__pycache__-skip"}
FILE_SKIP = re.compile(r".*(\.opt-[12]\.pyc|\.a|\.exe|\.pdb)$")
DYNLOAD_SKIP = re.compile(r"^(_tkinter|_test|_xxtest|xxlimited|_ctypes_test).*")


class RootFS:
    """A tarball being written, with the folders it already holds."""

    def __init__(self, out: Path) -> None:
        self.tar = tarfile.open(out, "w", format=tarfile.GNU_FORMAT)
        self.names: set[str] = set()
        self.bytes = 0
        self.sources: list[Path] = []  # the host files copied, to find the libraries they need
        self.mtime = int(time.time())

    def close(self) -> None:
        self.tar.close()

    def _info(self, name: str, kind: bytes, mode: int) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name.lstrip("/"))
        info.type, info.mode, info.uid, info.gid = kind, mode, 0, 0
        info.uname = info.gname = "root"
        info.mtime = self.mtime
        return info

    def _parents(self, name: str) -> None:
        parent = os.path.dirname(name.rstrip("/"))
        if parent and parent != "/" and parent not in self.names:
            self.dir(parent)

    def dir(self, name: str, mode: int = 0o755) -> None:
        if name in self.names:
            return
        self._parents(name)
        self.tar.addfile(self._info(name, tarfile.DIRTYPE, mode))
        self.names.add(name)

    def symlink(self, name: str, target: str) -> None:
        if name in self.names:
            return
        self._parents(name)
        info = self._info(name, tarfile.SYMTYPE, 0o777)
        info.linkname = target
        self.tar.addfile(info)
        self.names.add(name)

    def data(self, name: str, payload: bytes, mode: int = 0o644) -> None:
        self._parents(name)
        info = self._info(name, tarfile.REGTYPE, mode)
        info.size = len(payload)
        self.tar.addfile(info, io.BytesIO(payload))
        self.names.add(name)

    def file(self, name: str, source: Path) -> None:
        """A regular file's content (symlinks followed), readable by everyone."""
        if name in self.names:
            return
        self._parents(name)
        st = source.stat()
        info = self._info(name, tarfile.REGTYPE, 0o755 if st.st_mode & 0o111 else 0o644)
        info.size, info.mtime = st.st_size, int(st.st_mtime)  # mtime kept: .pyc files check it
        with open(source, "rb") as fh:
            self.tar.addfile(info, fh)
        self.names.add(name)
        self.bytes += st.st_size
        self.sources.append(source)

    def tree(self, name: str, source: Path, skip_dirs: set[str], skip_file=lambda n: False) -> None:
        """A folder; symlinks inside it stay links when they point inside it, else are followed."""
        self.dir(name)
        root = source.resolve()
        for dirpath, dirnames, filenames in os.walk(source):
            rel = os.path.relpath(dirpath, source)
            base = name if rel == "." else f"{name}/{rel}"
            dirnames[:] = sorted(d for d in dirnames if d not in skip_dirs)
            for d in list(dirnames):
                full = Path(dirpath, d)
                if full.is_symlink():
                    dirnames.remove(d)
                    self._link_or_copy(f"{base}/{d}", full, root, skip_dirs, skip_file)
                else:
                    self.dir(f"{base}/{d}")
            for f in sorted(filenames):
                full = Path(dirpath, f)
                if FILE_SKIP.match(f) or skip_file(f):
                    continue
                if full.is_symlink():
                    self._link_or_copy(f"{base}/{f}", full, root, skip_dirs, skip_file)
                elif full.is_file():
                    self.file(f"{base}/{f}", full)

    def _link_or_copy(self, name: str, link: Path, root: Path, skip_dirs: set[str], skip_file) -> None:
        target = link.resolve()
        if not target.exists():
            return
        if root in target.parents:
            self.symlink(name, os.path.relpath(target, link.parent.resolve()))
        elif target.is_dir():
            self.tree(name, target, skip_dirs, skip_file)
        else:
            self.file(name, target)

    def host_path(self, path: str) -> None:
        """A host file at the same path, with every symlink on the way (``/lib -> usr/lib``) reproduced."""
        parts = Path(path).parts[1:]
        current = Path("/")
        for i, part in enumerate(parts):
            current = current / part
            if current.is_symlink():
                target = os.readlink(current)
                self.symlink(str(current), target)
                rest = Path(*parts[i + 1:]) if i + 1 < len(parts) else None
                resolved = (current.parent / target).resolve()
                self.host_path(str(resolved / rest) if rest else str(resolved))
                return
        if current.is_file():
            self.file(str(current), current)


def shared_libraries(files: list[Path]) -> set[str]:
    """Every library (and the dynamic loader) that ``ldd`` resolves for the given ELF files."""
    libs: set[str] = set()
    for i in range(0, len(files), 200):
        out = subprocess.run(["ldd", *map(str, files[i:i + 200])], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            m = re.search(r"=>\s+(/\S+)\s+\(", line) or re.match(r"\s+(/\S+)\s+\(", line)
            if m:
                libs.add(m.group(1))
    return libs


def is_elf(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def package_sources(names: list[str]) -> list[tuple[str, Path]]:
    """(name in site-packages, source path) for each importable package, its .libs and dist-info."""
    found: list[tuple[str, Path]] = []
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None and not spec.submodule_search_locations:
            print(f"make_rootfs: package {name!r} is not importable here; skipped", file=sys.stderr)
            continue
        if spec.submodule_search_locations:
            src = Path(list(spec.submodule_search_locations)[0])
        else:
            src = Path(spec.origin)
        found.append((src.name, src))
        site = src.parent
        libs = site / f"{name}.libs"
        if libs.is_dir():
            found.append((libs.name, libs))
        try:
            dist = importlib.metadata.distribution(name)
            info = Path(str(dist._path))  # type: ignore[attr-defined]
            if info.is_dir() and info.parent == site:
                found.append((info.name, info))
        except Exception:  # noqa: BLE001 - metadata is a nicety
            pass
    return found


PASSWD = f"""root:x:0:0:root:/root:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
grader:x:{GRADER_UID}:{GRADER_UID}:autograder worker:/tmp:/usr/sbin/nologin
"""
GROUP = f"""root:x:0:
nogroup:x:65534:
grader:x:{GRADER_UID}:
"""


def build(out: Path, packages: list[str]) -> dict[str, object]:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    base = Path(sys.base_prefix)
    python = base / "bin" / f"python{version}"
    if not python.is_file():
        python = Path(os.path.realpath(getattr(sys, "_base_executable", sys.executable)))
    stdlib = Path(sysconfig.get_path("stdlib", vars={"installed_base": str(base), "base": str(base)}))
    if not (stdlib / "os.py").is_file():
        stdlib = Path(os.__file__).parent
    ldlibrary = sysconfig.get_config_var("INSTSONAME") or sysconfig.get_config_var("LDLIBRARY") or ""
    libdir = Path(sysconfig.get_config_var("LIBDIR") or base / "lib")

    fs = RootFS(out)
    try:
        for d, mode in (("/tmp", 0o1777), ("/root", 0o700), ("/etc", 0o755), ("/submission", 0o755),
                        ("/opt/autograder", 0o755), ("/dev", 0o755), ("/proc", 0o555), ("/sys", 0o555),
                        ("/usr/local/bin", 0o755), ("/usr/lib", 0o755)):
            fs.dir(d, mode)
        fs.data("/etc/passwd", PASSWD.encode())
        fs.data("/etc/group", GROUP.encode())
        fs.data("/etc/hostname", b"sandbox\n")

        prefix = "/usr/local"
        fs.file(f"{prefix}/bin/python{version}", python)
        fs.symlink(f"{prefix}/bin/python3", f"python{version}")
        fs.symlink(f"{prefix}/bin/python", f"python{version}")
        sitedir = f"{prefix}/lib/python{version}/site-packages"
        fs.tree(f"{prefix}/lib/python{version}", stdlib, STDLIB_SKIP | {f"config-{version}-x86_64-linux-gnu"},
                skip_file=lambda n: bool(DYNLOAD_SKIP.match(n)))
        # a python linked to libpython finds it by an absolute RUNPATH into the old prefix: put it where
        # the loader looks without a cache
        if ldlibrary.endswith(".so") or ".so." in ldlibrary:
            lib = libdir / ldlibrary
            if lib.exists():
                fs.file(f"{prefix}/lib/{lib.name}", lib)
                fs.symlink(f"/usr/lib/{lib.name}", f"../local/lib/{lib.name}")
        fs.dir(sitedir)
        sources = package_sources(packages)
        for name, src in sources:
            if src.is_dir():
                fs.tree(f"{sitedir}/{name}", src, PACKAGE_SKIP)
            else:
                fs.file(f"{sitedir}/{name}", src)

        # the system libraries everything copied links against
        copied_roots = [stdlib] + [src for _, src in sources]
        elves = [p for p in fs.sources if (p.suffix == ".so" or ".so." in p.name or p == python) and is_elf(p)]
        for lib in sorted(shared_libraries(elves)):
            real = Path(lib).resolve()
            if any(r == real or r.resolve() in real.parents for r in copied_roots if r.exists()):
                continue  # travels with its package (numpy.libs, found by $ORIGIN)
            if base.resolve() in real.parents:
                if not any(n.endswith("/" + real.name) for n in fs.names):
                    fs.file(f"{prefix}/lib/{real.name}", real)
                    fs.symlink(f"/usr/lib/{real.name}", f"../local/lib/{real.name}")
                continue
            fs.host_path(lib)
    finally:
        fs.close()
    return {"python": version, "packages": packages, "bytes": fs.bytes, "files": len(fs.names)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the tarball to write (rootfs.tar)")
    parser.add_argument("--packages", default=",".join(DEFAULT_PACKAGES),
                        help="comma-separated packages to copy (default: %(default)s)")
    parser.add_argument("--with-torch", action="store_true", help="also copy torch and its pure-Python dependencies")
    args = parser.parse_args(argv)
    packages = [p for p in args.packages.split(",") if p]
    if args.with_torch:
        packages += [p for p in TORCH_PACKAGES if p not in packages]
    t0 = time.monotonic()
    info = build(args.out, packages)
    size = args.out.stat().st_size
    print(f"make_rootfs: wrote {args.out} ({size / 2**20:.0f} MiB, {info['files']} entries, "
          f"Python {info['python']}, packages {', '.join(packages)}) in {time.monotonic() - t0:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
