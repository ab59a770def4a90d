"""Instructor tooling: validating, packaging and exporting assignments."""
