"""Reads of the org chart, shaped for the engine's pure assignment functions."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from engine.assignment import ABPost, LeavePeriod, OfficialInfo, OrgSnapshot
from engine.calendar import WorkingCalendar
from workflows.org.models import ABPair, Absence, CalendarOverride, Official


def org_snapshot(day: date) -> OrgSnapshot:
    """Everything assignment needs for `day`: active officials, A/B pairs and absences covering it."""
    officials = {
        o.id: OfficialInfo(
            id=o.id,
            name=o.name,
            roles=frozenset(r.code for r in o.roles.all()),
            department_id=o.department_id,
            window_id=o.window_id,
        )
        for o in Official.objects.filter(active=True).prefetch_related("roles")
    }
    pairs = [
        ABPost(p.a_id, p.b_id, p.valid_from, p.valid_to)
        for p in ABPair.objects.all()
        if p.a_id in officials and p.b_id in officials
    ]
    leaves = [
        LeavePeriod(a.official_id, a.first_day, a.last_day)
        for a in Absence.objects.filter(first_day__lte=day, last_day__gte=day)
    ]
    return OrgSnapshot(officials=officials, ab_posts=pairs, leaves=leaves)


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
