"""The centre leader's task form in the 否定报备 process: agree or not, with an opinion (always written down)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.runtime.forms import TaskForm


class RefusalDecisionForm(TaskForm):
    """decide_by_centre_leader: {"agree": bool, "opinion": str}; refusals.record_decision requires the opinion."""

    comment = None
    agree = forms.TypedChoiceField(
        label=_("Decision on the refusal"), coerce=lambda value: value == "true", widget=forms.RadioSelect,
        choices=[("true", _("Agree: register the refusal")), ("false", _("Disagree: withdraw the refusal"))],
    )
    opinion = forms.CharField(label=_("Leader's opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def payload(self) -> dict[str, Any]:
        return {"agree": self.cleaned_data["agree"], "opinion": self.cleaned_data["opinion"].strip()}
