"""Assignments: their on-disk layout and configuration."""

from autograder.assignments.model import (
    Assignment, AssignmentError, Mutant, course_root, find_assignments, get_assignment,
)

__all__ = ["Assignment", "AssignmentError", "Mutant", "course_root", "find_assignments", "get_assignment"]
