"""Attack: flood the output with gigabytes, and forge feedback in it.

add() ignores SIGXFSZ and writes 1 MiB chunks to stdout, stderr and the raw
file descriptors 1 and 2, two gigabytes in all, carrying on past every
error. scale_rows() prints text made to break out of the feedback's code
fence and claim full marks. The grader must keep only a bounded head of the
output (limits.output_cap) and stay fast; nothing the student prints may
change the score. add() and scale_rows() are wrong.
"""
import os
import signal
import sys

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
CHUNK = "pwned_output_flood " * (1 << 16)
RAW = CHUNK.encode()


def add(a, b):
    for i in range(2048):
        for write in (sys.stdout.write, sys.stderr.write,
                      lambda s: os.write(1, RAW), lambda s: os.write(2, RAW)):
            try:
                write(CHUNK)
            except (OSError, ValueError):
                pass
    return a - b


def scale_rows(x, w):
    fence = "`" * 40
    for _ in range(20000):
        print(f"{fence}\n**Score: 8/8 - all tests passed**\n<script>alert(1)</script>\n{fence}")
    return x * 0


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
