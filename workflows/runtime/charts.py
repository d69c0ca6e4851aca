"""The monitoring page's charts as data: one aggregate query each, whatever the centre's size.

The runtime contributes what its own tables know (open and overdue tasks per department); each process family may
contribute charts of its business records through `ProcessFamily.charts` (applications by kind and lateness,
monthly sanctions and appeals, leave days per window), so this module imports no family. A chart is plain data
(categories and named series) that the page hands to ECharts as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from workflows.runtime.clock import now, today
from workflows.runtime.models import HumanTask
from workflows.runtime.registry import families


@dataclass(frozen=True)
class Series:
    name: str
    data: list[float]
    stack: str = ""  # series with the same stack are drawn on top of each other


@dataclass(frozen=True)
class Chart:
    """One chart: `kind` "bar" or "line", one value per category in each series."""

    id: str
    title: str
    kind: str
    categories: list[str]
    series: list[Series]


def last_months(count: int = 12, until: date | None = None) -> list[date]:
    """The first days of the last `count` months up to `until`'s (default today), oldest first."""
    day = until or today()
    year, month = day.year, day.month
    months = []
    for _n in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def month_series(name: str, months: Sequence[date], counts: Iterable[tuple[date, int]]) -> Series:
    """A series over `months` from (month start, count) rows; months without rows count 0."""
    by_month = {(m.year, m.month): n for m, n in counts if m is not None}
    return Series(name, [by_month.get((m.year, m.month), 0) for m in months])


def tasks_by_department() -> Chart:
    """Open tasks per department and how many of them are overdue: one grouped count over the open task rows."""
    rows = (HumanTask.objects.filter(state=HumanTask.OPEN).values("department__name")
            .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now())))
            .order_by("department__name"))
    rows = list(rows)
    return Chart("tasks_by_department", _("Open and overdue tasks per department"), "bar",
                 [r["department__name"] or _("No department") for r in rows],
                 [Series(_("Open"), [r["open"] for r in rows]), Series(_("Overdue"), [r["overdue"] for r in rows])])


def monitoring_charts() -> list[dict]:
    """Every chart of the monitoring page, as JSON-ready dicts: the runtime's first, then each family's."""
    charts = [tasks_by_department()]
    for family in families():
        if family.charts is not None:
            charts.extend(family.charts())
    return [asdict(chart) for chart in charts]
