"""Batch grading for TAs: a class in one command, resumable, with a gradebook."""
