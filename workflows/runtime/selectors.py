"""Reads for inboxes, task pages and monitoring. Task rows only: no workflow is deserialized here.

Lists, counts and monitoring never load an instance's `state` or a definition's `sources`: both grow with the
case (kilobytes to megabytes a row) and no list shows them, so every list query defers them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet

from engine.calendar import WorkingCalendar
from workflows.org.models import Official
from workflows.org.selectors import is_centre_leader, is_centre_office, working_calendar
from workflows.runtime.clock import now, today
from workflows.runtime.models import (
    ActiveVersion,
    AuditEvent,
    CaseCopy,
    HumanTask,
    Notification,
    ProcessDefinition,
    ProcessInstance,
    TaskAttachment,
    TaskComment,
)

# The columns a list never reads, named from a task row and from an instance row.
_TASK_HEAVY = ("instance__state", "instance__definition__sources")
_INSTANCE_HEAVY = ("state", "definition__sources")


def _with_case() -> QuerySet[HumanTask]:
    return HumanTask.objects.select_related("instance__definition", "assignee", "applicant", "department")


def _base() -> QuerySet[HumanTask]:
    return _with_case().defer(*_TASK_HEAVY)


def my_tasks(official: Official) -> QuerySet[HumanTask]:
    """Open tasks assigned to the official."""
    return _base().filter(state=HumanTask.OPEN, assignee=official)


def claimable_tasks(official: Official) -> QuerySet[HumanTask]:
    """Open, unclaimed tasks the official's roles make them a candidate for, the earliest due first.

    Filtered and sorted on the official's candidate rows, whose copy of the task's state and due time (kept by
    the database, workflows/runtime/candidate_copy.py) puts the answer in one range of the partial index
    `candidate_open_due`: the official's past candidacies are never read."""
    return (_base().filter(candidate_rows__official=official, candidate_rows__open_unclaimed=True)
            .order_by("candidate_rows__due_at", "candidate_rows__humantask_id"))


def done_tasks(official: Official) -> QuerySet[HumanTask]:
    """Tasks the official completed, the latest first (index `task_done_by`)."""
    return (_base().select_related("completed_by").filter(state=HumanTask.COMPLETED, completed_by=official)
            .order_by("-completed_at", "-id"))


def filter_tasks(tasks: QuerySet[HumanTask], *, process: str = "", text: str = "", overdue: bool = False,
                 date_from: date | None = None, date_to: date | None = None, date_field: str = "created_at"):
    """The inbox's filters; the date range (whole days in the centre's time zone) reads `date_field`: when the task
    arrived on the open tabs, when it was completed on the done tab (index `task_done_by`)."""
    if date_from:
        tasks = tasks.filter(**{f"{date_field}__gte": day_start(date_from)})
    if date_to:
        tasks = tasks.filter(**{f"{date_field}__lt": day_start(date_to + timedelta(days=1))})
    if process:
        tasks = tasks.filter(process_key=process)
    if text:
        tasks = tasks.filter(
            Q(title__icontains=text) | Q(case_number__icontains=text) | Q(applicant__name__icontains=text)
        )
    if overdue:
        tasks = tasks.filter(due_at__lt=now())
    return tasks


def holders_of(task: HumanTask) -> list[int]:
    """Who holds a task now, to tell them something: its assignee, else every official it is offered to."""
    return [task.assignee_id] if task.assignee_id else list(task.candidates.values_list("pk", flat=True))


def task_visible_to(task: HumanTask, official: Official) -> bool:
    """Who may open a task page: its candidates, assignee, delegator, completer, and the applicant of the case."""
    return (
        task.assignee_id == official.pk
        or task.completed_by_id == official.pk
        or task.delegator_id == official.pk
        or task.instance.applicant_id == official.pk
        or task.candidates.filter(pk=official.pk).exists()
    )


def transfer_targets(task: HumanTask, official: Official) -> list[Official]:
    """Whom `official` may choose to transfer or delegate `task` to: active officials, not themselves nor the
    case's applicant (the service refuses those, and one on leave, with the reason)."""
    excluded = [pk for pk in (official.pk, task.instance.applicant_id) if pk is not None]
    return list(Official.objects.filter(active=True).exclude(pk__in=excluded).select_related("department")
                .order_by("department__name", "name"))


def other_open_signers(task: HumanTask) -> list[HumanTask]:
    """The other signers of `task`'s multi-approver step who have not decided yet: whom 减签 may remove."""
    return list(task.instance.tasks.filter(state=HumanTask.OPEN, spec_name=task.spec_name).exclude(pk=task.pk)
                .select_related("assignee").order_by("id"))


def working_days_left(task: HumanTask, calendar: WorkingCalendar | None = None) -> int | None:
    """Working days until the due date: 0 on the due day, negative when overdue.

    Reading the calendar costs a query: a list passes the one it read for its first row to the others."""
    if task.due_at is None:
        return None
    due_day = task.due_at.astimezone(now().tzinfo).date()
    return (calendar or working_calendar()).working_days_between(today(), due_day)


def instance_history(instance: ProcessInstance) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(instance=instance).select_related("actor", "task")


def instance_tasks(instance: ProcessInstance) -> QuerySet[HumanTask]:
    return (instance.tasks.select_related("instance__definition", "assignee", "completed_by", "applicant",
                                          "department")
            .defer(*_TASK_HEAVY).order_by("created_at", "id"))


def definitions() -> QuerySet[ProcessDefinition]:
    return ProcessDefinition.objects.all()


def errored_instances() -> QuerySet[ProcessInstance]:
    return (ProcessInstance.objects.filter(status=ProcessInstance.ERRORED).select_related("definition")
            .defer(*_INSTANCE_HEAVY))


def find_task(task_id: int) -> HumanTask | None:
    """One task with what its page shows (case, definition, people); the page may read the case's state."""
    return _with_case().select_related("completed_by").filter(pk=task_id).first()


def process_names() -> dict[str, str]:
    """{key: name of its latest version} of the deployed processes, for filters and tables that show words."""
    names: dict[str, str] = {}
    for key, name in ProcessDefinition.objects.order_by("key", "version").values_list("key", "name"):
        names[key] = name or key
    return names


def find_definition(definition_id: int) -> ProcessDefinition | None:
    return ProcessDefinition.objects.select_related("deployed_by").filter(pk=definition_id).first()


def bpmn_source(definition: ProcessDefinition) -> tuple[str, str] | None:
    """(filename, XML) of the definition's BPMN file; DMN files ride along in `sources`."""
    return next(((name, text) for name, text in sorted(definition.sources.items()) if name.endswith(".bpmn")), None)


def instances() -> QuerySet[ProcessInstance]:
    related = ("definition", "applicant", "department")
    return ProcessInstance.objects.select_related(*related).defer(*_INSTANCE_HEAVY).order_by("-started_at", "-id")


def cases_visible_to(official: Official) -> QuerySet[ProcessInstance]:
    """The one rule for who sees which case: the centre's leaders and office every case (they oversee the centre's
    work), anyone else the cases they are involved in (instances_involving). Pages, lists, the 审批单, copies and
    the API all ask here (webapp.access.visible_instances adds administrators)."""
    if is_centre_office(official) or is_centre_leader(official):
        return instances()
    return instances_involving(official)


def instances_involving(official: Official) -> QuerySet[ProcessInstance]:
    """Instances the official started, applied for, has (had) a task on or was sent a copy of (抄送): what an
    ordinary official may see.

    Each way in is its own indexed sub-select (candidate look-up, assignee, completer, copy recipient), not one OR
    over a join of every task and candidate row."""
    as_candidate = HumanTask.candidates.through.objects.filter(official=official).values("humantask__instance_id")
    as_worker = HumanTask.objects.filter(Q(assignee=official) | Q(completed_by=official)).values("instance_id")
    copied = CaseCopy.objects.filter(recipient=official).values("instance_id")
    return instances().filter(started_or_about(official) | Q(pk__in=as_candidate) | Q(pk__in=as_worker)
                              | Q(pk__in=copied))


def started_instances(official: Official) -> QuerySet[ProcessInstance]:
    """我发起的: the cases the official started or that are about them as applicant, the newest first (indexes
    `instance_started_by` and `instance_applicant`, one range each)."""
    return instances().filter(started_or_about(official))


def started_or_about(official: Official) -> Q:
    """The condition of 我发起的, for the page and the API's `started_by_me`."""
    return Q(started_by=official) | Q(applicant=official)


def filter_instances(cases: QuerySet[ProcessInstance], *, process: str = "", text: str = "",
                     date_from: date | None = None, date_to: date | None = None,
                     status: str = "") -> QuerySet[ProcessInstance]:
    """Case number or applicant by text, process, status, and the day it started (whole days, centre time)."""
    if process:
        cases = cases.filter(definition__key=process)
    if status:
        cases = cases.filter(status=status)
    if text:
        cases = cases.filter(Q(business_key__icontains=text) | Q(applicant__name__icontains=text))
    if date_from:
        cases = cases.filter(started_at__gte=day_start(date_from))
    if date_to:
        cases = cases.filter(started_at__lt=day_start(date_to + timedelta(days=1)))
    return cases


def day_start(day: date) -> datetime:
    """The first instant of a day in the centre's time zone."""
    return datetime.combine(day, time.min, tzinfo=now().tzinfo)


def open_steps(instance_ids: list[int]) -> dict[int, list[HumanTask]]:
    """{instance id: its open tasks with assignee and candidates}: what a list of cases shows as the current step
    and who holds it, in two queries for the whole page."""
    steps: dict[int, list[HumanTask]] = defaultdict(list)
    if not instance_ids:
        return steps
    tasks = (HumanTask.objects.filter(instance_id__in=instance_ids, state=HumanTask.OPEN)
             .select_related("assignee").only("instance_id", "title", "state", "due_at", "assignee__name", "escalated")
             .prefetch_related(Prefetch("candidates", queryset=Official.objects.only("name")))
             .order_by("created_at", "id"))
    for task in tasks:
        steps[task.instance_id].append(task)
    return steps


def instance_visible_to(instance: ProcessInstance, official: Official) -> bool:
    """cases_visible_to for one case."""
    return cases_visible_to(official).filter(pk=instance.pk).exists()


def unread_notifications(official: Official) -> QuerySet[Notification]:
    """The unread notices the inbox shows above its lists: a new task's own notification is left out (the task is
    in the list below); the notification centre (notification_selectors) shows every kind."""
    return (Notification.objects.filter(recipient=official, read_at__isnull=True).exclude(kind=Notification.TASK)
            .select_related("task"))


def overdue_tasks() -> QuerySet[HumanTask]:
    """Open tasks past their due time, the longest overdue first (monitoring)."""
    return (_base().filter(state=HumanTask.OPEN, due_at__lt=now()).prefetch_related("candidates")
            .order_by("due_at", "id"))


def open_task_counts() -> list[dict]:
    """Open tasks per process key and how many of them are overdue: the task rows alone, no join."""
    return list(
        HumanTask.objects.filter(state=HumanTask.OPEN).values("process_key")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now())))
        .order_by("process_key")
    )


def task_comments(task: HumanTask) -> QuerySet[TaskComment]:
    """The task's comments (备注), oldest first, with their authors."""
    return task.comments.select_related("author").order_by("at", "id")


def task_attachments(task: HumanTask) -> QuerySet[TaskAttachment]:
    """The task's files (附件), oldest first, with their authors."""
    return task.attachments.select_related("author").order_by("at", "id")


def visible_attachment(attachment_id: int, visible: QuerySet[ProcessInstance]) -> TaskAttachment | None:
    """The attachment when its case is among `visible` (the reader's visible cases), else None."""
    return (TaskAttachment.objects.select_related("task").filter(pk=attachment_id, task__instance__in=visible)
            .first())


def active_definition_ids() -> dict[str, int]:
    """Process key → id of its active version (the one new instances start on), for the definitions pages."""
    return dict(ActiveVersion.objects.values_list("key", "definition_id"))


MONITORED_STATUSES = (ProcessInstance.RUNNING, ProcessInstance.ERRORED, ProcessInstance.COMPLETED,
                      ProcessInstance.WITHDRAWN, ProcessInstance.CANCELLED)


def monitored_instances(*, process: str = "", version: int | None = None, status: str = "",
                        older_than_days: int | None = None) -> QuerySet[ProcessInstance]:
    """The monitoring instance list: by process key, version, status and age (started at least N days ago),
    newest first on the `instance_started` index; the definition comes along without its sources."""
    rows = ProcessInstance.objects.select_related("definition").defer("definition__sources", "state")
    if process:
        rows = rows.filter(definition__key=process)
        if version is not None:
            rows = rows.filter(definition__version=version)
    if status:
        rows = rows.filter(status=status)
    if older_than_days is not None:
        rows = rows.filter(started_at__lt=now() - timedelta(days=older_than_days))
    return rows.order_by("-started_at", "-id")


def definition_versions(key: str) -> QuerySet[ProcessDefinition]:
    """The deployed versions of a process, newest first, without their sources."""
    return ProcessDefinition.objects.filter(key=key).defer("sources").order_by("-version")
