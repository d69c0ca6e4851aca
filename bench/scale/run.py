"""The scale benchmark's measurements in order, on a database that is already migrated (and thrown away after).

Order matters: the demo centre is measured first, then the centre is grown to its large size and the same
lifecycle measured again, and the inbox rows come last so they are not in the way of the writes before.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from django.db import connection

from bench.scale import inbox, open_tasks, sweep
from bench.scale.lifecycle import FILED_AT, EngineAlone, rate_in_parallel, second_window, through_services
from bench.scale.report import Row, as_engine, mean, p95, stage, timed_ms
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
    processes: int = 2  # running lifecycles at once, forked (1: in this process, e.g. inside a test transaction)
    engine_runs: int = 100
    officials: int = 2000
    past_pairs: int = 10_000
    few_tasks: int = 10
    many_tasks: int = 200
    few_instances: int = 6  # few tasks each: several instances, so the open count stays near `few_tasks`
    few_completions: int = 5  # per instance
    many_instances: int = 1
    many_completions: int = 30
    open_tasks: int = 10_000
    closed_tasks: int = 100_000
    due_timers: int = 2_000
    sweep_workers: int = 2
    repeat: int = 30


DEFAULT = Scale()
FULL = replace(DEFAULT, open_tasks=100_000, closed_tasks=1_000_000, due_timers=10_000)  # the issue's sizes
TINY = Scale(lifecycles=2, processes=1, engine_runs=3, officials=40, past_pairs=30, few_tasks=2, many_tasks=4,
             few_instances=1, few_completions=1, many_completions=2, open_tasks=200, closed_tasks=400, due_timers=5,
             sweep_workers=1, repeat=3)
ISSUE_DUE_TIMERS = 10_000


def _ms(samples: list[float]) -> str:
    return f"{mean(samples):.1f} ms mean, p95 {p95(samples):.1f}"


def run(scale: Scale, only_open_tasks: bool = False) -> list[Row]:
    """Every measurement, in table order (or the lifecycles and completions only); the clock is frozen for the run
    and given back after."""
    clock = FrozenClock(FILED_AT)
    set_clock(clock)
    try:
        bench = _Bench(scale, clock)
        if only_open_tasks:
            return [*bench.lifecycles(), *bench.completions()]
        return [*bench.lifecycles(), *bench.completions(), *bench.timers(), *bench.large_centre(), *bench.inbox()]
    finally:
        set_clock(SystemClock())


class _Bench:
    """The demo centre with the leave process deployed, and what the later measurements compare against."""

    def __init__(self, scale: Scale, clock: FrozenClock) -> None:
        self.scale, self.clock = scale, clock
        seed_demo_centre()
        self.definition = deploy_from_files(LEAVE_PROCESS, [BPMN_DIR / "leave_approval.bpmn",
                                                            BPMN_DIR / f"leave_route_{RULE_SET}.dmn"])
        people = {o.user.username: o for o in Official.objects.select_related("user")}
        self.demo_size = len(people)
        self.applicant, self.substitute = people["lisi"], people["chensx"]
        self.unit = 1.0  # ms of the engine-alone lifecycle, once measured
        self.small: list[float] = []
        self.added: list[int] = []

    def _lifecycle(self, count_sql: bool = False):
        return through_services(self.applicant, self.substitute, self.clock, count_sql)

    def lifecycles(self) -> list[Row]:
        stage(f"leave lifecycles: the engine alone, then the services in the demo centre ({self.demo_size} officials)")
        warm = self._lifecycle()  # also the data and answers the engine replays
        engine = EngineAlone(bundle_for(self.definition), working_calendar(), warm)
        assert engine.lifecycle() == warm.steps, "the engine alone walked another route than the services"
        engine_ms = [timed_ms(engine.lifecycle) for _ in range(self.scale.engine_runs)]
        self.unit = unit = mean(engine_ms)
        self.small = small = [self._lifecycle().ms for _ in range(self.scale.lifecycles)]
        statements = self._lifecycle(count_sql=True).statements
        return [*self._rows(unit, small, warm.steps, engine_ms, statements), self._parallel()]

    def _rows(self, unit: float, small: list[float], steps: int, engine_ms: list[float], statements: list[int]
              ) -> list[Row]:
        return [
            Row("engine alone: leave lifecycle saved after every step", f"{_ms(engine_ms)} ({steps} steps)",
                "the unit: 1.00× engine"),
            Row(f"services: leave lifecycle, demo centre ({self.demo_size} officials)",
                f"{_ms(small)}, {as_engine(mean(small), unit)}"),
            Row("engine share of the services lifecycle", f"{unit / mean(small):.0%}", "≥ 50%",
                unit / mean(small) >= 0.5),
            Row("services lifecycles per second, one process", f"{1000 / mean(small):.1f} /s", "≥ 30 /s",
                1000 / mean(small) >= 30),
            Row("SQL statements per task completion (BEGIN and COMMIT included)",
                f"{mean(statements):.1f} mean, {max(statements)} max", "≤ 8", max(statements) <= 8),
        ]

    def _parallel(self) -> Row:
        """The same lifecycle in several processes at once (the issue's 2 cores), each in a window of its own."""
        processes = self.scale.processes if connection.vendor == "postgresql" else 1  # SQLite: one writer
        stage(f"leave lifecycles in {processes} process(es) at once")
        pairs = [(self.applicant, self.substitute), *(second_window(self.applicant) for _ in range(processes - 1))]
        rate = rate_in_parallel(pairs, self.scale.lifecycles, self.clock)
        return Row(f"services lifecycles per second, {processes} process(es) at once", f"{rate:.1f} /s",
                   "≥ 30 /s on 2 cores", rate >= 30)

    def completions(self) -> list[Row]:
        scale, unit = self.scale, self.unit
        stage(f"task completions: instances with {scale.few_tasks} and with {scale.many_tasks} open tasks")
        few = open_tasks.measure(scale.few_tasks, scale.few_instances, scale.few_completions, self.applicant)
        many = open_tasks.measure(scale.many_tasks, scale.many_instances, scale.many_completions, self.applicant)
        few_p95, many_p95 = p95(few.services_ms), p95(many.services_ms)
        return [
            Row(f"engine alone: complete 1 task of {scale.many_tasks} open (restore, complete, dump)",
                f"p95 {p95(many.engine_ms):.1f} ms, {as_engine(p95(many.engine_ms), unit)}"),
            Row(f"engine alone: complete 1 task of {scale.many_tasks} open, workflow kept (complete, dump)",
                f"p95 {p95(many.kept_ms):.1f} ms; of {scale.few_tasks} open: p95 {p95(few.kept_ms):.1f} ms"),
            Row(f"complete 1 task, instance with {scale.few_tasks} open tasks",
                f"p95 {few_p95:.1f} ms, {as_engine(few_p95, unit)}"),
            Row(f"complete 1 task, instance with {scale.many_tasks} open tasks",
                f"p95 {many_p95:.1f} ms, {as_engine(many_p95, unit)}", "p95 ≤ 20 ms", many_p95 <= 20),
            Row(f"{scale.many_tasks} vs {scale.few_tasks} open tasks, p95 of a completion",
                f"{many_p95 / few_p95:.2f}×", "≤ 1.5×", many_p95 / few_p95 <= 1.5),
            Row(f"start an instance with {scale.many_tasks} open tasks",
                f"{mean(many.start_ms):.0f} ms, {as_engine(mean(many.start_ms), unit)}"),
        ]

    def timers(self) -> list[Row]:
        workers = self.scale.sweep_workers if connection.vendor == "postgresql" else 1  # SQLite: one writer
        stage(f"timer sweep: {self.scale.due_timers:,} due timers, {workers} worker(s)")
        drained = sweep.drain(self.scale.due_timers, workers, self.clock)
        rate = drained.count / drained.seconds
        per_fire = 1000 * drained.seconds * workers / drained.count
        projected = ISSUE_DUE_TIMERS / rate  # linear: each fire is one instance's own transaction
        return [
            Row(f"timer sweep: {drained.count:,} due timers, {workers} worker(s)",
                f"{drained.seconds:.1f} s, {rate:.0f} /s, {per_fire:.1f} ms per fire "
                f"({as_engine(per_fire, self.unit)}); {ISSUE_DUE_TIMERS:,} at this rate: {projected:.0f} s",
                f"{ISSUE_DUE_TIMERS:,} in ≤ 30 s by 2 workers", projected <= 30),
            Row("timer sweep: each instance fired exactly once",
                f"{drained.once:,} once, {drained.twice} twice, {drained.lost} lost", "none twice, none lost",
                drained.once == drained.count and not drained.twice and not drained.lost),
        ]

    def large_centre(self) -> list[Row]:
        stage(f"leave lifecycles in a centre of {self.scale.officials:,} officials")
        self.added = grow_centre(self.scale.officials, self.scale.past_pairs)
        self._lifecycle()  # warm: the grown org chart's first reads
        large = [self._lifecycle().ms for _ in range(self.scale.lifecycles)]
        ratio = mean(large) / mean(self.small)
        officials = Official.objects.count()
        return [
            Row(f"services: leave lifecycle, {officials:,} officials + {self.scale.past_pairs:,} past A/B pairs",
                f"{_ms(large)}, {as_engine(mean(large), self.unit)}"),
            Row("large centre vs demo centre lifecycle", f"{ratio:.2f}×", "≤ 1.2×", ratio <= 1.2),
        ]

    def inbox(self) -> list[Row]:
        """An official of the grown centre looks at their inbox among everyone's open and closed tasks."""
        scale = self.scale
        stage(f"inbox: {scale.open_tasks:,} open + {scale.closed_tasks:,} closed tasks")
        viewer = Official.objects.select_related("user").get(pk=self.added[0])
        fill_inbox(self.definition, viewer.pk, self.added[1:], scale.open_tasks, scale.closed_tasks, now())
        size = f"{scale.open_tasks:,} open + {scale.closed_tasks:,} closed"
        rows = [Row(f"inbox query: {label} ({size})",
                    f"p95 {p95(samples):.1f} ms, {as_engine(p95(samples), self.unit)}",
                    "p95 ≤ 30 ms at 100k + 1M", p95(samples) <= 30)
                for label, samples in inbox.time_queries(viewer, LEAVE_PROCESS, scale.repeat).items()]
        for path in ("/", "/?tab=done"):
            samples, count = inbox.time_page(viewer, path, scale.repeat)
            rows.append(Row(f"inbox page GET {path} ({size})",
                            f"p95 {p95(samples):.1f} ms, {count} SQL statements, {as_engine(p95(samples), self.unit)}",
                            "p95 ≤ 100 ms at 100k + 1M", p95(samples) <= 100))
        return rows
