"""Calendar overrides: the administrator's write, and the open deadlines it moves, in one transaction.

Task due dates and pending timers were counted in working days when they were set; an override
entered later (a holiday announced late, a make-up working day) moves each open one that came from
the calendar, with one audit entry per moved deadline (old → new). Counting rule: engine.calendar.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from engine.clock import CENTRE_TZ
from engine.errors import ExecutionError
from engine.runtime import MovedTimer, ProcessRunner
from workflows.org.models import CalendarOverride, Official
from workflows.org.selectors import working_calendar
from workflows.runtime import audit
from workflows.runtime.engine_env import runner_for
from workflows.runtime.errors import Conflict
from workflows.runtime.models import HumanTask, ProcessInstance

# The instance-lock write path of runtime.services.instances: lock, run, save state and next_timer_at, bump revision.
from workflows.runtime.services.instances import write_instance


def save_override(override: CalendarOverride, actor: Official | None = None) -> int:
    """Save a new or changed override and move the deadlines it changes; returns how many moved."""
    with transaction.atomic():
        before = (CalendarOverride.objects.filter(pk=override.pk).values("day", "kind").first()
                  if override.pk else None)
        override.save()
        audit.record("calendar_override_saved", actor=actor, message=_describe(override),
                     before={k: str(v) for k, v in before.items()} if before else None,
                     after={"day": override.day.isoformat(), "kind": override.kind, "note": override.note})
        return move_deadlines(f"日历调整：{_describe(override)}", actor)


def delete_override(override: CalendarOverride, actor: Official | None = None) -> int:
    """Remove an override (the statutory calendar applies again to that day) and move the deadlines back."""
    with transaction.atomic():
        described = _describe(override)
        override.delete()
        audit.record("calendar_override_deleted", actor=actor, message=described)
        return move_deadlines(f"撤销日历调整：{described}", actor)


def _describe(override: CalendarOverride) -> str:
    return f"{override.day.isoformat()} {override.get_kind_display()}"


def move_deadlines(reason: str, actor: Official | None = None) -> int:
    """Recount every open deadline that came from the calendar; returns how many moved."""
    return _move_task_due_dates(reason, actor) + sum(
        _move_timers(instance_id, reason, actor)
        for instance_id in ProcessInstance.objects.filter(status=ProcessInstance.RUNNING, next_timer_at__isnull=False)
        .values_list("pk", flat=True)
    )


def _moved(what: str, old: datetime, new: datetime, reason: str) -> str:
    """The timeline's words for one moved deadline: what, from which day to which, and why."""
    day = "%Y-%m-%d"
    return f"{what}期限由{old.astimezone(CENTRE_TZ):{day}}改为{new.astimezone(CENTRE_TZ):{day}}（{reason}）"


def _move_task_due_dates(reason: str, actor: Official | None) -> int:
    calendar = working_calendar()
    moved = 0
    tasks = HumanTask.objects.filter(state=HumanTask.OPEN, due_working_days__isnull=False, due_at__isnull=False)
    for task in tasks.select_related("instance"):
        due = calendar.deadline(task.created_at, task.due_working_days)
        if due == task.due_at:
            continue
        old = task.due_at
        task.due_at = due
        task.save(update_fields=["due_at"])
        old_due = old.astimezone(CENTRE_TZ)
        audit.record("deadline_moved", task=task, actor=actor, message=_moved(task.title, old_due, due, reason),
                     before={"due": old_due.isoformat()}, after={"due": due.isoformat()})
        moved += 1
    return moved


def _move_timers(instance_id: int, reason: str, actor: Official | None) -> int:
    instance = ProcessInstance.objects.select_related("definition").get(pk=instance_id)
    runner = runner_for(instance.definition)
    if not runner.recompute_timers(runner.restore(instance.state)):  # a look without the lock spares most writes
        return 0
    moved: list[MovedTimer] = []

    def work(instance: ProcessInstance, runner: ProcessRunner, workflow) -> None:
        moved.extend(runner.recompute_timers(workflow))
        for timer in moved:
            message = _moved(timer.name, datetime.fromisoformat(timer.old_due), datetime.fromisoformat(timer.new_due),
                             reason)
            audit.record("deadline_moved", instance=instance, actor=actor, message=message,
                         before={"due": timer.old_due, "element": timer.element_id},
                         after={"due": timer.new_due, "element": timer.element_id})

    try:
        write_instance(instance_id, work)
    except (Conflict, ExecutionError):  # stopped or errored meanwhile: its timers wait for a retry, not for this
        return 0
    return len(moved)
