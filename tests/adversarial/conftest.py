"""The files in this folder are malicious submissions, not tests: never import them."""

collect_ignore_glob = ["*.py"]
