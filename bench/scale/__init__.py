"""Issue 7's scale benchmark: the services against the engine alone, in one run, on PostgreSQL.

    make bench-scale                      # DATABASE_URL=postgres://… ; prints one table
    .venv/bin/python -m bench.scale --full  # the issue's 100k open + 1M closed inbox tasks

Every time is also given as a multiple of the engine alone (a leave lifecycle saved after every step)
measured in the same run, so figures from different runs and machines compare as ratios.
Not part of the test suite; tests/test_bench_scale.py runs the `--tiny` mode so it cannot rot.
"""
