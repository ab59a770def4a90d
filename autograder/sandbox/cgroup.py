"""A memory cgroup per worker, for CUDA workers where RLIMIT_AS cannot be used.

CUDA reserves huge virtual address ranges, so an address-space limit breaks
it (FACTS.md: 4 GiB fails, 64 GiB works). Resident memory is limited by a
cgroup instead: v2 ``memory.max`` (+ ``memory.swap.max`` 0) or v1
``memory.limit_in_bytes`` (+ ``memsw``), with ``pids`` where available. The
worker joins it from ``preexec_fn``, before it execs anything.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")


STALE_SECONDS = 600


def sweep_stale(parents: list[Path]) -> None:
    """Removes empty groups left by graders that were killed before their cleanup ran.

    Only old ones: a fresh, still empty group may belong to a worker about to join it.
    """
    now = time.time()
    for parent in parents:
        for path in parent.glob("autograder-*"):
            try:
                if now - path.stat().st_mtime > STALE_SECONDS and not (path / "cgroup.procs").read_text().strip():
                    path.rmdir()
            except OSError:
                pass


class MemoryCgroup:
    def __init__(self, memory_mb: int, processes: int) -> None:
        self.paths: list[Path] = []
        sweep_stale([ROOT, ROOT / "memory", ROOT / "pids"])
        name = f"autograder-{uuid.uuid4().hex[:12]}"
        limit = str(memory_mb << 20)
        if (ROOT / "cgroup.controllers").exists():  # cgroup v2, unified
            self._make(ROOT / name, {"memory.max": limit, "memory.swap.max": "0", "pids.max": str(processes)})
        else:
            self._make(ROOT / "memory" / name, {"memory.limit_in_bytes": limit,
                                                "memory.memsw.limit_in_bytes": limit})
            self._make(ROOT / "pids" / name, {"pids.max": str(processes)})
        if not self.paths:
            raise OSError("no writable memory cgroup on this host")

    def _make(self, path: Path, settings: dict[str, str]) -> None:
        try:
            path.mkdir()
        except OSError:
            return
        self.paths.append(path)
        for key, value in settings.items():
            try:
                (path / key).write_text(value)
            except OSError:
                pass  # e.g. no swap accounting: the memory limit alone still holds

    def join(self) -> None:
        """Runs in the child between fork and exec."""
        for path in self.paths:
            with open(path / "cgroup.procs", "w") as fh:
                fh.write(str(os.getpid()))

    def remove(self) -> None:
        """Removes the groups once their last process has gone (the kernel takes a moment after a kill)."""
        for path in self.paths:
            for _ in range(50):
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)
