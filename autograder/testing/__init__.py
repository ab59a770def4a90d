"""What test authors import: comparison helpers with student-facing messages."""

from autograder.testing.compare import (
    ATOL, RTOL, GradingFailure, assert_array, assert_close, assert_equal, assert_scalar, check, fail,
    rel_error,
)
from autograder.testing.symbolic import assert_equivalent

__all__ = [
    "ATOL", "RTOL", "GradingFailure", "assert_array", "assert_close", "assert_equal", "assert_equivalent",
    "assert_scalar", "check", "fail", "rel_error",
]
