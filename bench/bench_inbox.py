"""Inbox and timer-sweep reads against many task rows: they must not slow down as instances grow.

Builds a throwaway test database (SQLite by default, PostgreSQL when DATABASE_URL is set),
fills it with N instances and their task rows through bulk inserts, then times the reads the
inbox and the sweep make. Run: `.venv/bin/python bench/bench_inbox.py [N]`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def _timed(label: str, query, repeat: int = 30) -> None:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        query()
        samples.append((time.perf_counter() - start) * 1000)
    p95 = sorted(samples)[int(repeat * 0.95) - 1]
    print(f"{label:<34} mean {statistics.mean(samples):7.2f} ms   p95 {p95:7.2f} ms")


def main(n: int) -> None:
    from workflows.org.demo import seed_demo_centre
    from workflows.org.models import Official
    from workflows.runtime.clock import now
    from workflows.runtime.models import HumanTask, ProcessDefinition, ProcessInstance
    from workflows.runtime.selectors import claimable_tasks, filter_tasks, my_tasks

    seed_demo_centre()
    officials = list(Official.objects.all())
    definition = ProcessDefinition.objects.create(key="bench", version=1, name="bench", sources={}, checksum="-",
                                                  deployed_at=now())
    started = time.perf_counter()
    instances = ProcessInstance.objects.bulk_create(
        ProcessInstance(definition=definition, business_key=f"B-{i}", state={}, started_at=now(),
                        next_timer_at=now() + timedelta(days=i % 30)) for i in range(n))
    tasks = HumanTask.objects.bulk_create(
        HumanTask(instance=inst, engine_task_id=f"{i:036d}", spec_name="approve", title="审批", form="approval",
                  role="window_head", scope="applicant.window", due_at=now() + timedelta(days=i % 10 - 3),
                  state=HumanTask.OPEN if i % 4 else HumanTask.COMPLETED, created_at=now(),
                  assignee=officials[i % len(officials)] if i % 2 else None, case_number=f"B-{i}",
                  process_key=definition.key)
        for i, inst in enumerate(instances))
    through = HumanTask.candidates.through
    through.objects.bulk_create(
        through(humantask_id=t.pk, official_id=officials[(i + k) % len(officials)].pk)
        for i, t in enumerate(tasks) for k in range(2))
    print(f"{n} instances and task rows inserted in {time.perf_counter() - started:.1f} s ({connection.vendor})")

    me = officials[3]
    _timed("my tasks, first page of 20", lambda: list(my_tasks(me)[:20]))
    _timed("claimable tasks, first page of 20", lambda: list(claimable_tasks(me)[:20]))
    _timed("claimable count", lambda: claimable_tasks(me).count())
    _timed("overdue filter, first page", lambda: list(filter_tasks(my_tasks(me), overdue=True)[:20]))
    _timed("timer sweep: due instances", lambda: list(
        ProcessInstance.objects.filter(status="running", next_timer_at__lte=now())
        .order_by("next_timer_at").values_list("pk", flat=True)[:200]))


if __name__ == "__main__":
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
