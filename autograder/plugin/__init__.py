"""The pytest plugin that turns test cases into scored results."""
