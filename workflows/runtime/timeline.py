"""The progress timeline of a case (办理进度): its steps in order and what happened around them, read once.

Three queries whatever the case's size: its task rows (with the people on them), the candidates of those rows and
its audit rows; a fourth for its tasks' attachments when it has any. Comments (备注) and files (附件) are audit rows
at their time, a file's row linked to its download; a step completed with a signature shows the image as it was
then.
A step's opinion is what its completer typed (the `opinion` or `comment` of the completion's audit
row, which keeps the form's data); an open step shows who holds it and by when. Every other audit row (a reminder,
a timer, an escalation, a transfer) stands between the steps at its time, labelled by the registry, so whatever a
family or a transition records appears without this module knowing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch

from workflows.org.models import Official
from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance, TaskAttachment

# Audit rows that a step already shows (its arrival, its claim, its completion) are not repeated between steps.
STEP_ACTIONS = frozenset({"task_created", "task_claimed", "task_completed"})
# Rows that mean time ran out or someone was reminded: marked so a reader finds them at a glance.
_TIME_WORDS = ("remind", "overdue", "timer", "timeout", "deadline", "escalat", "urge")


@dataclass
class Step:
    """One task of the case: done (who, when, outcome, opinion), open (holders, due) or cancelled."""

    task: HumanTask
    at: datetime
    holders: list[str] = field(default_factory=list)
    opinion: str = ""

    kind = "step"


@dataclass
class Event:
    """One audit row between the steps."""

    event: AuditEvent
    at: datetime
    about_time: bool = False
    attachment: TaskAttachment | None = None  # the file a "task_attachment_added" row is about, to link to it

    kind = "event"


def opinion_of(data: dict | None) -> str:
    """What the official wrote with their decision: the approval forms call it `opinion` or `comment`."""
    if not isinstance(data, dict):
        return ""
    for key in ("opinion", "comment"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _attachment_of(event: AuditEvent, attachments: dict[int, TaskAttachment]) -> TaskAttachment | None:
    if event.action != "task_attachment_added" or not isinstance(event.after, dict):
        return None
    return attachments.get(event.after.get("attachment_id"))


def case_timeline(instance: ProcessInstance) -> list[Step | Event]:
    """The case's steps and events, oldest first (a step sits at the time it arrived)."""
    tasks = list(
        instance.tasks.select_related("assignee", "completed_by")
        .prefetch_related(Prefetch("candidates", queryset=Official.objects.only("name").order_by("name")))
        .order_by("created_at", "id")
    )
    events = list(AuditEvent.objects.filter(instance=instance).select_related("actor").order_by("at", "id"))
    opinions = {event.task_id: opinion_of(event.after) for event in events
                if event.action == "task_completed" and event.task_id is not None}
    attachments = {attachment.pk: attachment for attachment in TaskAttachment.objects.filter(
        task__instance=instance).only("pk", "task_id", "original_name", "size")} if any(
        event.action == "task_attachment_added" for event in events) else {}
    entries: list[Step | Event] = []
    for task in tasks:
        holders = ([task.assignee.name] if task.assignee else [c.name for c in task.candidates.all()]) \
            if task.state == HumanTask.OPEN else []
        entries.append(Step(task=task, at=task.created_at, holders=holders, opinion=opinions.get(task.pk, "")))
    entries.extend(Event(event=event, at=event.at, about_time=any(word in event.action for word in _TIME_WORDS),
                         attachment=_attachment_of(event, attachments))
                   for event in events if event.action not in STEP_ACTIONS)
    order = {"step": 1, "event": 0}
    return sorted(entries, key=lambda entry: (entry.at, order[entry.kind]))


def approval_steps(instance: ProcessInstance) -> list[Step]:
    """The completed and open steps of the 审批单, in order: approver, time, outcome and opinion."""
    return [entry for entry in case_timeline(instance)
            if entry.kind == "step" and entry.task.state != HumanTask.CANCELLED]
