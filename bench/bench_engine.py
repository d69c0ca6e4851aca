"""How fast the engine runs a leave request through its whole lifecycle.

    .venv/bin/python bench/bench_engine.py [-n 300] [--rule-set window_rules]

Three measurements over the same lifecycle (start → every approval → leave-start timer → report back):
  in memory        the workflow object stays alive between steps;
  saved each step  after every step the state is dumped to JSON text and restored, as the web app does
                   (bundle parsed once, as the app caches one per definition version);
  dump + restore   one mid-lifecycle state (waiting for the leave to start) to text and back.
Not part of the test suite (tests live in tests/; this file is not collected).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ, FrozenClock
from engine.runtime import EngineEnvironment, ProcessRunner
from engine.serializer import dumps
from engine.specs import load_bundle_from_files

ROOT = Path(__file__).resolve().parents[1]

SERVICES = ("leave.record_approvers", "leave.approve", "leave.reject", "leave.end", "leave.record_absence",
            "leave.send_back", "leave.remind_report_back")
# What leave.start hands the process (its report-back deadline and reminder times) for the leave below.
LEAVE_STARTED = {"report_back_due": "2026-03-09T23:59:59+08:00", "leave_ends_at": "2026-03-06T23:59:59+08:00",
                 "deadline_reminder_at": "2026-03-09T08:00:00+08:00"}
START = datetime(2026, 3, 2, 9, 0, tzinfo=CENTRE_TZ)
LEAVE = {
    "leave_request_id": 1,
    "applicant_id": 12,
    "applicant_name": "李四",
    "department_id": 10,
    "window_id": 101,
    "window_staff_count": 1,  # the longest route in every rule set: a substitute to confirm, then the chain
    "leave_type": "事假",
    "days": 3.0,
    "first_day": "2026-03-04",
    "last_day": "2026-03-06",
    "starts_at": "2026-03-04T09:00:00+08:00",
    "reason": "回老家办理房产过户手续",
    "proposed_substitute_id": 13,
    "has_sick_certificate": False,
}
ANSWERS = {
    "confirm_substitute": {"confirmed": True, "substitute_id": 13, "comment": "已安排顶岗"},
    "approval": {"decision": "approve", "comment": "同意"},
    "report_back": {"sick_certificate_supplied": False, "comment": "已返岗"},
}


def lifecycle(runner: ProcessRunner, clock: FrozenClock, save: Callable | None = None) -> int:
    """Run one request from start to `leave_closed`; `save(workflow)` returns the workflow to carry on with."""
    clock.set(START)
    keep = save or (lambda wf: wf)
    workflow = keep(runner.start(LEAVE))
    steps = 0
    while True:
        ready = runner.ready_human_tasks(workflow)
        if not ready:
            due = runner.next_timer_due(workflow)
            if due is None:
                break
            clock.set(due + timedelta(seconds=1))
            runner.fire_due_timers(workflow)
        else:
            task = ready[0]
            runner.complete(workflow, task.id, ANSWERS[task.meta.form], actor_id=0, candidates=(0,))
        workflow = keep(workflow)
        steps += 1
    assert runner.end_event(workflow) == "leave_closed", runner.end_event(workflow)
    return steps


def timed(label: str, n: int, fn: Callable[[], object]) -> None:
    fn()  # warm up (compiled expressions are cached)
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    mean = statistics.fmean(samples)
    p95 = sorted(samples)[int(0.95 * (len(samples) - 1))]
    print(f"{label:<18} mean {mean * 1e3:7.2f} ms   p95 {p95 * 1e3:7.2f} ms   {1 / mean:8.0f} /s/core")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=300, help="iterations per measurement (default 300)")
    parser.add_argument("--rule-set", default="window_rules", choices=("nileke", "shenxian", "window_rules"))
    args = parser.parse_args()

    t0 = time.perf_counter()
    bundle = load_bundle_from_files([ROOT / "bpmn" / "leave_approval.bpmn",
                                     ROOT / "bpmn" / f"leave_route_{args.rule_set}.dmn"])
    print(f"load + validate bundle ({args.rule_set}): {(time.perf_counter() - t0) * 1e3:.1f} ms (once per version)")

    clock = FrozenClock(START)
    services = {name: (lambda context, **params: {"ok": True}) for name in SERVICES}
    services["leave.start"] = lambda context, **params: LEAVE_STARTED
    runner = ProcessRunner(bundle, EngineEnvironment(clock, WorkingCalendar(), services))

    def save_and_restore(workflow):
        return runner.restore(json.loads(dumps(runner.dump(workflow))))

    steps = lifecycle(runner, clock)
    print(f"lifecycle: {steps} steps after start (human tasks and timers), n={args.n}")
    timed("in memory", args.n, lambda: lifecycle(runner, clock))
    timed("saved each step", args.n, lambda: lifecycle(runner, clock, save_and_restore))

    clock.set(START)
    waiting = runner.start(LEAVE)
    while ready := runner.ready_human_tasks(waiting):
        runner.complete(waiting, ready[0].id, ANSWERS[ready[0].meta.form], actor_id=0, candidates=(0,))
    text = dumps(runner.dump(waiting))
    print(f"state waiting for the leave start: {len(text.encode('utf-8'))} bytes of UTF-8 JSON (spec kept apart)")
    timed("dump + restore", args.n, lambda: save_and_restore(waiting))


if __name__ == "__main__":
    main()
