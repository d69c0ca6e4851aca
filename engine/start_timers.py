"""The schedule of a timer start event: when a deployed definition starts an instance by itself.

SpiffWorkflow would start one instance and let its start event wait (a cycle would even run its successors
several times inside that one instance). govflow keeps the schedule outside the instance instead: each due
time starts a new instance (ProcessRunner.start_on_schedule), as BPMN means a timer start event. The due
times are computed here from the literal, so the schedule can be stored as one row and claimed by the sweep;
a start timer must therefore be a literal (refused at deploy otherwise: there is no instance data yet to
evaluate an expression with).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent

from engine.timers import after, kind_of, parse_cycle, parse_date, timer_definitions


@dataclass(frozen=True)
class StartTimer:
    element_id: str
    kind: str  # "date", "duration" or "cycle"
    literal: str | None  # the ISO 8601 text, None when the expression computes it


@dataclass(frozen=True)
class Due:
    """One due time of a schedule and what follows it: `remaining` firings after this one (-1: without end),
    each `period` (an ISO 8601 duration, "" for a single firing) after the one before."""

    at: datetime
    remaining: int
    period: str


def start_timers(process_spec) -> list[StartTimer]:
    """The timer start events of a process (its own, not those of its subprocesses)."""
    timers = []
    for task_spec in process_spec.task_specs.values():
        if not isinstance(task_spec, StartEvent):
            continue
        for definition in timer_definitions(task_spec.event_definition):
            timers.append(StartTimer(task_spec.bpmn_id, kind_of(definition), _literal(definition.expression)))
    return timers


def _literal(expression: str | None) -> str | None:
    try:
        value = ast.literal_eval((expression or "").strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, str) else None


def first_due(timer: StartTimer, deployed_at: datetime) -> Due | None:
    """The first due time of a schedule that begins at `deployed_at` (None: a cycle of zero repetitions)."""
    if timer.literal is None:
        raise ValueError(f"start timer {timer.element_id} has no literal")
    if timer.kind == "date":
        return Due(parse_date(timer.literal), 0, "")
    if timer.kind == "duration":
        return Due(after(deployed_at, timer.literal), 0, "")
    repetitions, first, period = parse_cycle(timer.literal, deployed_at)
    if repetitions == 0:
        return None
    return Due(first, repetitions - 1 if repetitions > 0 else -1, period)


def next_due(due: Due) -> Due | None:
    """The due time after `due`, or None when the schedule has no more."""
    if due.remaining == 0:
        return None
    return Due(after(due.at, due.period), due.remaining - 1 if due.remaining > 0 else -1, due.period)
