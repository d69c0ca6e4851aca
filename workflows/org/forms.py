"""The calendar override form: an override that overrules the statutory calendar needs a deliberate tick."""

from __future__ import annotations

from django import forms

from engine.calendar import statutory_conflict
from workflows.org.models import CalendarOverride


class CalendarOverrideForm(forms.ModelForm):
    confirm_statutory = forms.BooleanField(
        required=False, label="确认改变法定安排",
        help_text="把法定节假日改为上班、或把调休上班日改为放假时须勾选。",
    )

    class Meta:
        model = CalendarOverride
        fields = ["day", "kind", "note", "confirm_statutory"]

    def clean(self) -> dict:
        cleaned = super().clean()
        day, kind = cleaned.get("day"), cleaned.get("kind")
        if day is None or kind is None:
            return cleaned
        conflict = statutory_conflict(day, working=kind == CalendarOverride.WORKING_DAY)
        if conflict and not cleaned.get("confirm_statutory"):
            raise forms.ValidationError(
                "%(conflict)s，与国务院公布的安排相反。确需调整请勾选“确认改变法定安排”后再保存。",
                code="statutory_conflict", params={"conflict": conflict},
            )
        return cleaned
