"""The case's due date moved by a calendar override entered after the clock started (限时办结制, engine.calendar).

The application's due date is folded from its clock entries on the calendar of the day it was written
(clock.keep_in_step) and stored three ways: Application.due_at (the board sorts by it) and the process variables
due_at and remind_at that the handling task's due date and its two timers read. A holiday announced later must move
them all, counted by the same rules; registered as the applications family's StoredDeadlines (the 否定报备
instances have no such variables and are left alone).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from workflows.applications import clock
from workflows.applications.joint_deadlines import JOINT_REVIEW_DEADLINE
from workflows.applications.models import Application
from workflows.runtime.models import ProcessInstance
from workflows.runtime.registry import StoredDeadlines

DUE_AT, REMIND_AT = "due_at", "remind_at"  # process variables of bpmn/application.bpmn


def recount(instance: ProcessInstance, data: Mapping[str, Any]) -> dict[str, str]:
    """The running case's due date and reminder again on today's calendar; {} when they have not moved."""
    stored = data.get(DUE_AT)
    if not stored:
        return {}
    application = Application.objects.filter(instance=instance, status=Application.IN_PROGRESS).first()
    if application is None:
        return {}
    due = clock.view(application).due_at
    if due is None or due == datetime.fromisoformat(stored):
        return {}
    return {DUE_AT: due.isoformat(), REMIND_AT: clock.reminder_at(due).isoformat()}


def store(instance: ProcessInstance, moved: Mapping[str, str]) -> None:
    """The board's copy follows the moved due date."""
    if DUE_AT in moved:
        Application.objects.filter(instance=instance).update(due_at=datetime.fromisoformat(moved[DUE_AT]))


CASE_DUE_DATE = StoredDeadlines(recount=recount, store=store)


def _recount_both(instance: ProcessInstance, data: Mapping[str, Any]) -> dict[str, str]:
    return {**recount(instance, data), **JOINT_REVIEW_DEADLINE.recount(instance, data)}


def _store_both(instance: ProcessInstance, moved: Mapping[str, str]) -> None:
    store(instance, moved)
    JOINT_REVIEW_DEADLINE.store(instance, moved)


APPLICATION_DEADLINES = StoredDeadlines(recount=_recount_both, store=_store_both)
"""The family's one registration: the case's due date and, for a 联办件, its open review round's deadline (their
variables differ, so each part moves only its own)."""
