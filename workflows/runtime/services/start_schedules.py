"""Deploying a definition with a timer start event: its schedule, one row per timer start event.

Why a row (StartSchedule) rather than an instance waiting at its start event: an instance is one case, and a
cycle must start one case per due time (services.scheduled_starts does, from the sweep). What "latest version"
means: deploying a version writes its rows, the first due time counted from the deploy, and stops those of the
older versions of the key, whether or not the new version still has a timer start event. The latest version
owns the schedule and begins its cycle afresh; instances the old schedule started run on under their version.
"""

from __future__ import annotations

from datetime import datetime

from engine.specs import SpecBundle
from engine.start_timers import first_due, start_timers
from workflows.runtime import audit
from workflows.runtime.models import ProcessDefinition, StartSchedule


def schedule_starts(definition: ProcessDefinition, bundle: SpecBundle, since: datetime | None = None) -> None:
    """Give a newly deployed (or again activated) version its start schedules and stop the other versions' (inside
    the deploy's transaction); the first due time counts from `since`, the deploy by default."""
    stopped = StartSchedule.objects.filter(definition__key=definition.key, active=True).exclude(definition=definition)
    for row in stopped.select_related("definition"):
        audit.record("start_schedule_stopped", message=f"{row.definition} {row.element_id}",
                     after={"replaced_by": definition.version})
    stopped.update(active=False)
    for timer in start_timers(bundle.spec):
        due = first_due(timer, since or definition.deployed_at)
        row, _ = StartSchedule.objects.update_or_create(
            definition=definition, element_id=timer.element_id, defaults={
                "active": due is not None, "next_due_at": due.at if due else None,
                "remaining": due.remaining if due else 0, "period": due.period if due else ""},
        )
        audit.record("start_schedule_set", message=f"{definition} {timer.element_id}",
                     after={"timer": timer.literal,
                            "next_due_at": row.next_due_at.isoformat() if row.next_due_at else None})
