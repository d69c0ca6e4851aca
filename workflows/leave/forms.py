"""Leave forms: filing a request, confirming the substitute, reporting back (销假)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.leave.models import LEAVE_TYPES
from workflows.leave.selectors import leave_request_of_instance, substitute_choices
from workflows.leave.services import LeaveApplication
from workflows.org.models import Official
from workflows.runtime.forms import TaskForm
from workflows.runtime.models import HumanTask
from workflows.runtime.validators import within_service_years

HALF_CHOICES = [("am", _("Morning")), ("pm", _("Afternoon"))]
_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class LeaveRequestForm(forms.Form):
    leave_type = forms.ChoiceField(label=_("Leave type"), choices=[(t, t) for t in LEAVE_TYPES])
    first_day = forms.DateField(label=_("First day"), widget=_DATE, validators=[within_service_years])
    first_half = forms.ChoiceField(label=_("From"), choices=HALF_CHOICES, initial="am")
    last_day = forms.DateField(label=_("Last day"), widget=_DATE, validators=[within_service_years])
    last_half = forms.ChoiceField(label=_("Until"), choices=HALF_CHOICES, initial="pm")
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    proposed_substitute = forms.ModelChoiceField(
        label=_("Proposed substitute"), queryset=Official.objects.none(), required=False
    )
    has_sick_certificate = forms.BooleanField(label=_("Sick certificate supplied"), required=False)

    def __init__(self, *args: Any, applicant: Official, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposed_substitute"].queryset = substitute_choices(applicant)

    def application(self) -> LeaveApplication:
        return LeaveApplication(**self.cleaned_data)


class ConfirmSubstituteForm(TaskForm):
    """The window head confirms (or replaces) the substitute the applicant proposed."""

    confirmed = forms.NullBooleanField(
        label=_("Substitute arrangement confirmed"),
        widget=forms.RadioSelect(choices=[("true", _("Yes")), ("false", _("No"))]),
    )
    substitute_id = forms.ModelChoiceField(label=_("Substitute"), queryset=Official.objects.none())
    field_order = ["confirmed", "substitute_id", "comment"]

    @classmethod
    def for_task(cls, task: HumanTask, data: Any = None) -> TaskForm:
        leave = leave_request_of_instance(task.instance)
        form = cls(data, initial={"substitute_id": leave.proposed_substitute_id if leave else None})
        if task.applicant is not None:
            form.fields["substitute_id"].queryset = substitute_choices(task.applicant)
        return form

    def clean_confirmed(self) -> bool:
        if self.cleaned_data.get("confirmed") is None:
            raise forms.ValidationError(_("Please answer yes or no."))
        return self.cleaned_data["confirmed"]

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"confirmed": data["confirmed"], "substitute_id": data["substitute_id"].pk, "comment": data["comment"]}


class ReportBackForm(TaskForm):
    """销假: back at work; a sick-leave certificate handed in now still counts."""

    sick_certificate_supplied = forms.BooleanField(label=_("Sick certificate supplied"), required=False)
    field_order = ["sick_certificate_supplied", "comment"]
