"""The 联办件 process (bpmn/joint_review.bpmn): its deployment, its service tasks and the record behind an instance.

The rules stay in joint.py; the handlers only carry the forms' answers (stored by the task that completed) and the
branch data into those services, so a step taken in a page, the API or a benchmark obeys the same checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from workflows.applications import joint
from workflows.applications.models import Application, CoDepartmentReview
from workflows.org.models import Official
from workflows.runtime.models import AuditEvent, ProcessDefinition, ProcessInstance
from workflows.runtime.services.definitions import deploy_from_files


def deploy_joint_review(bpmn_dir: Path | None = None, deployed_by: Official | None = None) -> list[ProcessDefinition]:
    """Deploy bpmn/joint_review.bpmn; an unchanged file keeps its deployed version."""
    bpmn_dir = Path(bpmn_dir or settings.GOVFLOW_BPMN_DIR)
    return [deploy_from_files(joint.JOINT_REVIEW_PROCESS, [bpmn_dir / "joint_review.bpmn"], deployed_by)]


def application_of_instance(instance: ProcessInstance) -> Application | None:
    """The application a joint review runs for: the instance's business record (its own, or the calling process's)."""
    return Application.objects.select_related("item", "department").filter(instance=instance).first()


def joint_reading(application: Application, reader: Official | None) -> dict[str, Any]:
    """Every department's answer (deemed consents marked), every meeting and the lead's conclusion once given, for
    the case summary. The conclusion is the process's output (joint_conclusion) and its audit row, not a column:
    the application's own outcome is the application flow's to record."""
    concluded = (AuditEvent.objects.filter(instance_id=application.instance_id, action="joint_review_concluded")
                 .select_related("actor").order_by("-at", "-id").first() if application.instance_id else None)
    return {
        "co_reviews": list(application.co_reviews.select_related("department", "answered_by")),
        "joint_meetings": list(application.meetings.prefetch_related("absent_departments")
                               .select_related("recorded_by")),
        "joint_conclusion": concluded,
    }


def _official(answer: dict[str, Any]) -> Official:
    return Official.objects.get(pk=answer["completed_by"])


def _application(application_id: int) -> Application:
    return Application.objects.select_related("item", "department").get(pk=application_id)


def open_joint_case(context: dict[str, Any], application_id: int) -> dict:
    return joint.open_joint_case(application_id)


def open_co_reviews(context: dict[str, Any], application_id: int) -> dict:
    inform = context["inform"]
    return {"reviews": joint.inform_co_departments(_application(application_id), days=inform.get("review_days"),
                                                  informed_by=_official(inform))}


def record_co_department_answer(context: dict[str, Any], review_id: int) -> dict:
    answer = context["review_answer"]
    review = CoDepartmentReview.objects.select_related("application", "department").get(pk=review_id)
    review = joint.record_co_answer(review, agree=answer.get("agree"), opinion=str(answer.get("opinion") or ""),
                                    answered_by=_official(answer))
    return {"answer": review.answer}


def handle_silent_department(context: dict[str, Any], review_id: int) -> dict:
    review = CoDepartmentReview.objects.select_related("application__department", "department").get(pk=review_id)
    return {"deemed_consent": joint.handle_silence(review, context["review"])}


def record_joint_meeting(context: dict[str, Any], application_id: int) -> dict:
    meeting = context["meeting"]
    return {"reviews": joint.record_joint_meeting(
        _application(application_id), minutes=str(meeting.get("minutes") or ""),
        absent_department_ids=meeting.get("absent_department_ids") or [], recorded_by=_official(meeting))}


def record_joint_conclusion(context: dict[str, Any], application_id: int) -> dict:
    answer = context["conclusion_answer"]
    approved = {"approve": True, "not_approve": False}.get(answer.get("decision"))
    return joint.conclude_joint_review(_application(application_id), approved=approved,
                                       opinion=str(answer.get("opinion") or ""), concluded_by=_official(answer))


SERVICES = {
    "applications.open_joint_case": open_joint_case,
    "applications.open_co_reviews": open_co_reviews,
    "applications.record_co_department_answer": record_co_department_answer,
    "applications.handle_silent_department": handle_silent_department,
    "applications.record_joint_meeting": record_joint_meeting,
    "applications.record_joint_conclusion": record_joint_conclusion,
}
