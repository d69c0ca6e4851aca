"""Input of the generic pages that is not a task form: the inbox filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.runtime.models import ProcessInstance
from workflows.runtime.selectors import process_names

TABS = [("mine", _("My tasks")), ("claimable", _("To claim")), ("done", _("Done"))]


class InboxFilterForm(forms.Form):
    tab = forms.ChoiceField(choices=TABS, required=False, widget=forms.HiddenInput)
    process = forms.ChoiceField(label=_("Process"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    date_from = forms.DateField(label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["process"].choices = [("", _("All processes")), *process_names().items()]
        self.fields["q"].widget.attrs["placeholder"] = _("Title, case number or applicant")

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid value (a stale process key, say) is dropped rather than an error page."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "tab": data.get("tab") or "mine",
            "process": data.get("process", ""),
            "text": data.get("q", "").strip(),
            "overdue": data.get("overdue", False),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


class StartedFilterForm(forms.Form):
    """我发起的: the cases I started or that are about me, by case number or applicant, process, status, start day."""

    process = forms.ChoiceField(label=_("Process"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *ProcessInstance.STATUSES])
    date_from = forms.DateField(label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["process"].choices = [("", _("All processes")), *process_names().items()]
        self.fields["q"].widget.attrs["placeholder"] = _("Case number or applicant")

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid one (a date typed wrong, a stale process) is dropped, as in the inbox."""
        self.is_valid()
        data = self.cleaned_data
        return {"process": data.get("process", ""), "text": data.get("q", "").strip(),
                "status": data.get("status", ""), "date_from": data.get("date_from"), "date_to": data.get("date_to")}
