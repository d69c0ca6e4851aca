"""Calendar overrides: the administrator's write, and the open deadlines it moves, in one transaction.

Task due dates and pending timers were counted in working days when they were set; an override
entered later (a holiday announced late, a make-up working day) moves each open one that came from
the calendar, with one audit entry per moved deadline (old → new). Counting rule: engine.calendar.
A deadline a family's service counted and stored as data (an appeal window, a report-back deadline)
is counted again by the family's rules (registry.StoredDeadlines) and moved in the data, on its record,
in the timers that read it and in the due date of a task that takes it (`due_variable`).
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
from workflows.runtime.registry import StoredDeadlines, family_of

# The instance-lock write path of runtime.services.instances: lock, run, save state and next_timer_at, bump revision.
from workflows.runtime.services.instances import write_instance
from workflows.runtime.task_sync import due_soon_at


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
    moved = _move_task_due_dates(reason, actor) + _move_task_timeouts(reason, actor) + sum(
        _move_instance_deadlines(instance_id, reason, actor)
        for instance_id in ProcessInstance.objects.filter(status=ProcessInstance.RUNNING, next_timer_at__isnull=False)
        .values_list("pk", flat=True)
    )
    _move_due_soon_warnings()
    return moved


def _moved(what: str, old: datetime, new: datetime, reason: str) -> str:
    """The timeline's words for one moved deadline: what, from which day to which, and why."""
    day = "%Y-%m-%d"
    return f"{what}期限由{old.astimezone(CENTRE_TZ):{day}}改为{new.astimezone(CENTRE_TZ):{day}}（{reason}）"


def _move_task_due_dates(reason: str, actor: Official | None) -> int:
    tasks = HumanTask.objects.filter(state=HumanTask.OPEN, due_working_days__isnull=False, due_at__isnull=False)
    return _recount_task_times(tasks, "due_at", "due_working_days", "due", lambda task: task.title, reason, actor)


def _move_task_timeouts(reason: str, actor: Official | None) -> int:
    """Open tasks whose timeout rule has not acted yet: their timeout is counted again from when they opened."""
    tasks = HumanTask.objects.filter(state=HumanTask.OPEN, timeout_working_days__isnull=False,
                                     timeout_done_at__isnull=True)
    return _recount_task_times(tasks, "timeout_at", "timeout_working_days", "timeout",
                               lambda task: f"{task.title}超时处理", reason, actor)


def _recount_task_times(tasks, field: str, days_field: str, key: str, what, reason: str,
                        actor: Official | None) -> int:
    """Count each task's `field` again as `days_field` working days from when it opened; each one the calendar moved
    is saved and audited ("deadline_moved", `key` before and after). Returns how many moved."""
    calendar = working_calendar()
    moved = 0
    for task in tasks.select_related("instance"):
        old, new = getattr(task, field), calendar.deadline(task.created_at, getattr(task, days_field))
        if new == old:
            continue
        setattr(task, field, new)
        task.save(update_fields=[field])
        audit.record("deadline_moved", task=task, actor=actor, message=_moved(what(task), old, new, reason),
                     before={key: old.astimezone(CENTRE_TZ).isoformat()}, after={key: new.isoformat()})
        moved += 1
    return moved


def _move_due_soon_warnings() -> None:
    """The due-soon warning of the open tasks not warned yet follows their deadline, moved or not (a day between
    the warning and the deadline may have changed); not audited: the deadline's own move is."""
    calendar = working_calendar()
    tasks = HumanTask.objects.filter(state=HumanTask.OPEN, due_at__isnull=False, due_soon_notified_at__isnull=True,
                                     deadline_notices=True)
    for pk, due_at, created_at, warned_at in tasks.values_list("pk", "due_at", "created_at", "due_soon_at"):
        warn = due_soon_at(due_at, created_at, calendar)
        if warn != warned_at:
            HumanTask.objects.filter(pk=pk).update(due_soon_at=warn)


def _stored_deadlines(instance: ProcessInstance) -> StoredDeadlines | None:
    family = family_of(instance.definition.key)
    return family.stored_deadlines if family else None


def _recount(instance: ProcessInstance, runner: ProcessRunner, workflow) -> tuple[dict[str, str], list[MovedTimer]]:
    """Move `workflow`'s deadlines: the family's stored ones first (timers read them), then every pending timer."""
    moved_values: dict[str, str] = {}
    stored = _stored_deadlines(instance)
    if stored is not None:
        values = stored.recount(instance, runner.open_data(workflow))
        moved_values = {name: values[name] for name in runner.set_variables(workflow, values)}
    return moved_values, runner.recompute_timers(workflow)


def _move_due_variables(instance: ProcessInstance, runner: ProcessRunner, workflow, reason: str,
                        actor: Official | None) -> int:
    """Open tasks due at a variable's time (`due_variable`) follow the variable when it moved."""
    dues = {ready.id: datetime.fromisoformat(ready.data[ready.meta.due_variable])
            for ready in runner.ready_human_tasks(workflow)
            if ready.meta.due_variable and ready.data.get(ready.meta.due_variable)}
    moved = 0
    tasks = HumanTask.objects.filter(instance=instance, state=HumanTask.OPEN, due_at__isnull=False,
                                     engine_task_id__in=list(dues))
    for task in tasks:
        due = dues[task.engine_task_id]
        if due == task.due_at:
            continue
        old = task.due_at
        task.due_at = due
        task.save(update_fields=["due_at"])
        audit.record("deadline_moved", task=task, actor=actor, message=_moved(task.title, old, due, reason),
                     before={"due": old.astimezone(CENTRE_TZ).isoformat()}, after={"due": due.isoformat()})
        moved += 1
    return moved


def _move_instance_deadlines(instance_id: int, reason: str, actor: Official | None) -> int:
    instance = ProcessInstance.objects.select_related("definition").get(pk=instance_id)
    runner = runner_for(instance.definition)
    values, timers = _recount(instance, runner, runner.restore(instance.state))
    if not values and not timers:  # a look without the lock spares most writes
        return 0
    moved: list[int] = []

    def work(instance: ProcessInstance, runner: ProcessRunner, workflow) -> None:
        values, timers = _recount(instance, runner, workflow)
        if values:
            _stored_deadlines(instance).store(instance, values)
        for timer in timers:
            message = _moved(timer.name, datetime.fromisoformat(timer.old_due), datetime.fromisoformat(timer.new_due),
                             reason)
            audit.record("deadline_moved", instance=instance, actor=actor, message=message,
                         before={"due": timer.old_due, "element": timer.element_id},
                         after={"due": timer.new_due, "element": timer.element_id})
        moved.append(len(timers) + _move_due_variables(instance, runner, workflow, reason, actor))

    try:
        write_instance(instance_id, work)
    except (Conflict, ExecutionError):  # stopped or errored meanwhile: its timers wait for a retry, not for this
        return 0
    return sum(moved)
