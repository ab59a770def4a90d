"""Renderers of grading results: terminal, Markdown, HTML, JSON."""
