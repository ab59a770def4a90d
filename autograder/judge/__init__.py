"""The trusted judge: talks to the worker and never imports student code."""
