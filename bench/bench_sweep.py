"""How fast the timer sweep drains a day's deadlines, and whether every instance fires exactly once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govflow_bench .venv/bin/python bench/bench_sweep.py [N] [W]

Builds a throwaway test database (meant for PostgreSQL: the workers claim batches with SKIP LOCKED; on SQLite
they queue on IMMEDIATE transactions), starts one real instance of a small timer process and bulk-creates N - 1
copies of its row (same state, same due time), moves the clock past the deadline, then runs W worker processes
(default 2) that each drain with `services.sweep.drain` at the same moment. Prints one table comparing
  engine alone      restore the stored state, fire the timer, dump (no database), per instance;
  one per commit    the sweep with batches of one (a transaction per instance, as the sweep was), one worker;
  W workers         the sweep as shipped (its batch size and time budget), W workers at once over all N,
each as instances per second and its ratio to the engine alone. It then checks every instance: exactly one
`timers_fired` audit row, completed at its end event, nothing left due. Not part of the tests.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, connections  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.scale.sweep import BPMN as WAIT  # noqa: E402  (the same waiting process as the scale benchmark)
from engine.clock import CENTRE_TZ, FrozenClock  # noqa: E402

START = datetime(2026, 11, 30, 9, 0, tzinfo=CENTRE_TZ)  # a Monday; the deadline is Wednesday night
CHUNK = 1000


def _progress(label: str, done: int, total: int) -> None:
    filled = done * 30 // max(total, 1)
    print(f"\r{label:<10} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}", end="", flush=True)
    if done >= total:
        print()


def _seed(n: int) -> list[int]:
    """One real instance and n - 1 copies of its row, inserted in chunks; returns the ids of all n."""
    from workflows.runtime.models import ProcessInstance
    from workflows.runtime.services.definitions import deploy_definition
    from workflows.runtime.services.instances import start_process

    deploy_definition("bench_wait", {"bench_wait.bpmn": WAIT})
    first = start_process("bench_wait", data={}, business_key="S-0")
    ids = [first.pk]
    for chunk_start in range(1, n, CHUNK):
        rows = [ProcessInstance(definition_id=first.definition_id, business_key=f"S-{i}", state=first.state,
                                next_timer_at=first.next_timer_at, started_at=first.started_at)
                for i in range(chunk_start, min(chunk_start + CHUNK, n))]
        ids += [row.pk for row in ProcessInstance.objects.bulk_create(rows)]
        _progress("seeding", len(ids), n)
    return ids


def _engine_alone(sample: int) -> float:
    """Seconds per instance for the engine's own part of a fire, on the stored state."""
    from workflows.runtime.engine_env import runner_for
    from workflows.runtime.models import ProcessInstance

    instance = ProcessInstance.objects.select_related("definition").order_by("pk").first()
    runner = runner_for(instance.definition)
    started = time.perf_counter()
    for _ in range(sample):
        workflow = runner.restore(instance.state)
        runner.fire_due_timers(workflow)
        runner.dump(workflow)
    return (time.perf_counter() - started) / sample


def _worker(go, results, batch_size: int) -> None:
    """One sweeper process: its own connection, waits for the others, drains, reports (fired, seconds)."""
    from workflows.runtime.services.sweep import drain

    connections.close_all()  # never share the parent's socket
    go.wait()
    started = time.perf_counter()
    fired = drain(batch_size=batch_size).fired
    results.put((fired, time.perf_counter() - started))
    connections.close_all()


def _sweep(workers: int, batch_size: int) -> tuple[int, float]:
    """Run `workers` sweeper processes at once; returns (instances fired, wall seconds)."""
    context = multiprocessing.get_context("fork")  # children inherit the test database settings and the clock
    go, results = context.Barrier(workers + 1), context.Queue()
    connections.close_all()
    processes = [context.Process(target=_worker, args=(go, results, batch_size)) for _ in range(workers)]
    for process in processes:
        process.start()
    go.wait()
    started = time.perf_counter()
    outcomes = [results.get() for _ in processes]
    wall = time.perf_counter() - started
    for process in processes:
        process.join()
    return sum(fired for fired, _ in outcomes), wall


def _verify(ids: list[int]) -> list[str]:
    """Per instance: one timers_fired row, completed at its end event; and nothing of them left due."""
    from workflows.runtime.models import AuditEvent, ProcessInstance

    fired = dict(AuditEvent.objects.filter(action="timers_fired", instance_id__in=ids).values("instance_id")
                 .annotate(n=Count("id")).values_list("instance_id", "n"))
    twice = [pk for pk, n in fired.items() if n > 1]
    lost = [pk for pk in ids if pk not in fired]
    unfinished = ProcessInstance.objects.filter(pk__in=ids).exclude(status="completed", end_event="waited").count()
    due = ProcessInstance.objects.filter(pk__in=ids, next_timer_at__isnull=False).count()
    problems = [f"{len(twice)} fired twice" if twice else "", f"{len(lost)} never fired" if lost else "",
                f"{unfinished} not completed" if unfinished else "", f"{due} still due" if due else ""]
    return [p for p in problems if p]


def main(n: int, workers: int, sample: int = 1000) -> None:
    from workflows.runtime.clock import set_clock
    from workflows.runtime.models import ProcessInstance
    from workflows.runtime.services.sweep import BATCH_SIZE

    clock = FrozenClock(START)
    set_clock(clock)
    ids = _seed(n + sample)
    old_shape, shipped = ids[:sample], ids[sample:]
    due_at = ProcessInstance.objects.values_list("next_timer_at", flat=True).get(pk=ids[0])
    clock.advance(days=3)
    engine = _engine_alone(200)

    # The old shape (a transaction per instance, one worker) on its own sample, the others held back meanwhile.
    ProcessInstance.objects.filter(pk__in=shipped).update(next_timer_at=due_at + timedelta(days=30))
    rows = [("1 worker, a commit per instance", *_sweep(1, 1), old_shape)]
    ProcessInstance.objects.filter(pk__in=shipped).update(next_timer_at=due_at)
    rows.append((f"{workers} workers, batches of {BATCH_SIZE}", *_sweep(workers, BATCH_SIZE), shipped))

    print(f"timer sweep of due instances of a one-timer process ({connection.vendor}, {os.cpu_count()} cores)")
    print(f"| {'measurement':<34} | {'fired':>6} | {'wall s':>7} | {'per s':>7} | {'vs engine':>9} | {'checked':<40} |")
    print(f"|{'-' * 36}|{'-' * 8}|{'-' * 9}|{'-' * 9}|{'-' * 11}|{'-' * 42}|")
    print(f"| {'engine alone: restore, fire, dump':<34} | {'':>6} | {'':>7} | {1 / engine:7.0f} | {'100%':>9} "
          f"| {'':<40} |")
    failed = False
    for label, count, seconds, group in rows:
        rate = count / seconds if seconds else 0.0
        problems = _verify(group)
        failed = failed or bool(problems)
        checked = "; ".join(problems) if problems else f"all {len(group)}: fired once, completed"
        print(f"| {label:<34} | {count:6d} | {seconds:7.2f} | {rate:7.0f} | {rate * engine:9.0%} | {checked:<40} |")
    print("per s: instances fired per second of wall time; vs engine: that rate as a share of the engine alone's "
          "(one process); issue 7 target: 10,000 drained by two workers in at most 30 s")
    if failed:
        sys.exit("VERIFICATION FAILED")


if __name__ == "__main__":
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000, int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)
