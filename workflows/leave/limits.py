"""How long one leave of each type may be, as data with the rule it comes from.

A maximum is counted either in working days (statutory holidays and weekends left out, like `days` on the
request) or in calendar days, when the rule book says rest days and holidays are part of the leave
(002 2.3.5「婚假包括公休假和法定假」). A type the seeds give no maximum for has `max_days=None`; its source
says so, and only the general bounds of `workflows.leave.services` apply to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WORKING_DAYS = "working"
CALENDAR_DAYS = "calendar"
UNIT_NAMES = {WORKING_DAYS: "个工作日", CALENDAR_DAYS: "天（含公休日和法定节假日）"}

NO_SEED_MAXIMUM = "种子制度（000–004）未规定单次最长天数"


@dataclass(frozen=True)
class LeaveTypeLimit:
    leave_type: str
    max_days: Decimal | None
    unit: str
    source: str

    @property
    def unit_name(self) -> str:
        return UNIT_NAMES[self.unit]


LEAVE_TYPE_LIMITS: dict[str, LeaveTypeLimit] = {
    limit.leave_type: limit
    for limit in (
        LeaveTypeLimit("事假", None, WORKING_DAYS,
                       NO_SEED_MAXIMUM + "；001 考评以全年事假（病假）累计 30 天计，不是单次上限"),
        LeaveTypeLimit("病假", None, WORKING_DAYS, NO_SEED_MAXIMUM + "；003 二（五）2 期满可续假"),
        LeaveTypeLimit("年休假", None, WORKING_DAYS, NO_SEED_MAXIMUM + "（天数取决于工龄，种子未列）"),
        LeaveTypeLimit("婚假", Decimal(17), CALENDAR_DAYS,
                       "002 2.3.1–2.3.2、2.3.5：法定婚假 3 天，晚婚假 17 天（含 3 天法定婚假），含公休日和法定节假日"),
        LeaveTypeLimit("产假", Decimal(165), CALENDAR_DAYS,
                       "002 2.4.1–2.4.2：产假 90 天，晚育加 30 天，难产或双生加 15 天，"
                       "领独生子女父母光荣证再延长 30 天，合计最多 165 天"),
        LeaveTypeLimit("探亲假", None, WORKING_DAYS, NO_SEED_MAXIMUM + "（003 二（二）只写「按规定享受」）"),
        LeaveTypeLimit("丧假", None, WORKING_DAYS, NO_SEED_MAXIMUM + "（003 二（二）只写「按规定享受」）"),
        LeaveTypeLimit("因公外出", None, WORKING_DAYS, NO_SEED_MAXIMUM),
    )
}
