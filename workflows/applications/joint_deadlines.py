"""The co-department review deadline moved by a calendar override entered after the departments were informed.

joint.inform_co_departments (and joint.record_joint_meeting, for the answers after a meeting) count the round's
deadline once and store it: on each review row (due_at), in each department's branch as `review_due_at` (the task's
due date) and `review_closes_at` (the deadline timer). A holiday announced later must move all three, counted by the
same rules (engine.time_limits.review_due_at, joint.closes_at) from what the branch keeps: the day the department was
asked and the working days it was given. Registered as the applications family's StoredDeadlines.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from engine.time_limits import CoReview, review_due_at
from workflows.applications.joint import closes_at
from workflows.applications.models import CoDepartmentReview
from workflows.org.selectors import working_calendar
from workflows.runtime.models import HumanTask, ProcessInstance
from workflows.runtime.registry import StoredDeadlines

DUE, CLOSES = "review_due_at", "review_closes_at"  # the branch variables (bpmn/joint_review.bpmn, take_review)
REVIEW_STEP = "answer_co_department_review"


def recount(instance: ProcessInstance, data: Mapping[str, Any]) -> dict[str, str]:
    """The open round's deadline again on today's calendar; {} when no review waits for it or it has not moved.

    The departments of a round share one deadline (第十一条（四）: the lead sets one): one count serves them all.
    A finished round's branch data stays in the process (merged back), hence the look at the open review tasks."""
    review = data.get("review")
    if not isinstance(review, Mapping) or not data.get(CLOSES) or not HumanTask.objects.filter(
            instance=instance, state=HumanTask.OPEN, spec_name=REVIEW_STEP).exists():
        return {}
    co = CoReview(str(review["department"]), date.fromisoformat(review["informed_on"]), int(review["working_days"]),
                  bool(review["silent_consent"]))
    counted = {DUE: review_due_at(working_calendar(), co).isoformat(), CLOSES: closes_at(co).isoformat()}
    return {} if all(data.get(name) == value for name, value in counted.items()) else counted


def store(instance: ProcessInstance, moved: Mapping[str, str]) -> None:
    """The rows still waiting for an answer (not yet marked overdue) show the moved deadline."""
    if DUE in moved:
        CoDepartmentReview.objects.filter(application__instance=instance, answer="",
                                          overdue_alerted_at__isnull=True).update(due_at=datetime.fromisoformat(
                                              moved[DUE]))


JOINT_REVIEW_DEADLINE = StoredDeadlines(recount=recount, store=store)
