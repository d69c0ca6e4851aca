"""Which form completes which task: the BPMN's `form` property names one of these keys."""

from __future__ import annotations

from typing import Any

from workflows.discipline.forms import (
    AppealDecisionForm,
    ComplaintReplyForm,
    DeliveryForm,
    InvestigationForm,
    NotificationFilingForm,
    SanctionDecisionForm,
    TalkForm,
)
from workflows.leave.forms import ConfirmSubstituteForm, ReportBackForm
from workflows.runtime.forms import AcknowledgeForm, ApprovalForm, TaskForm
from workflows.runtime.models import HumanTask

TASK_FORMS: dict[str, type[TaskForm]] = {
    "approval": ApprovalForm,
    "confirm_substitute": ConfirmSubstituteForm,
    "report_back": ReportBackForm,
    "acknowledge": AcknowledgeForm,
    "investigation": InvestigationForm,
    "complaint_reply": ComplaintReplyForm,
    "sanction_decision": SanctionDecisionForm,
    "talk": TalkForm,
    "delivery": DeliveryForm,
    "notification_filing": NotificationFilingForm,
    "appeal_decision": AppealDecisionForm,
}

# Tasks their own service completes, with records a task form cannot make, and where to go instead:
# the written appeal (text and files, services.file_appeal) is filed on the case page or its API.
SERVICE_COMPLETED = {
    "appeal": "书面申辩须在案件页或通过 /api/cases/{id}/appeal/ 提出 / file the appeal on the case page or via "
              "/api/cases/{id}/appeal/",
}


def has_task_form(task: HumanTask) -> bool:
    return task.form not in SERVICE_COMPLETED


def task_form(task: HumanTask, data: Any = None) -> TaskForm:
    """The form for `task`, bound to `data` when given; unknown keys get a comment-only form."""
    return TASK_FORMS.get(task.form, AcknowledgeForm).for_task(task, data)
