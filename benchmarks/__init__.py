"""keepwarm's benchmark suite: `make bench` or `python -m benchmarks`.

Every measure runs in its own child process (so one measure's caches and
memory never flatter the next) against a generated database cached under
bench-results/, and is printed beside the floor measured in the same run:
SQLite's own grouped scan of the interactions table on the same database.
"""
