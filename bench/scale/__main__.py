"""`python -m bench.scale [--tiny | --full] [--only-open-tasks] [--open N --closed N] [-n LIFECYCLES]`.

See bench/scale/__init__.py."""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from dataclasses import replace
from datetime import UTC, datetime

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")  # DEBUG records every SQL statement, which would be timed too

import django  # noqa: E402

django.setup()
# WhiteNoise (on with DEBUG off) warns that collectstatic has not run: the pages are measured without their assets.
warnings.filterwarnings("ignore", message="No directory at")

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.scale.report import render  # noqa: E402
from bench.scale.run import DEFAULT, FULL, TINY, run  # noqa: E402


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--tiny", action="store_true", help="a handful of rows: a smoke run, SQLite allowed")
    size.add_argument("--full", action="store_true", help="the issue's inbox: 100k open + 1M closed tasks")
    parser.add_argument("--open", type=int, help="open inbox tasks (default 10,000)")
    parser.add_argument("--closed", type=int, help="closed inbox tasks (default 100,000)")
    parser.add_argument("--only-open-tasks", action="store_true",
                        help="only the lifecycles (the engine unit) and the completions with few and many open tasks")
    parser.add_argument("-n", type=int, help="timed leave lifecycles per centre size (default 20)")
    return parser.parse_args()


def main() -> int:
    args = _arguments()
    scale = TINY if args.tiny else FULL if args.full else DEFAULT
    scale = replace(scale, **{k: v for k, v in (("open_tasks", args.open), ("closed_tasks", args.closed),
                                                 ("lifecycles", args.n)) if v is not None})
    if connection.vendor != "postgresql" and not args.tiny:
        print("bench.scale measures PostgreSQL: set DATABASE_URL=postgres://user@host:5432/name "
              "(a throwaway test_<name> database is created and dropped), or pass --tiny for a smoke run.",
              file=sys.stderr)
        return 2
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    started = time.perf_counter()
    try:
        rows = run(scale, only_open_tasks=args.only_open_tasks)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"\ngovflow scale benchmark, {connection.vendor}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
          f"{time.perf_counter() - started:.0f} s")
    print(render(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
