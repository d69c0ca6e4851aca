"""Input of the generic pages that is not a task form: the inbox filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.runtime.selectors import process_names

TABS = [("mine", _("My tasks")), ("claimable", _("To claim")), ("done", _("Done"))]


class InboxFilterForm(forms.Form):
    tab = forms.ChoiceField(choices=TABS, required=False, widget=forms.HiddenInput)
    process = forms.ChoiceField(label=_("Process"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

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
        }
