"""The 抄送 form on task and case pages: officials and/or roles, and a note."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.org.models import Official
from workflows.org.roles import ROLE_LABELS
from workflows.runtime.services.copies import COPYABLE_ROLES, NOTE_MAX


class CaseCopyForm(forms.Form):
    officials = forms.ModelMultipleChoiceField(
        label=_("Officials"), required=False, queryset=Official.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}))
    roles = forms.MultipleChoiceField(
        label=_("Roles"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(role, ROLE_LABELS[role]) for role in COPYABLE_ROLES])
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX,
                           widget=forms.TextInput(attrs={"placeholder": _("Optional")}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officials"].queryset = Official.objects.filter(active=True).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not data.get("officials") and not data.get("roles"):
            raise forms.ValidationError(_("Choose at least one official or role to copy the case to."))
        return data

    def payload(self) -> dict[str, Any]:
        return {"official_ids": [o.pk for o in self.cleaned_data["officials"]],
                "roles": list(self.cleaned_data["roles"]), "note": self.cleaned_data["note"]}
