"""How an inbox shows a deadline: working days left, today, or overdue."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from engine.calendar import WorkingCalendar
from workflows.runtime.clock import now
from workflows.runtime.models import HumanTask
from workflows.runtime.selectors import working_days_left


@dataclass(frozen=True)
class Due:
    days_left: int | None
    overdue: bool

    @property
    def label(self) -> str:
        if self.days_left is None:
            return ""
        if self.days_left < 0:
            n = -self.days_left
            return ngettext("%(n)d working day overdue", "%(n)d working days overdue", n) % {"n": n}
        if self.overdue:
            return _("Overdue")
        if self.days_left == 0:
            return _("Due today")
        return ngettext("%(n)d working day left", "%(n)d working days left", self.days_left) % {"n": self.days_left}


def due_of(task: HumanTask, calendar: WorkingCalendar | None = None) -> Due:
    """Open tasks only count down; a closed task is never overdue."""
    if task.state != HumanTask.OPEN:
        return Due(None, False)
    days = working_days_left(task, calendar)
    return Due(days, task.due_at is not None and task.due_at < now())
