"""Submissions: normalising uploads into a module folder, and scanning them."""

from autograder.submissions.normalize import Submission, SubmissionError, normalize
from autograder.submissions.scan import scan_forbidden

__all__ = ["Submission", "SubmissionError", "normalize", "scan_forbidden"]
