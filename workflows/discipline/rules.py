"""The rule book's automatic consequences as pure functions.

Sources (seed 003): 工作人员诫勉教育和效能告诫实施细则 第四条, 第六条(十三), 第九条, 第十条, 第十一条;
绩效考评实施办法 六(二). Callers pass counts of effective sanctions only: revoked ones never count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from engine.calendar import WorkingCalendar

JIEMIAN = "诫勉教育"
WARNING = "效能告诫"
MEASURES = (JIEMIAN, WARNING)
WINDOW = "window"
OFFICIAL = "official"
TARGET_KINDS = (WINDOW, OFFICIAL)

ESCALATION_RULE_CODE = "6.13"  # 第六条(十三) 一年内累计被诫勉教育达二次的
APPEAL_WORKING_DAYS = 5
APPEAL_DECISION_WORKING_DAYS = 10

NOT_EXCELLENT = "不能评为优秀"
INCOMPETENT = "不称职"


def deciding_role(target_kind: str) -> str:
    """第四条: the efficiency group (效能建设领导小组) decides on a window, the centre office on an official."""
    if target_kind not in TARGET_KINDS:
        raise ValueError(f"未知的处理对象类别“{target_kind}”")
    return "efficiency_group" if target_kind == WINDOW else "centre_office"


@dataclass(frozen=True)
class Counts:
    """Effective (issued, not revoked) sanctions in one calendar year."""

    jiemian: int = 0
    warnings: int = 0


def escalation_due(effective_jiemian: int, standing_escalations: int) -> bool:
    """第六条(十三): each second 诫勉教育 of an official in a calendar year calls for one 效能告诫 proposal.

    `standing_escalations` are the proposals already opened for that year and not dismissed or
    revoked, so a third 诫勉 opens nothing and a fourth opens the second proposal.
    """
    return effective_jiemian // 2 > standing_escalations


@dataclass(frozen=True)
class Consequence:
    rating: str  # "", NOT_EXCELLENT or INCOMPETENT: the best yearly rating the official may get
    reasons: tuple[str, ...]


def official_consequence(this_year: Counts, warnings_last_year: int) -> Consequence:
    """The yearly rating an official's sanctions allow (第九条; 绩效考评实施办法 六(二))."""
    found: list[tuple[str, str]] = []
    if this_year.warnings >= 2:
        found.append((INCOMPETENT, "第九条：年内被效能告诫两次（含两次），本年度考评应评定为不称职"))
    elif this_year.warnings >= 1 and warnings_last_year >= 2:
        found.append((INCOMPETENT, "第九条：上年度曾被效能告诫两次（含两次）以上，本年度再被效能告诫，应评定为不称职"))
    elif this_year.warnings == 1:
        found.append((NOT_EXCELLENT, "第九条：年内被效能告诫一次，本年度考评不能评定为优秀等次"))
    if this_year.jiemian >= 2 or this_year.warnings >= 1:
        found.append((NOT_EXCELLENT, "绩效考评实施办法六（二）：年内被诫勉教育2次或效能告诫1次，不能评为优秀"))
    rating = INCOMPETENT if any(r == INCOMPETENT for r, _ in found) else (NOT_EXCELLENT if found else "")
    return Consequence(rating, tuple(reason for _, reason in found))


@dataclass(frozen=True)
class WindowStanding:
    cannot_be_advanced: bool  # 第十条: not an advanced collective (先进集体)
    loses_award_eligibility: bool  # 六(二): no year-end award (评优) for the window
    reasons: tuple[str, ...]


def window_standing(window_total: Counts, officials: Iterable[Counts]) -> WindowStanding:
    """`window_total` counts the window's own sanctions and its officials'; `officials` one Counts each."""
    reasons = []
    barred = window_total.jiemian >= 3 or window_total.warnings >= 1
    if barred:
        reasons.append("第十条：本窗口工作人员年内被诫勉教育总数达三次（含三次）以上或被效能告诫一次以上，"
                       "该窗口不能评为先进集体")
    no_award = any(o.jiemian >= 2 or o.warnings >= 1 for o in officials)
    if no_award:
        reasons.append("绩效考评实施办法六（二）：窗口工作人员年内被诫勉教育2次或效能告诫1次，该窗口年终考评取消评优资格")
    return WindowStanding(barred, no_award, tuple(reasons))


def appeal_deadline(calendar: WorkingCalendar, delivered_on: date) -> date:
    """第十一条: the last day to appeal, the 5th working day after the letter was received."""
    return calendar.add_working_days(delivered_on, APPEAL_WORKING_DAYS)


def appeal_closes_at(calendar: WorkingCalendar, delivered_on: date) -> datetime:
    """第十一条: the appeal window closes at the close of its last day (the timer appeal_window_closed)."""
    return calendar.close_of(appeal_deadline(calendar, delivered_on))


def appeal_is_late(calendar: WorkingCalendar, delivered_on: date, day: date) -> bool:
    return day > appeal_deadline(calendar, delivered_on)


def appeal_decision_due(calendar: WorkingCalendar, received_on: date) -> date:
    """第十一条: the deciding body answers within 10 working days of receiving the appeal."""
    return calendar.add_working_days(received_on, APPEAL_DECISION_WORKING_DAYS)
