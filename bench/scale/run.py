"""The scale benchmark's measurements in order, on a database that is already migrated (and thrown away after).

Order matters: the demo centre is measured first, then the centre is grown to its large size and the same
lifecycle measured again, and the inbox rows come last so they are not in the way of the writes before.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from django.db import connection

from bench.scale import inbox, open_tasks, sweep
from bench.scale.lifecycle import FILED_AT, EngineAlone, through_services
from bench.scale.report import Row, as_engine, mean, p95, timed_ms
from bench.scale.seed import fill_inbox, grow_centre
from engine.clock import FrozenClock, SystemClock
from workflows.leave.selectors import LEAVE_PROCESS
from workflows.org.demo import seed_demo_centre
from workflows.org.models import Official
from workflows.org.selectors import working_calendar
from workflows.runtime.clock import now, set_clock
from workflows.runtime.engine_env import bundle_for
from workflows.runtime.services.definitions import deploy_from_files

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
RULE_SET = "shenxian"  # what seed_demo deploys


@dataclass(frozen=True)
class Scale:
    """How much of everything: the default finishes in a few minutes on two cores."""

    lifecycles: int = 20
    engine_runs: int = 100
    officials: int = 2000
    past_pairs: int = 10_000
    few_tasks: int = 10
    many_tasks: int = 200
    few_instances: int = 6
    many_instances: int = 1
    completions_per_instance: int = 30
    open_tasks: int = 10_000
    closed_tasks: int = 100_000
    due_timers: int = 2_000
    sweep_workers: int = 2
    repeat: int = 30


DEFAULT = Scale()
FULL = replace(DEFAULT, open_tasks=100_000, closed_tasks=1_000_000, due_timers=10_000)  # the issue's sizes
TINY = Scale(lifecycles=2, engine_runs=3, officials=40, past_pairs=30, few_tasks=2, many_tasks=4, few_instances=1,
             completions_per_instance=2, open_tasks=200, closed_tasks=400, due_timers=5, sweep_workers=1, repeat=3)
ISSUE_DUE_TIMERS = 10_000


def _ms(samples: list[float]) -> str:
    return f"{mean(samples):.1f} ms mean, p95 {p95(samples):.1f}"


def run(scale: Scale) -> list[Row]:
    clock = FrozenClock(FILED_AT)
    set_clock(clock)
    try:
        return _measure(scale, clock)
    finally:
        set_clock(SystemClock())


def _measure(scale: Scale, clock: FrozenClock) -> list[Row]:
    seed_demo_centre()
    definition = deploy_from_files(LEAVE_PROCESS, [BPMN_DIR / "leave_approval.bpmn",
                                                   BPMN_DIR / f"leave_route_{RULE_SET}.dmn"])
    people = {o.user.username: o for o in Official.objects.select_related("user")}
    demo_size = len(people)
    applicant, substitute = people["lisi"], people["chensx"]

    warm = through_services(applicant, substitute, clock)  # also the data and answers the engine replays
    engine = EngineAlone(bundle_for(definition), working_calendar(), warm)
    assert engine.lifecycle() == warm.steps, "the engine alone walked another route than the services"
    engine_ms = [timed_ms(engine.lifecycle) for _ in range(scale.engine_runs)]
    unit = mean(engine_ms)
    small = [through_services(applicant, substitute, clock).ms for _ in range(scale.lifecycles)]
    statements = through_services(applicant, substitute, clock, count_sql=True).statements
    rows = [
        Row("engine alone: leave lifecycle saved after every step", f"{_ms(engine_ms)} ({warm.steps} steps)",
            "the unit: 1.00× engine"),
        Row(f"services: leave lifecycle, demo centre ({demo_size} officials)",
            f"{_ms(small)}, {as_engine(mean(small), unit)}"),
        Row("engine share of the services lifecycle", f"{unit / mean(small):.0%}", "≥ 50%",
            unit / mean(small) >= 0.5),
        Row("services lifecycles per second, one process", f"{1000 / mean(small):.1f} /s", "≥ 30 /s",
            1000 / mean(small) >= 30),
        Row("SQL statements per task completion", f"{mean(statements):.1f} mean, {max(statements)} max",
            "≤ 8", max(statements) <= 8),
    ]

    few = open_tasks.measure(scale.few_tasks, scale.few_instances, min(scale.completions_per_instance // 6 or 1,
                                                                       scale.few_tasks // 2), applicant)
    many = open_tasks.measure(scale.many_tasks, scale.many_instances, scale.completions_per_instance, applicant)
    rows += [
        Row(f"engine alone: complete 1 task of {scale.many_tasks} open (restore, complete, dump)",
            f"p95 {p95(many.engine_ms):.1f} ms, {as_engine(p95(many.engine_ms), unit)}"),
        Row(f"complete 1 task, instance with {scale.few_tasks} open tasks",
            f"p95 {p95(few.services_ms):.1f} ms, {as_engine(p95(few.services_ms), unit)}"),
        Row(f"complete 1 task, instance with {scale.many_tasks} open tasks",
            f"p95 {p95(many.services_ms):.1f} ms, {as_engine(p95(many.services_ms), unit)}", "p95 ≤ 20 ms",
            p95(many.services_ms) <= 20),
        Row(f"{scale.many_tasks} vs {scale.few_tasks} open tasks, p95 of a completion",
            f"{p95(many.services_ms) / p95(few.services_ms):.2f}×", "≤ 1.5×",
            p95(many.services_ms) / p95(few.services_ms) <= 1.5),
        Row(f"start an instance with {scale.many_tasks} open tasks",
            f"{mean(many.start_ms):.0f} ms, {as_engine(mean(many.start_ms), unit)}"),
    ]

    workers = scale.sweep_workers if connection.vendor == "postgresql" else 1  # SQLite: one writer at a time
    drained = sweep.drain(scale.due_timers, workers, clock)
    rate = drained.count / drained.seconds
    per_fire = 1000 * drained.seconds * workers / drained.count
    rows += [
        Row(f"timer sweep: {drained.count:,} due timers, {workers} worker(s)",
            f"{drained.seconds:.1f} s, {rate:.0f} /s, {per_fire:.1f} ms per fire ({as_engine(per_fire, unit)}); "
            f"{ISSUE_DUE_TIMERS:,} at this rate: {ISSUE_DUE_TIMERS / rate:.0f} s",
            f"{ISSUE_DUE_TIMERS:,} in ≤ 30 s by 2 workers", ISSUE_DUE_TIMERS / rate <= 30),
        Row("timer sweep: each instance fired exactly once",
            f"{drained.once:,} once, {drained.twice} twice, {drained.lost} lost", "none twice, none lost",
            drained.once == drained.count and not drained.twice and not drained.lost),
    ]

    added = grow_centre(scale.officials, scale.past_pairs)
    through_services(applicant, substitute, clock)  # warm: the grown org chart's first reads
    large = [through_services(applicant, substitute, clock).ms for _ in range(scale.lifecycles)]
    ratio = mean(large) / mean(small)
    rows += [
        Row(f"services: leave lifecycle, {Official.objects.count():,} officials + {scale.past_pairs:,} past A/B pairs",
            f"{_ms(large)}, {as_engine(mean(large), unit)}"),
        Row("large centre vs demo centre lifecycle", f"{ratio:.2f}×", "≤ 1.2×", ratio <= 1.2),
    ]

    viewer = Official.objects.select_related("user").get(pk=added[0])
    fill_inbox(definition, viewer.pk, added[1:], scale.open_tasks, scale.closed_tasks, now())
    size = f"{scale.open_tasks:,} open + {scale.closed_tasks:,} closed"
    for label, samples in inbox.time_queries(viewer, LEAVE_PROCESS, scale.repeat).items():
        rows.append(Row(f"inbox query: {label} ({size})", f"p95 {p95(samples):.1f} ms, {as_engine(p95(samples), unit)}",
                        "p95 ≤ 30 ms at 100k + 1M", p95(samples) <= 30))
    for path in ("/", "/?tab=done"):
        samples, count = inbox.time_page(viewer, path, scale.repeat)
        rows.append(Row(f"inbox page GET {path} ({size})",
                        f"p95 {p95(samples):.1f} ms, {count} SQL statements, {as_engine(p95(samples), unit)}",
                        "p95 ≤ 100 ms at 100k + 1M", p95(samples) <= 100))
    return rows
