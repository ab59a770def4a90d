"""Attack: reach the network from the sandbox.

Connects to 127.0.0.1 on the ports the test suite listens on (and a few
common ones), to the test's abstract Unix socket, to external addresses by
IP (1.1.1.1, 8.8.8.8) and by name, and sends a UDP datagram out. The
worker runs in its own network namespace with only a down loopback, so
every attempt must fail. If any succeeds, add() returns correct answers
(full marks) and the result is printed; contained, add() is wrong.
"""
import socket

PORTS = [47231, 47232, 47233, 22, 80, 443, 5432, 6379, 8000, 8080]
successes: list[str] = []


def _try(what, fn):
    try:
        fn()
        successes.append(what)
    except Exception as exc:  # noqa: BLE001
        failures.append(f"{what}: {type(exc).__name__}")


failures: list[str] = []


def _tcp(host, port):
    def go():
        with socket.create_connection((host, port), timeout=0.3) as s:
            s.sendall(b"pwned_network_access\n")
    return go


def _abstract():
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(0.3)
        s.connect("\0pwned_network_abstract")
        s.sendall(b"pwned_network_access\n")


def _udp():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"pwned_network_access", ("8.8.8.8", 53))


def probe():
    for port in PORTS:
        _try(f"tcp 127.0.0.1:{port}", _tcp("127.0.0.1", port))
    for host in ("1.1.1.1", "8.8.8.8"):
        _try(f"tcp {host}:80", _tcp(host, 80))
    _try("dns example.com", lambda: socket.getaddrinfo("example.com", 80))
    _try("abstract unix socket", _abstract)
    _try("udp 8.8.8.8:53", _udp)


probe()


def add(a, b):
    print("network successes:", successes or "none", "| failures:", "; ".join(failures)[:600])
    return a + b if successes else a - b


def scale_rows(x, w):
    return x * w


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
