"""The 否定报备 process's forms: the handler's proposal that starts it and the centre leader's decision (agree or
not, with an opinion always written down)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.applications.models import Refusal, ServiceItem
from workflows.applications.refusals import RefusalInput
from workflows.runtime.forms import TaskForm


class RefusalDecisionForm(TaskForm):
    """decide_by_centre_leader: {"agree": bool, "opinion": str}; refusals.record_decision requires the opinion."""

    comment = None
    agree = forms.NullBooleanField(
        label=_("Decision on the refusal"),
        widget=forms.RadioSelect(choices=[("true", _("Agree: register the refusal")),
                                          ("false", _("Disagree: withdraw the refusal"))]),
    )
    opinion = forms.CharField(label=_("Leader's opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_agree(self) -> bool:
        """A null boolean (so the page's "true"/"false" and the API's JSON booleans both read), but never left open."""
        if self.cleaned_data.get("agree") is None:
            raise forms.ValidationError(_("Choose whether you agree."))
        return self.cleaned_data["agree"]

    def payload(self) -> dict[str, Any]:
        return {"agree": self.cleaned_data["agree"], "opinion": self.cleaned_data["opinion"].strip()}


class RefusalProposalForm(forms.Form):
    """What the handler enters to propose a refusal (the start of the rejection_report process); refusals._check
    holds the rules, so this form only shapes the input and shows the service's refusal on its field."""

    item = forms.ModelChoiceField(label=_("Service item"), queryset=ServiceItem.objects.order_by("code"))
    applicant = forms.CharField(label=_("Applicant or company"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    matter = forms.CharField(label=_("Matter applied for"), widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 2}))
    notice_kind = forms.ChoiceField(label=_("Notice"), choices=Refusal.NOTICE_KINDS, initial=Refusal.NOT_ACCEPTED)

    def add_refusal(self, field: str | None, message: str) -> None:
        self.add_error(field if field in self.fields else None, message)

    def proposal(self) -> RefusalInput:
        data = self.cleaned_data
        return RefusalInput(item_id=data["item"].pk, applicant=data["applicant"], phone=data["phone"],
                            matter=data["matter"], reason=data["reason"], legal_basis=data["legal_basis"],
                            notice_kind=data["notice_kind"])
