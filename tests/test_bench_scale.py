"""The scale benchmark (bench/scale) runs end to end in its tiny mode, so it cannot rot between the runs that
matter (on PostgreSQL, at full size). Behaviour only: every line of the table is there; no timing is asserted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.scale.report import render
from bench.scale.run import TINY, run

ROOT = Path(__file__).resolve().parent.parent

EXPECTED = [
    "engine alone: leave lifecycle saved after every step",
    "services: leave lifecycle, demo centre (22 officials)",
    "engine share of the services lifecycle",
    "services lifecycles per second, one process",
    "SQL statements per task completion (BEGIN and COMMIT included)",
    "services lifecycles per second, 1 process(es) at once",
    "engine alone: complete 1 task of 4 open (restore, complete, dump)",
    "engine alone: complete 1 task of 4 open, workflow kept (complete, dump)",
    "complete 1 task, instance with 2 open tasks",
    "complete 1 task, instance with 4 open tasks",
    "4 vs 2 open tasks, p95 of a completion",
    "start an instance with 4 open tasks",
    "timer sweep: 5 due timers, 1 worker(s)",
    "timer sweep: each instance fired exactly once",
    "services: leave lifecycle, 40 officials + 30 past A/B pairs",
    "large centre vs demo centre lifecycle",
    "inbox query: my tasks, first page (200 open + 400 closed)",
    "inbox query: my tasks count (200 open + 400 closed)",
    "inbox query: claimable, first page (200 open + 400 closed)",
    "inbox query: claimable count (200 open + 400 closed)",
    "inbox query: done list, first page (200 open + 400 closed)",
    "inbox query: process filter, first page (200 open + 400 closed)",
    "inbox query: overdue filter, first page (200 open + 400 closed)",
    "inbox page GET / (200 open + 400 closed)",
    "inbox page GET /?tab=done (200 open + 400 closed)",
]


@pytest.mark.django_db
def test_the_tiny_run_measures_every_line_of_the_table():
    rows = run(TINY)
    assert [row.measurement for row in rows] == EXPECTED
    assert all(row.value for row in rows)
    targeted = {row.measurement for row in rows if row.met is not None}
    assert "SQL statements per task completion (BEGIN and COMMIT included)" in targeted
    assert "large centre vs demo centre lifecycle" in targeted
    exactly_once = next(row for row in rows if row.measurement == "timer sweep: each instance fired exactly once")
    assert (exactly_once.value, exactly_once.met) == ("5 once, 0 twice, 0 lost", True)
    table = render(rows).splitlines()
    assert table[0].startswith("| measurement") and len(table) == len(EXPECTED) + 2


def test_the_full_benchmark_refuses_sqlite_and_says_how_to_run_it():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run([sys.executable, "-m", "bench.scale"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    assert "DATABASE_URL=postgres://" in done.stderr and "--tiny" in done.stderr
