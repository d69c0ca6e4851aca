"""催办: the initiator of a case, or a centre leader, urges the holders of an overdue open task.

Urging tells whoever holds the task (its assignee, else every candidate) by a notification; it is refused
before the task's due time has passed, and the same official may urge the same task once per URGE_INTERVAL
(the refusal says when again), so a reminder stays a reminder. Each urge is one audit row (`task_urged`) in
the case's history, which is also where the interval is counted from."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.org.models import Official
from workflows.org.selectors import is_centre_leader
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.errors import Forbidden, InvalidInput, TooSoon
from workflows.runtime.models import AuditEvent, HumanTask, Notification
from workflows.runtime.selectors import holders_of
from workflows.runtime.services.instances import lock_instance
from workflows.runtime.services.notifications import notify

URGE_INTERVAL = timedelta(hours=4)


def urge_refusal(task: HumanTask, official: Official, leader: bool | None = None) -> str | None:
    """Why `official` may not urge `task` now (not counting the interval), or None when they may. `leader`:
    whether the official is a centre leader, when the caller already knows."""
    if task.state != HumanTask.OPEN:
        return _("This task is no longer open.")
    if task.instance.started_by_id != official.pk and not (is_centre_leader(official) if leader is None else leader):
        return _("Only the initiator of the case or a centre leader may urge a task.")
    if task.due_at is None or task.due_at >= now():
        return _("Only an overdue task may be urged.")
    return None


def may_urge(task: HumanTask, official: Official) -> bool:
    """Whether the page shows the urge button (the interval is checked when it is pressed)."""
    return urge_refusal(task, official) is None


def urgeable(tasks: list[HumanTask], official: Official) -> set[int]:
    """The ids of the tasks a page shows an urge button on (one query at most, for the leader check)."""
    overdue = [t for t in tasks if t.state == HumanTask.OPEN and t.due_at is not None and t.due_at < now()]
    if not overdue:
        return set()
    leader = is_centre_leader(official)
    return {t.pk for t in overdue if urge_refusal(t, official, leader) is None}


def last_urged_at(task: HumanTask, official: Official) -> datetime | None:
    return (AuditEvent.objects.filter(task=task, actor=official, action="task_urged")
            .order_by("-at").values_list("at", flat=True).first())


def urge_task(task_id: int, actor: Official) -> HumanTask:
    """Urge the task's holders; Forbidden with the reason, or TooSoon saying when the actor may urge again."""
    with transaction.atomic():
        lock_instance(HumanTask.objects.filter(pk=task_id).values("instance_id")[:1])
        task = (HumanTask.objects.select_related("instance__definition", "assignee")
                .defer("instance__state", "instance__definition__sources").filter(pk=task_id).first())
        if task is None:
            raise InvalidInput(_("No such task."))
        refusal = urge_refusal(task, actor)
        if refusal:
            raise Forbidden(refusal)
        last = last_urged_at(task, actor)
        if last is not None and now() - last < URGE_INTERVAL:
            again = timezone.localtime(last + URGE_INTERVAL).strftime("%Y-%m-%d %H:%M")
            raise TooSoon(_("You urged this task at %(at)s; you may urge it again after %(again)s.")
                          % {"at": timezone.localtime(last).strftime("%H:%M"), "again": again})
        holders = holders_of(task)
        names = list(Official.objects.filter(pk__in=holders).order_by("pk").values_list("name", flat=True))
        due = timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M")
        notify(holders, f"{actor.name}催办：{task.title}（{task.case_number}）已于 {due} 到期，请尽快办理", task=task,
               kind=Notification.URGE)
        audit.record("task_urged", task=task, actor=actor, message=f"催办：{task.title}（已于 {due} 到期）",
                     after={"notified": names})
        return task
