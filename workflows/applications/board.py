"""Reads of open applications: the board (看板) by department, a department's own list, the API's list.

限时办结制 and 管理暂行办法 第十二条: every open case shows its working days left, and a late one must be seen first.
Days left come from `Application.due_at` (the copy the clock keeps, indexed) and the calendar read once per list,
never from a case's clock rows one by one; who holds a case's current step comes from the task rows, one query for
the whole page. So a page costs the same few queries whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When

from engine.calendar import WorkingCalendar, centre_day
from workflows.applications.models import Application, ClockEntry, CoDepartmentReview
from workflows.runtime.models import HumanTask

# The processes whose open steps are an application's current work (the case and, for 联办件, its joint review).
APPLICATION_PROCESS_KEYS = ("application", "joint_review")


@dataclass(frozen=True)
class CaseTime:
    """Where a case stands against its limit at one moment: days left (0 on the due day, negative when late),
    late or not, and whether the clock is stopped (暂停计时) and why."""

    due_at: datetime | None
    days_left: int | None
    overdue: bool
    paused: bool
    pause_reason: str


@dataclass(frozen=True)
class Holder:
    """An open step of the case and who holds it: the official who claimed it, else the officials it is offered to."""

    title: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class BoardRow:
    application: Application
    time: CaseTime
    holders: tuple[Holder, ...]


def days_left(calendar: WorkingCalendar, due_at: datetime, at: datetime) -> int:
    """Working days after `at`'s day up to the due day, as engine.time_limits.working_days_left counts them: 0 on the
    due day, negative once late, and at least one day late (-1) as soon as the close of the due day has passed."""
    left = calendar.working_days_between(centre_day(at), centre_day(due_at))
    return min(left, -1) if at > due_at else left


def is_late(application: Application, at: datetime) -> bool:
    """第十二条: past the close of the due day, or already found late (a pause begun after that does not undo it)."""
    if application.status not in Application.OPEN_STATUSES:
        return False
    return application.overdue_since is not None or (application.due_at is not None and at > application.due_at)


def case_time(application: Application, calendar: WorkingCalendar, at: datetime) -> CaseTime:
    """The case's time at `at`; the pause reason is the `pause_reason` the list queries annotate (with_pause_reason)."""
    open_case = application.status in Application.OPEN_STATUSES
    left = days_left(calendar, application.due_at, at) if open_case and application.due_at is not None else None
    paused = application.status == Application.PAUSED
    reason = (getattr(application, "pause_reason", "") or "") if paused else ""
    return CaseTime(application.due_at, left, is_late(application, at), paused, reason)


def with_pause_reason(cases: QuerySet[Application]) -> QuerySet[Application]:
    """Each case with the reason of its latest pause (补正材料, 上报审批, 特别程序), in the same query."""
    latest = (ClockEntry.objects.filter(application=OuterRef("pk"), kind=ClockEntry.PAUSE_STARTED)
              .order_by("-at", "-pk").values("reason")[:1])
    return cases.annotate(pause_reason=Subquery(latest))


def late(at: datetime) -> Q:
    """Open cases late at `at` (is_late as a filter)."""
    return Q(status__in=Application.OPEN_STATUSES) & (Q(overdue_since__isnull=False) | Q(due_at__lt=at))


def late_first(cases: QuerySet[Application], at: datetime) -> QuerySet[Application]:
    """Late cases first, then the other open ones by due date (the nearest first; paused and not yet accepted ones,
    without a due date, after them), closed cases last."""
    rank = Case(When(late(at), then=Value(0)), When(status__in=Application.OPEN_STATUSES, then=Value(1)),
                default=Value(2), output_field=IntegerField())
    return cases.annotate(late_rank=rank).order_by("late_rank", F("due_at").asc(nulls_last=True), "received_at", "pk")


def open_cases(visible: QuerySet[Application], *, at: datetime, department_id: int | None = None, kind: str = "",
               late_only: bool = False) -> QuerySet[Application]:
    """The board's rows among the `visible` cases (workflows.applications.access): open, filtered, late first."""
    cases = visible.filter(status__in=Application.OPEN_STATUSES)
    if department_id is not None:
        cases = cases.filter(department_id=department_id)
    if kind:
        cases = cases.filter(kind=kind)
    if late_only:
        cases = cases.filter(late(at))
    return late_first(with_pause_reason(cases.select_related("item", "department")), at)


def department_counts(visible: QuerySet[Application], at: datetime) -> list[dict]:
    """Per lead department: open cases, late ones and paused ones (one grouped query), most late first."""
    rows = (visible.filter(status__in=Application.OPEN_STATUSES).order_by()
            .values("department_id", "department__name")
            .annotate(open=Count("pk"), late=Count("pk", filter=late(at)),
                      paused=Count("pk", filter=Q(status=Application.PAUSED))))
    return sorted(rows, key=lambda row: (-row["late"], -row["open"], row["department__name"]))


def current_holders(applications: Iterable[Application]) -> dict[int, tuple[Holder, ...]]:
    """{application pk: its open steps and their holders}, from the task rows of the cases' instances (two queries
    for any number of cases: the open tasks with their assignees, and their holders)."""
    by_instance = {a.instance_id: a.pk for a in applications if a.instance_id is not None}
    if not by_instance:
        return {}
    tasks = (HumanTask.objects.filter(instance_id__in=list(by_instance), state=HumanTask.OPEN,
                                      process_key__in=APPLICATION_PROCESS_KEYS)
             .select_related("assignee").prefetch_related("holders")
             .only("pk", "instance_id", "title", "assignee__name")
             .order_by("created_at", "pk"))
    found: dict[int, list[Holder]] = defaultdict(list)
    for task in tasks:
        if task.assignee is not None:
            names: tuple[str, ...] = (task.assignee.name,)
        else:
            names = tuple(sorted(holder.name for holder in task.holders.all()))
        found[by_instance[task.instance_id]].append(Holder(task.title, names))
    return {pk: tuple(holders) for pk, holders in found.items()}


def board_rows(applications: Iterable[Application], calendar: WorkingCalendar, at: datetime) -> list[BoardRow]:
    """One page of cases with their time and holders."""
    page = list(applications)
    holders = current_holders(page)
    return [BoardRow(a, case_time(a, calendar, at), holders.get(a.pk, ())) for a in page]


# --- the department list -----------------------------------------------------------------------------------------

LEAD_WAITING = (Application.IN_PROGRESS, Application.DECIDED)


@dataclass(frozen=True)
class DepartmentRow:
    """A case waiting on the department: as its lead (being handled, or decided and to be issued) or as a
    co-department whose opinion is still missing (`review`)."""

    application: Application
    time: CaseTime
    review: CoDepartmentReview | None


def waiting_on_department(department_id: int, at: datetime) -> tuple[QuerySet[Application], QuerySet]:
    """The cases a department leads that wait on it, late first, and its unanswered co-department reviews of open
    cases, the nearest deadline first."""
    led = late_first(with_pause_reason(
        Application.objects.filter(department_id=department_id, status__in=LEAD_WAITING)
        .select_related("item", "department")), at)
    reviews = (CoDepartmentReview.objects.filter(department_id=department_id, answer="",
                                                 application__status__in=Application.OPEN_STATUSES)
               .select_related("department", "application__item", "application__department")
               .order_by("due_at", "pk"))
    return led, reviews


def review_time(review: CoDepartmentReview, calendar: WorkingCalendar, at: datetime) -> CaseTime:
    """A co-department's own time: the review's deadline (联办件 答复期限), not the case's."""
    return CaseTime(review.due_at, days_left(calendar, review.due_at, at), at > review.due_at, False, "")
