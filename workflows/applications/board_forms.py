"""The board's and the department list's filters, and the public look-up's form."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from workflows.applications.models import Application, Rating, ServiceItem
from workflows.org.models import Department


class BoardFilterForm(forms.Form):
    """Department, kind, late only; an invalid value is dropped rather than refused, as in the other lists. The
    departments offered are those of the cases the reader may see."""

    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False,
                                        empty_label=_("All departments"))
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *ServiceItem.KINDS], required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, data, visible: QuerySet[Application]) -> None:
        super().__init__(data)
        departments = visible.values("department_id")
        self.fields["department"].queryset = Department.objects.filter(pk__in=departments).order_by("name")

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "department_id": data["department"].pk if data.get("department") else None,
            "kind": data.get("kind") or "",
            "late_only": bool(data.get("overdue")),
        }


class LookupForm(forms.Form):
    """办件查询: the number printed on the receipt and the phone given at intake."""

    number = forms.CharField(label=_("Application number"), max_length=40,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))
    phone = forms.CharField(label=_("Phone given at the window"), max_length=30,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))


class RatingForm(forms.Form):
    """好差评 on the look-up page: one of the five grades of the national 好差评 scale and an optional comment."""

    score = forms.TypedChoiceField(label=_("Your rating"), choices=Rating.SCORES, coerce=int,
                                   widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
