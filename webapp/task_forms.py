"""Which form completes which task: the BPMN's `form` property names one of these keys."""

from __future__ import annotations

from typing import Any

from workflows.leave.forms import ConfirmSubstituteForm, ReportBackForm
from workflows.runtime.forms import AcknowledgeForm, ApprovalForm, TaskForm
from workflows.runtime.models import HumanTask

TASK_FORMS: dict[str, type[TaskForm]] = {
    "approval": ApprovalForm,
    "confirm_substitute": ConfirmSubstituteForm,
    "report_back": ReportBackForm,
    "acknowledge": AcknowledgeForm,
}


def task_form(task: HumanTask, data: Any = None) -> TaskForm:
    """The form for `task`, bound to `data` when given; unknown keys get a comment-only form."""
    return TASK_FORMS.get(task.form, AcknowledgeForm).for_task(task, data)
