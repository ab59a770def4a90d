"""The untrusted worker process: the only place student code ever runs."""
