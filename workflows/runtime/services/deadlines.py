"""The deadline watch: due-soon and overdue notices, and each step's timeout rule, run by the timer sweep.

`watch_deadlines` runs at the start of every drain (services.sweep: in-process timers or Celery beat), so whoever
sweeps timers also watches deadlines. Three kinds, each one indexed range over the open rows still waiting for it
(partial indexes task_open_due_soon, task_open_overdue, task_open_timeout): its cost follows what is due now, not
the age of the centre.

Once, whatever the number of sweepers: each kind has a marker on the task row (`due_soon_notified_at`,
`overdue_notified_at`, `timeout_done_at`), set in the transaction that sends the notice or takes the action.
Notices are claimed a batch at a time with FOR UPDATE SKIP LOCKED (two workers take different rows); a timeout
action locks its instance first, as every write does, without waiting (SKIP LOCKED: a busy instance is left for
the next sweep), then reads the row again and acts only if its marker is still empty. On SQLite the IMMEDIATE
transaction serialises sweepers instead. Markers rather than a table of sent notices: one row per task either
way, and the markers live on the row the inbox already reads.

The timeout rule (`timeout_action`): remind the holders; approve or reject through the normal completion path as
the system (`completed_by` empty, the comment says why); or escalate to a role, flagged like `escalated`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from engine.errors import ExecutionError, Refusal
from engine.runtime import ProcessRunner
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.errors import Conflict
from workflows.runtime.models import HumanTask, Notification, ProcessInstance
from workflows.runtime.services.instances import lock_instance, write_instance
from workflows.runtime.services.notifications import notify_all
from workflows.runtime.task_sync import escalate_task

log = logging.getLogger(__name__)

BATCH_SIZE = 200
AUTO_COMMENT = {"approve": "超时自动同意", "reject": "超时自动不同意"}


@dataclass
class Watch:
    """What one watch did: notices sent (tasks, not recipients) and timeout rules applied."""

    due_soon: int = 0
    overdue: int = 0
    timeouts: int = 0

    def __bool__(self) -> bool:
        return bool(self.due_soon or self.overdue or self.timeouts)


def watch_deadlines(batch_size: int = BATCH_SIZE) -> Watch:
    """Send every due notice and apply every reached timeout rule this worker can claim."""
    return Watch(due_soon=_all_notices(Notification.DUE_SOON, batch_size),
                 overdue=_all_notices(Notification.OVERDUE, batch_size),
                 timeouts=_apply_timeouts(batch_size))


def _due(kind: str) -> QuerySet[HumanTask]:
    at = now()
    if kind == Notification.DUE_SOON:
        return (HumanTask.objects.filter(state=HumanTask.OPEN, due_soon_notified_at__isnull=True,
                                         due_soon_at__isnull=False, due_soon_at__lte=at)
                .order_by("due_soon_at", "id"))
    return (HumanTask.objects.filter(state=HumanTask.OPEN, overdue_notified_at__isnull=True, deadline_notices=True,
                                     due_at__isnull=False, due_at__lt=at).order_by("due_at", "id"))


def _all_notices(kind: str, batch_size: int) -> int:
    """Batches until none is left that this worker may take; how many tasks were told."""
    told = 0
    while True:
        sent, full = _notice_batch(kind, batch_size)
        told += sent
        if not full:
            return told


def _notice_batch(kind: str, batch_size: int) -> tuple[int, bool]:
    """Notify one batch of `kind`: (tasks told, whether the batch was full). A look without a lock comes first, so
    an idle sweep costs one statement per kind (and takes no write lock on SQLite)."""
    if not _due(kind)[:1].exists():
        return 0, False
    with transaction.atomic():
        tasks = _due(kind).select_related("instance")
        if connection.features.has_select_for_update_skip_locked:
            tasks = tasks.select_for_update(skip_locked=True, of=("self",))
        tasks = list(tasks[:batch_size])
        if not tasks:
            return 0, False
        at = now()
        holders = _holders(tasks)
        rows: list[Notification] = []
        events = []
        for task in tasks:
            due = timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M")
            if kind == Notification.DUE_SOON:
                if task.due_at <= at:  # overdue before any sweep warned: the overdue notice says it
                    continue
                rows += _notices(holders[task.pk], task, kind,
                                 f"待办即将到期：{task.title}（{task.case_number}），请于{due}前办理")
                events.append(audit.event("task_due_soon", task=task, message=f"{task.title}：期限{due}，已提醒办理人"))
                continue
            rows += _notices(holders[task.pk], task, kind, f"待办已逾期：{task.title}（{task.case_number}），期限{due}")
            initiator = task.instance.started_by_id
            if initiator is not None and initiator not in holders[task.pk]:
                rows += _notices([initiator], task, kind,
                                 f"您发起的{task.case_number}中“{task.title}”已逾期（期限{due}）")
            events.append(audit.event("task_overdue", task=task, message=f"{task.title}：期限{due}，已逾期"))
        marker = "due_soon_notified_at" if kind == Notification.DUE_SOON else "overdue_notified_at"
        HumanTask.objects.filter(pk__in=[task.pk for task in tasks]).update(**{marker: at})
        notify_all(rows)
        audit.record_all(events)
    return len(tasks), len(tasks) == batch_size


def _notices(recipients, task: HumanTask, kind: str, message: str) -> list[Notification]:
    return [Notification(recipient_id=official_id, instance_id=task.instance_id, task=task, kind=kind,
                         message=message) for official_id in dict.fromkeys(recipients)]


def _holders(tasks: list[HumanTask]) -> dict[int, list[int]]:
    """Who holds each task now: its assignee, else its candidates (one query for all the unclaimed ones)."""
    holders: dict[int, list[int]] = {task.pk: [task.assignee_id] for task in tasks if task.assignee_id}
    pooled = [task.pk for task in tasks if not task.assignee_id]
    for task_id in pooled:
        holders[task_id] = []
    for task_id, official_id in (HumanTask.candidates.through.objects.filter(humantask_id__in=pooled)
                                 .order_by("official_id").values_list("humantask_id", "official_id")):
        holders[task_id].append(official_id)
    return holders


# --- timeout rules --------------------------------------------------------------------------------------------


class _Busy(Exception):
    """Another write holds the instance: the task is left for the next sweep."""


class _Done(Refusal):
    """The row changed meanwhile (completed, already acted on, its timeout moved): nothing to do."""


def _apply_timeouts(batch_size: int) -> int:
    """Apply the timeout rule of every open task whose timeout is reached; how many were applied."""
    applied = 0
    passed: set[int] = set()
    while True:
        due = (HumanTask.objects.filter(state=HumanTask.OPEN, timeout_done_at__isnull=True, timeout_at__isnull=False,
                                        timeout_at__lte=now()).exclude(pk__in=passed)
               .order_by("timeout_at", "id").values_list("pk", "instance_id", "timeout_action")[:batch_size])
        rows = list(due)
        for task_id, instance_id, action in rows:
            try:
                applied += _apply(task_id, instance_id, action)
            except (_Busy, Conflict, DatabaseError):  # the next sweep tries again
                log.info("deadline watch: task %s left for the next sweep", task_id)
            except ExecutionError as exc:  # the completion's next steps failed: the instance shows the error
                log.warning("deadline watch: task %s: %s", task_id, exc)
            passed.add(task_id)
        if len(rows) < batch_size:
            return applied


def _locked(instance_id: int) -> ProcessInstance:
    instance = lock_instance(instance_id, skip_locked=True)
    if instance is None:
        raise _Busy
    return instance


def _fresh(task_id: int) -> HumanTask:
    """The row again, under the instance lock; _Done if its timeout is no longer due or was already applied."""
    task = HumanTask.objects.select_related("instance").get(pk=task_id)
    if task.state != HumanTask.OPEN or task.timeout_done_at is not None or task.timeout_at is None \
            or task.timeout_at > now():
        raise _Done("")
    return task


def _apply(task_id: int, instance_id: int, action: str) -> bool:
    if action in AUTO_COMMENT:
        return _decide(task_id, instance_id, action)
    try:
        with transaction.atomic(), audit.batched():
            instance = _locked(instance_id)
            task = _fresh(task_id)
            task.instance = instance
            task.timeout_done_at = now()
            if action == "escalate":
                escalate_task(task)
            else:
                _remind(task)
            task.save(update_fields=["timeout_done_at"])
    except _Done:
        return False
    return True


def _remind(task: HumanTask) -> None:
    holders = _holders([task])[task.pk]
    notify_all(_notices(holders, task, Notification.TIMEOUT,
                        f"待办已超时：{task.title}（{task.case_number}），请尽快办理"))
    audit.record("task_timeout_reminded", task=task, message=f"{task.title}：超时未办理，已提醒办理人")


def _decide(task_id: int, instance_id: int, decision: str) -> bool:
    """Complete the task as the system with the rule's decision, through the one write path (write_instance)."""

    def work(instance: ProcessInstance, runner: ProcessRunner, workflow) -> None:
        task = _fresh(task_id)
        at = now()
        data = {"decision": decision, "comment": AUTO_COMMENT[decision]}
        task.state = HumanTask.COMPLETED
        task.outcome = decision
        task.completed_by = None
        task.completed_at = task.timeout_done_at = at
        task.save(update_fields=["state", "outcome", "completed_by", "completed_at", "timeout_done_at"])
        runner.complete(workflow, task.engine_task_id, data, None, (), completed_at=at)
        audit.record(f"task_timeout_{'approved' if decision == 'approve' else 'rejected'}", task=task,
                     message=f"{task.title}：{AUTO_COMMENT[decision]}", after=data)

    try:
        write_instance(instance_id, work, lock=lambda wait: _locked(instance_id))
    except _Done:
        return False
    return True
