"""A human task's transitions and the one rule of who may act on it.

Every move of a task row (claim, complete; transfer, delegate, send back … as they come) is a
function here, and every page, API view and service asks `may_complete` / `may_claim` rather than
repeating the rule. A completion hands the actor and the time to the process inside the task's
result (`completed_by`, `completed_at`), so service tasks that follow in the same engine step read
them from the data instead of from a row closed early.

A transition that loses a race (someone else claimed or completed the task meanwhile) raises
`TaskTaken`, which says who did it and when, so the page can keep what the official typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from engine.errors import NotAllowed
from engine.runtime import ProcessRunner
from workflows.org.models import Official
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.errors import Conflict
from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance
from workflows.runtime.services.instances import instance_of_task, lock_instance, raise_if_busy, write_instance


class TaskTaken(Conflict):
    """The task was claimed or completed by someone else first; the message names them and the time."""

    def __init__(self, task: HumanTask, message: str) -> None:
        self.task_id = task.pk
        super().__init__(message)


def _is_candidate(task: HumanTask, official: Official) -> bool:
    return task.candidates.filter(pk=official.pk).exists()


def may_complete(task: HumanTask, official: Official) -> bool:
    """Open, and either assigned to the official or unclaimed with the official among its candidates."""
    if task.state != HumanTask.OPEN:
        return False
    if task.assignee_id is not None:
        return task.assignee_id == official.pk
    return _is_candidate(task, official)


def may_claim(task: HumanTask, official: Official) -> bool:
    return task.state == HumanTask.OPEN and task.assignee_id is None and _is_candidate(task, official)


def _local(at: datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def _claimed_at(task: HumanTask) -> datetime | None:
    event = AuditEvent.objects.filter(task=task, action="task_claimed").order_by("-at", "-id").first()
    return event.at if event else None


def _refuse_if_taken(task: HumanTask, actor: Official) -> None:
    """NotAllowed for an official the task was never meant for; else TaskTaken when the task was closed, or
    claimed by another official, before this actor got to it. `task` as `_task_row` read it for `actor`."""
    if task.assignee_id != actor.pk and not task.actor_is_candidate:
        raise NotAllowed(actor.pk, task.title)
    if task.state == HumanTask.COMPLETED:
        who = task.completed_by.name if task.completed_by else _("another official")
        raise TaskTaken(task, _("This task was already handled by %(who)s at %(at)s.")
                        % {"who": who, "at": _local(task.completed_at)})
    if task.state != HumanTask.OPEN:
        raise TaskTaken(task, _("This task was withdrawn by the process at %(at)s.")
                        % {"at": _local(task.completed_at) if task.completed_at else "—"})
    if task.assignee_id is not None and task.assignee_id != actor.pk:
        at = _claimed_at(task)
        raise TaskTaken(task, _("This task was claimed by %(who)s at %(at)s.")
                        % {"who": task.assignee.name, "at": _local(at) if at else "—"})


def _task_row(task_id: int, actor: Official) -> HumanTask:
    """The task and whether `actor` is a candidate: one statement (who holds or closed it is read on a refusal)."""
    return _with_candidacy(HumanTask.objects.all(), actor).get(pk=task_id)


def _with_candidacy(tasks: QuerySet[HumanTask], actor: Official) -> QuerySet[HumanTask]:
    candidate = HumanTask.candidates.through.objects.filter(humantask_id=OuterRef("pk"), official_id=actor.pk)
    return tasks.annotate(actor_is_candidate=Exists(candidate))


def _locked_task_row(task_id: int, actor: Official, wait: bool) -> HumanTask | None:
    """The task row with its instance (and definition) locked.

    Without waiting, one statement: both rows locked NOWAIT, so that what it returns is their latest versions
    (a lock that waited could pair a fresh instance row with a stale task row); LockBusy if another write holds
    either. Waiting, the instance is locked first, as every other write does, then the task row is read.
    """
    if wait and connection.features.has_select_for_update:
        instance = lock_instance(instance_of_task(task_id))
        if instance is None:
            return None
        task = _task_row(task_id, actor)
        task.instance = instance
        return task
    tasks = _with_candidacy(HumanTask.objects.select_related("instance__definition")
                            .defer("instance__definition__sources"), actor)
    if connection.features.has_select_for_update:  # SQLite: the write's IMMEDIATE transaction is the lock
        tasks = tasks.select_for_update(nowait=True, of=("self", "instance"))
    try:
        return tasks.filter(pk=task_id).first()
    except OperationalError as exc:
        raise_if_busy(exc)
        raise


def claim_task(task_id: int, actor: Official) -> HumanTask:
    """Take an unclaimed task of one of the actor's roles; claiming one's own claimed task again is a no-op."""
    with transaction.atomic():
        lock_instance(instance_of_task(task_id))
        task = _task_row(task_id, actor)
        _refuse_if_taken(task, actor)
        if task.assignee_id == actor.pk:
            return task
        task.assignee = actor
        task.save(update_fields=["assignee"])
        audit.record("task_claimed", task=task, actor=actor, message=task.title)
        return task


def _outcome(form_data: Mapping[str, Any]) -> str:
    return str(form_data.get("decision", form_data.get("confirmed", "done")))[:50]


def complete_task(task_id: int, actor: Official, form_data: Mapping[str, Any]) -> HumanTask:
    """Complete an open task as `actor`; whoever comes second gets TaskTaken naming the first.

    The row is closed before the engine runs, so the services the step calls see the task as done (a leave
    ending re-resolves the open tasks of the official, not the one being completed); a failure rolls it back.
    """
    rows: dict[str, HumanTask] = {}

    def lock(wait: bool) -> ProcessInstance | None:
        task = _locked_task_row(task_id, actor, wait)
        if task is None:
            return None
        rows["task"] = task
        return task.instance

    def work(instance: ProcessInstance, runner: ProcessRunner, workflow) -> None:
        task = rows["task"]
        _refuse_if_taken(task, actor)
        at = now()
        task.state = HumanTask.COMPLETED
        task.outcome = _outcome(form_data)
        task.completed_by = actor
        task.completed_at = at
        task.save(update_fields=["state", "outcome", "completed_by", "completed_at"])
        runner.complete(workflow, task.engine_task_id, form_data, actor.pk, [actor.pk], completed_at=at)
        audit.record("task_completed", task=task, actor=actor, message=task.title, after=dict(form_data))

    write_instance(instance_of_task(task_id), work, lock=lock)
    return rows["task"]
