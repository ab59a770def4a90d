"""Attack: make the failing tests count as skipped, expected-to-fail or passed.

A skipped test is worth 0 of 0 points, so a submission that could turn
its failures into skips would score full marks on what is left. add()
raises pytest's Skipped (what pytest.skip raises), scale_rows() raises
unittest.SkipTest, bump() raises pytest's XFailed, apply() raises pytest's
Exit (which would stop the whole run). In the worker these are just
exceptions; the judge must record each as a failed test of the submission
and keep every test's points in the maximum.
"""
import unittest

import pytest


def add(a, b):
    pytest.skip("not applicable")


def scale_rows(x, w):
    raise unittest.SkipTest("not applicable")


def bump(config):
    config["count"] = config.get("count", 0) + 1
    pytest.xfail("known issue")


def apply(f, x):
    pytest.exit("done", returncode=0)
