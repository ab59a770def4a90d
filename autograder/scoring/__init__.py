"""Scores, results in Gradescope's schema, and mistake diagnosis."""
