"""The applicant's own look-up (办件查询): a case found by its number and the phone given at intake, nothing else.

服务承诺制 and 一次性告知制 promise the applicant can follow the case; the look-up needs no login, so it shows only
what the applicant was told or is owed (item, status, dates, the time left or why the clock stopped, the missing
materials, the result, their rating and the reply to it), never an official's name, and a wrong phone is answered
exactly like an unknown number: one query either way, and the caller renders the same page for both.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime

from engine.calendar import WorkingCalendar
from workflows.applications.board import CaseTime, case_time, with_pause_reason
from workflows.applications.models import Application, ClockEntry, Rating
from workflows.runtime import audit

_SPACES = re.compile(r"\s+")  # full-width spaces (U+3000) included
_DASHES = re.compile(r"[\-－—–‐]")


def normalise_phone(text: str) -> str:
    """A phone as typed, without spaces (also full-width ones) and dashes: `138 0013 8000` is `13800138000`."""
    return _DASHES.sub("", _SPACES.sub("", text or ""))


def normalise_number(text: str) -> str:
    """A case number as typed (`20261130-0001`), without spaces, a full-width or long dash read as `-`, letters
    upper-case: what an input method on a phone turns the printed number into."""
    return _DASHES.sub("-", _SPACES.sub("", text or "")).upper()


@dataclass(frozen=True)
class PublicCase:
    """What the look-up shows: the applicant's own case, without officials' names or anyone else's data."""

    number: str
    item: str
    department: str
    status: str
    received_at: datetime
    accepted_at: datetime | None
    time: CaseTime
    pause_planned_end: date | None
    missing_materials: tuple[str, ...]
    outcome: str
    decided_at: datetime | None
    issued_at: datetime | None
    rating: Rating | None


def find_case(number: str, phone: str) -> Application | None:
    """The case with this number whose intake phone matches, spaces and dashes ignored; else None.

    One query whatever the answer; the phone is compared in constant time so the answer's timing does not tell a
    known number from an unknown one either.
    """
    wanted = normalise_number(number)
    given = normalise_phone(phone)
    if not wanted or not given:
        return None
    case = (with_pause_reason(Application.objects.filter(number=wanted))
            .select_related("item", "department", "rating").first())
    stored = normalise_phone(case.phone) if case is not None else "-"
    matches = hmac.compare_digest(stored.encode(), given.encode())
    return case if case is not None and matches else None


def public_case(case: Application, calendar: WorkingCalendar, at: datetime) -> PublicCase:
    """The applicant's view of their case (two more reads: the missing materials and the open pause's planned end)."""
    missing = tuple(case.materials.filter(received_at__isnull=True).values_list("material__name", flat=True))
    planned_end = None
    if case.status == Application.PAUSED:
        planned_end = (case.clock_entries.filter(kind=ClockEntry.PAUSE_STARTED).order_by("-at", "-pk")
                       .values_list("planned_end", flat=True).first())
    rating = getattr(case, "rating", None)
    return PublicCase(
        number=case.number, item=case.item.name, department=case.department.name,
        status=case.get_status_display(), received_at=case.received_at, accepted_at=case.accepted_at,
        time=case_time(case, calendar, at), pause_planned_end=planned_end, missing_materials=missing,
        outcome=case.get_outcome_display() if case.outcome else "", decided_at=case.decided_at,
        issued_at=case.issued_at, rating=rating,
    )


def record_look_up(case: Application, first_today: bool) -> None:
    """A successful look-up is audited once per case and day (`first_today`), without the phone or the address:
    enough to show the applicant followed the case, not a log of every visit. Failed tries are never audited."""
    if first_today:
        audit.record("application_looked_up", instance=case.instance,
                     message=f"申请人凭办件编号和联系电话查询了办件 {case.number} 的办理进度")
