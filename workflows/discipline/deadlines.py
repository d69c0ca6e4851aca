"""The appeal window (第十一条) moved by a calendar override entered after the letter was delivered.

discipline.record_delivery counts the window once and stores it (the case's appeal_deadline, the process
variable the timer appeal_window_closed reads); a holiday announced later must move both, counted by the
same rule (rules.appeal_deadline). Registered as the family's StoredDeadlines.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine.clock import CENTRE_TZ
from workflows.discipline.models import SanctionCase
from workflows.discipline.rules import appeal_closes_at
from workflows.discipline.selectors import open_step
from workflows.discipline.services import FILE_APPEAL_STEP
from workflows.org.selectors import working_calendar
from workflows.runtime.models import ProcessInstance
from workflows.runtime.registry import StoredDeadlines

APPEAL_DEADLINE = "appeal_deadline"  # the process variable (bpmn/sanction.bpmn)


def recount(instance: ProcessInstance, data: Mapping[str, Any]) -> dict[str, str]:
    """The appeal window again on today's calendar, while the appeal step is open; {} when it has not moved."""
    stored = data.get(APPEAL_DEADLINE)
    if not stored or open_step(instance, FILE_APPEAL_STEP) is None:
        return {}
    case = SanctionCase.objects.filter(instance=instance, delivered_on__isnull=False).first()
    if case is None:
        return {}
    closes = appeal_closes_at(working_calendar(), case.delivered_on)
    return {} if closes == datetime.fromisoformat(stored) else {APPEAL_DEADLINE: closes.isoformat()}


def store(instance: ProcessInstance, moved: Mapping[str, str]) -> None:
    """The case shows (and its letter's page counts down to) the moved last day."""
    case = SanctionCase.objects.get(instance=instance)
    case.appeal_deadline = datetime.fromisoformat(moved[APPEAL_DEADLINE]).astimezone(CENTRE_TZ).date()
    case.save(update_fields=["appeal_deadline"])


APPEAL_WINDOW = StoredDeadlines(recount=recount, store=store)
