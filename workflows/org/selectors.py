"""Reads of the org chart, shaped for the engine's pure assignment functions."""

from __future__ import annotations

import calendar as month_tables  # the standard library's month grid, not engine.calendar
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from django.db.models import Exists, FilteredRelation, OuterRef, Q

from engine.assignment import (
    ESCALATION_RULE,
    ABPost,
    AssignmentRule,
    CaseContext,
    LeavePeriod,
    OfficialInfo,
    OrgSnapshot,
)
from engine.calendar import WorkingCalendar, statutory_days
from workflows.org.models import ABPair, Absence, CalendarOverride, Department, Official


def org_for(rules: Iterable[AssignmentRule], case: CaseContext, day: date) -> OrgSnapshot:
    """The part of the org chart that can decide these rules for this case on `day`, in one or two queries.

    Never the whole chart: a centre with thousands of officials and years of A/B pairs must cost what the
    demo centre costs. Usually one query: the absences and A/B pairs are read only when one of those officials
    is absent on `day`. The snapshot holds the active officials who hold a rule's role in its scope (and the
    centre office, the last tier), the applicant, the absences covering `day` and, for the officials absent
    that day only, their A/B pairs valid on `day` whose B post is active. B posts come in with their names and
    no roles, so the pure rules in engine.assignment give the same answer as on the whole chart.
    """
    officials, anyone_away = _holders([*rules, ESCALATION_RULE], case, day)
    if not anyone_away:  # nobody who could take the task is absent: no B post can come into it
        return OrgSnapshot(officials=officials)
    leaves, pairs = _absences_and_b_posts(day, officials)
    return OrgSnapshot(officials=officials, ab_posts=pairs, leaves=leaves)


def org_of_officials(official_ids: Iterable[int], day: date) -> OrgSnapshot:
    """The named officials (active ones) and, when one of them is absent on `day`, the absences and B posts that
    decide who stands in: what a task for officials the case names (engine.assignment.assign_named) needs."""
    officials = {pk: OfficialInfo(pk, name, frozenset(), department_id, window_id)
                 for pk, name, department_id, window_id in Official.objects.filter(
                     pk__in=list(official_ids), active=True).values_list("pk", "name", "department_id", "window_id")}
    if not Absence.objects.filter(official_id__in=list(officials), first_day__lte=day, last_day__gte=day).exists():
        return OrgSnapshot(officials=officials)
    leaves, pairs = _absences_and_b_posts(day, officials)
    return OrgSnapshot(officials=officials, ab_posts=pairs, leaves=leaves)


def _scope(rule: AssignmentRule, case: CaseContext) -> Q | None:
    """Who may hold `rule` for this case; None: nobody can (the case has no window or department)."""
    if rule.role == "applicant":
        return None
    if rule.scope == "applicant.window":
        return Q(roles__code=rule.role, window_id=case.window_id) if case.window_id is not None else None
    if rule.scope == "applicant.department":
        return Q(roles__code=rule.role, department_id=case.department_id) if case.department_id is not None else None
    return Q(roles__code=rule.role)


def _holders(rules: Iterable[AssignmentRule], case: CaseContext, day: date) -> tuple[dict[int, OfficialInfo], bool]:
    """The officials who may hold one of `rules` for the case, and whether any of them is absent on `day`."""
    wanted = Q(pk=case.applicant_id) if case.applicant_id is not None else Q(pk__in=[])
    for rule in rules:
        scoped = _scope(rule, case)
        if scoped is not None:
            wanted |= scoped
    rows: dict[int, tuple[str, int | None, int | None, set[str]]] = {}
    away = Absence.objects.filter(official=OuterRef("pk"), first_day__lte=day, last_day__gte=day)
    query = (Official.objects.filter(wanted, active=True).annotate(away=Exists(away))
             .values_list("pk", "name", "department_id", "window_id", "roles__code", "away"))
    anyone_away = False
    for pk, name, department_id, window_id, code, is_away in query:
        row = rows.setdefault(pk, (name, department_id, window_id, set()))
        if code:
            row[3].add(code)
        anyone_away = anyone_away or is_away
    officials = {pk: OfficialInfo(pk, name, frozenset(codes), department_id, window_id)
                 for pk, (name, department_id, window_id, codes) in rows.items()}
    return officials, anyone_away


def _absences_and_b_posts(day: date, officials: dict[int, OfficialInfo]) -> tuple[list[LeavePeriod], list[ABPost]]:
    """The absences covering `day`, each joined to the absent official's A/B pairs valid that day (one query).

    B posts are added to `officials` (name only) so audit lines can name who stands in. Pairs keep the order
    they were made in, which decides between two temporary pairs as it always has.
    """
    valid = (Q(official__b_posts__valid_from__isnull=True) | Q(official__b_posts__valid_from__lte=day)) & (
        Q(official__b_posts__valid_to__isnull=True) | Q(official__b_posts__valid_to__gte=day))
    rows = (
        Absence.objects.filter(first_day__lte=day, last_day__gte=day)
        .annotate(pair=FilteredRelation("official__b_posts", condition=valid))
        .values_list("official_id", "first_day", "last_day", "pair__id", "pair__b_id", "pair__valid_from",
                     "pair__valid_to", "pair__b__name", "pair__b__active")
    )
    leaves: dict[tuple[int, date, date], LeavePeriod] = {}
    pairs: dict[int, ABPost] = {}
    for official_id, first_day, last_day, pair_id, b_id, valid_from, valid_to, b_name, b_active in rows:
        leaves.setdefault((official_id, first_day, last_day), LeavePeriod(official_id, first_day, last_day))
        if pair_id is None or not b_active:
            continue
        pairs[pair_id] = ABPost(official_id, b_id, valid_from, valid_to)
        officials.setdefault(b_id, OfficialInfo(b_id, b_name, frozenset()))
    return list(leaves.values()), [pairs[pk] for pk in sorted(pairs)]


def working_calendar() -> WorkingCalendar:
    """The statutory calendar corrected by the administrator's overrides (one small query per call)."""
    return _calendar(tuple(sorted(CalendarOverride.objects.values_list("day", "kind"))))


@lru_cache(maxsize=8)
def _calendar(overrides: tuple[tuple[date, str], ...]) -> WorkingCalendar:
    """Built once per set of overrides: the holiday tables are costly to populate."""
    return WorkingCalendar(
        extra_holidays=[d for d, k in overrides if k == CalendarOverride.HOLIDAY],
        extra_working_days=[d for d, k in overrides if k == CalendarOverride.WORKING_DAY],
    )


def window_officials(window_id: int) -> list[Official]:
    return list(Official.objects.filter(window_id=window_id, active=True).order_by("id"))


def official_of(user) -> Official | None:
    """The official behind a login (None for accounts that are not officials)."""
    if not user.is_authenticated:
        return None
    return Official.objects.select_related("department", "window").filter(user=user).first()


def has_role(official: Official, code: str) -> bool:
    return official.roles.filter(code=code).exists()


CENTRE_OFFICE = "centre_office"


def is_centre_office(official: Official | None) -> bool:
    """中心办公室: deploys definitions, keeps the service-item catalogue; the one place that says who it is."""
    return official is not None and has_role(official, CENTRE_OFFICE)


# The centre's leaders: the director and the deputy directors (中心主任、中心分管领导).
CENTRE_LEADER_ROLES = ("centre_director", "centre_deputy_director")


def is_centre_leader(official: Official | None) -> bool:
    """Who decides what is beyond a window's authority (a refusal under 否定报备制); the one place that says who."""
    return official is not None and official.roles.filter(code__in=CENTRE_LEADER_ROLES).exists()


def may_keep_org_and_calendar(user, official: Official | None) -> bool:
    """Who edits the org chart and the calendar overrides on their pages: the centre office and administrators."""
    return bool(getattr(user, "is_staff", False) or is_centre_office(official))


def may_read_org(user, official: Official | None) -> bool:
    """Who reads the org chart and its history: those who keep it, and the centre's leaders."""
    return may_keep_org_and_calendar(user, official) or is_centre_leader(official)


def calendar_year(year: int, today: date) -> list[dict]:
    """The 12 months of `year` as Monday-first weeks of day cells (None pads a week), for the calendar page.

    A cell: the day, its kind (working, weekend, holiday, make_up, or the centre's override), the statutory name,
    the override's note, whether it is a working day after all, and whether it is today.
    """
    statutory = statutory_days(year)
    overrides = {o.day: o for o in CalendarOverride.objects.filter(day__year=year)}
    months = []
    for month in range(1, 13):
        weeks = []
        for week in month_tables.Calendar(firstweekday=0).monthdatescalendar(year, month):
            weeks.append([_cell(day, statutory, overrides, today) if day.month == month else None for day in week])
        months.append({"month": month, "weeks": weeks})
    return months


def _cell(day: date, statutory: dict, overrides: dict, today: date) -> dict:
    kind, name = statutory.get(day, ("weekend" if day.weekday() >= 5 else "working", ""))
    working = kind in ("working", "make_up")
    override = overrides.get(day)
    if override is not None:
        working = override.kind == CalendarOverride.WORKING_DAY
    return {"day": day, "kind": kind, "name": name, "short_name": name.split("（")[0], "override": override,
            "working": working, "today": day == today}


def org_chart() -> list[dict]:
    """Departments with their windows and officials (roles, A/B pairs); officials without a department last."""
    officials = list(Official.objects.select_related("department", "window", "user").prefetch_related("roles")
                     .order_by("name", "pk"))
    pairs = list(ABPair.objects.select_related("a", "b").order_by("pk"))
    for official in officials:
        official.pairs_as_a = [p for p in pairs if p.a_id == official.pk]
        official.pairs_as_b = [p for p in pairs if p.b_id == official.pk]
    chart = []
    for department in Department.objects.prefetch_related("windows").order_by("name"):
        members = [o for o in officials if o.department_id == department.pk]
        windows = [{"window": w, "officials": [o for o in members if o.window_id == w.pk]}
                   for w in sorted(department.windows.all(), key=lambda w: (w.number, w.name))]
        chart.append({"department": department, "windows": windows,
                      "officials": [o for o in members if o.window_id is None]})
    chart.append({"department": None, "windows": [], "officials": [o for o in officials if o.department_id is None]})
    return chart
