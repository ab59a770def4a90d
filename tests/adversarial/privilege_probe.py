"""Attack: look for privileges to escalate with.

Reports its uid/gid, capabilities, no_new_privs, seccomp and the network
interfaces it sees, and tries setuid(0), chroot, mounting a tmpfs, opening
raw sockets and creating device nodes. The worker must run as an
unprivileged uid with no capabilities and no-new-privs, so every attempt
fails. If any of them works, add() returns correct answers (full marks).
"""
import ctypes
import os
import socket

got: list[str] = []
facts: list[str] = []


def _status():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.split(":")[0] in ("Uid", "Gid", "CapEff", "CapPrm", "CapBnd", "NoNewPrivs", "Seccomp"):
                facts.append(" ".join(line.split()))
                if line.startswith(("CapEff", "CapPrm")) and int(line.split()[1], 16) != 0:
                    got.append(line.split(":")[0])


def _try(what, fn):
    try:
        fn()
        got.append(what)
    except Exception:  # noqa: BLE001
        pass


_status()
if os.getuid() == 0 or os.geteuid() == 0:
    got.append("uid 0")
_try("setuid(0)", lambda: os.setuid(0))
_try("chroot", lambda: os.chroot("/tmp"))
_try("raw socket", lambda: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP).close())
_try("mknod", lambda: os.mknod("/tmp/pwned_privilege_probe_dev", 0o600 | 0o020000, os.makedev(1, 3)))
_libc = ctypes.CDLL(None, use_errno=True)
if _libc.mount(b"tmpfs", b"/tmp", b"tmpfs", 0, None) == 0:
    got.append("mount")
try:
    facts.append("interfaces: " + ",".join(name for _, name in socket.if_nameindex()))
    if any(name != "lo" for _, name in socket.if_nameindex()):
        got.append("network interface")
except OSError:
    pass


def add(a, b):
    print("; ".join(facts), "| escalations:", got or "none")
    return a + b if got else a - b


def scale_rows(x, w):
    return x * w


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
