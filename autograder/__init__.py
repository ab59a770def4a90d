"""Autograder for deep-learning courses."""
__version__ = "0.1.0"
