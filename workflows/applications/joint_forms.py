"""The 联办件 process's task forms: the lead informs, a co-department answers, the centre office records a joint
meeting, the lead concludes. Each checks with joint.py's rules before the task completes, so a refused input keeps
the task open with the reason on its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.applications import joint
from workflows.applications.joint_process import application_of_instance
from workflows.applications.models import Application
from workflows.runtime.forms import TaskForm
from workflows.runtime.models import HumanTask


class _JointTaskForm(TaskForm):
    """A form that knows its application (the instance's record); None only for a task of a broken case."""

    comment = None
    application: Application | None = None

    @classmethod
    def for_task(cls, task: HumanTask, data: Any = None) -> TaskForm:
        form = cls(data)
        form.application = application_of_instance(task.instance)
        form.prepare()
        return form

    def prepare(self) -> None:
        """Shape fields that depend on the application (choices)."""

    def _refused(self, refusal: joint.JointReviewRefused) -> None:
        self.add_error(refusal.field if refusal.field in self.fields else None, str(refusal))


class JointInformForm(_JointTaskForm):
    """inform_co_departments: {"mode": "written" | "meeting", "review_days": int}."""

    WRITTEN, MEETING = "written", "meeting"
    mode = forms.ChoiceField(label=_("How the co-departments are consulted"), widget=forms.RadioSelect,
                             choices=[(WRITTEN, _("In writing, each department at the same time")),
                                      (MEETING, _("Call a joint meeting (major matter)"))], initial=WRITTEN)
    review_days = forms.IntegerField(label=_("Review period (working days)"), initial=joint.DEFAULT_REVIEW_DAYS,
                                     min_value=1, max_value=joint.MAX_REVIEW_DAYS, required=False)

    def clean(self) -> dict[str, Any]:
        """The period matters only for a written round (a meeting's answers are due the next working day)."""
        cleaned = super().clean()
        days = cleaned.get("review_days")
        if cleaned.get("mode") == self.WRITTEN and days is None and "review_days" not in self.errors:
            self.add_error("review_days", forms.Field.default_error_messages["required"])
        elif cleaned.get("mode") == self.WRITTEN and days is not None and self.application is not None:
            try:
                joint.check_review_days(self.application, days)
            except joint.JointReviewRefused as refusal:
                self._refused(refusal)
        return cleaned

    def payload(self) -> dict[str, Any]:
        return {"mode": self.cleaned_data["mode"], "review_days": self.cleaned_data["review_days"]}  # None: meeting


class CoDepartmentReviewForm(_JointTaskForm):
    """answer_co_department_review / answer_overdue_co_department_review: {"agree": bool, "opinion": str}."""

    agree = forms.NullBooleanField(
        label=_("The department's answer"),
        widget=forms.RadioSelect(choices=[("true", _("Agree")), ("false", _("Disagree"))]),
    )
    opinion = forms.CharField(label=_("Opinion"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("agree") is None and "agree" not in self.errors:
            self.add_error("agree", _("Choose whether the department agrees."))
        elif cleaned.get("agree") is False and not cleaned.get("opinion", "").strip():
            self.add_error("opinion", _("A department that disagrees must give its opinion."))
        return cleaned

    def payload(self) -> dict[str, Any]:
        return {"agree": self.cleaned_data["agree"], "opinion": self.cleaned_data["opinion"].strip()}


class JointMeetingForm(_JointTaskForm):
    """record_joint_meeting: {"minutes": str, "absent_department_ids": [int]}."""

    minutes = forms.CharField(label=_("Minutes of the joint meeting"), max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 5}))
    absent_department_ids = forms.TypedMultipleChoiceField(
        label=_("Departments absent without special reason"), required=False, coerce=int,
        widget=forms.CheckboxSelectMultiple)

    def prepare(self) -> None:
        """The application's co-departments; an item changed meanwhile leaves none, and the service says why."""
        if self.application is not None:
            try:
                departments = joint.co_departments(self.application)
            except joint.JointReviewRefused:
                departments = []
            self.fields["absent_department_ids"].choices = [(d.pk, d.name) for d in departments]

    def payload(self) -> dict[str, Any]:
        return {"minutes": self.cleaned_data["minutes"].strip(),
                "absent_department_ids": self.cleaned_data["absent_department_ids"]}


class JointConclusionForm(_JointTaskForm):
    """conclude_joint_review: {"decision": "approve" | "not_approve" | "meeting", "opinion": str}."""

    APPROVE, NOT_APPROVE, MEETING = "approve", "not_approve", "meeting"
    decision = forms.ChoiceField(label=_("Conclusion of the lead department"), widget=forms.RadioSelect,
                                 choices=[(APPROVE, _("Approve")), (NOT_APPROVE, _("Do not approve")),
                                          (MEETING, _("Call a joint meeting first"))])
    opinion = forms.CharField(label=_("Opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision in (self.APPROVE, self.NOT_APPROVE) and cleaned.get("opinion") and self.application is not None:
            try:
                joint.check_conclusion(self.application, approved=decision == self.APPROVE,
                                       opinion=cleaned["opinion"])
            except joint.JointReviewRefused as refusal:
                self._refused(refusal)
        return cleaned

    def payload(self) -> dict[str, Any]:
        return {"decision": self.cleaned_data["decision"], "opinion": self.cleaned_data["opinion"].strip()}


TASK_FORMS = {
    "joint_inform": JointInformForm,
    "co_department_review": CoDepartmentReviewForm,
    "joint_meeting": JointMeetingForm,
    "joint_conclusion": JointConclusionForm,
}
