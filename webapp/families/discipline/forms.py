"""The ledger (台帐) filters: year, department, window, official; the violation records' filter (case or pending)
and the centre office's case for a record the duty-rule table left to it."""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from workflows.discipline.catalogue import rule_label
from workflows.discipline.models import MEASURE_CHOICES, TARGET_KIND_CHOICES, ViolationRecord, ViolationRule
from workflows.org.models import Department, Official, Window
from workflows.runtime.clock import today


class LedgerFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.order_by("id"),
                                        required=False, empty_label=_("All departments"))
    window = forms.ModelChoiceField(label=_("Window"), required=False, empty_label=_("All windows"),
                                    queryset=Window.objects.select_related("department").order_by("id"))
    official = forms.ModelChoiceField(label=_("Official"), required=False, empty_label=_("All officials"),
                                      queryset=Official.objects.filter(window__isnull=False).order_by("id"))

    @classmethod
    def for_query(cls, query: QueryDict) -> LedgerFilterForm:
        """Bound to the query string, the year defaulting to this one."""
        return cls({"year": str(today().year), **query.dict()})

    def filters(self) -> tuple[int, dict[str, int | None]]:
        """The year and the ids to filter by; an invalid value is dropped, as in the inbox."""
        self.is_valid()
        data = self.cleaned_data
        ids = {f"{name}_id": data[name].pk if data.get(name) else None for name in ("department", "window", "official")}
        return data.get("year") or today().year, ids

    def window_id(self) -> int | None:
        """The window table narrows to the chosen window, or else to the chosen official's."""
        official = self.cleaned_data.get("official")
        window = self.cleaned_data.get("window")
        return window.pk if window else (official.window_id if official else None)


class ViolationFilterForm(forms.Form):
    PENDING, WITH_CASE = "pending", "case"
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("All records")), (PENDING, _("For the centre office to decide")), (WITH_CASE, _("With a case"))])

    def pending(self) -> bool | None:
        """True, False or None (all), as selectors.violation_records takes it; an invalid value shows all."""
        status = self.cleaned_data.get("status") if self.is_valid() else ""
        return {self.PENDING: True, self.WITH_CASE: False}.get(status)


class RecordCaseForm(forms.Form):
    """立案 for a pending violation record: what the table did not say, the centre office does."""

    measure = forms.ChoiceField(label=_("Measure"), choices=MEASURE_CHOICES)
    target_kind = forms.ChoiceField(label=_("Measure for"), choices=TARGET_KIND_CHOICES)
    rule_code = forms.ModelChoiceField(label=_("Catalogue item"), queryset=ViolationRule.objects.all(),
                                       to_field_name="code", required=False)
    other_text = forms.CharField(label=_("Other circumstance"), max_length=500, required=False,
                                 help_text=_("When no catalogue item fits, describe the breach."))
    facts = forms.CharField(label=_("Facts"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("Left empty, the record's facts stand."))

    def __init__(self, *args, record: ViolationRecord, **kwargs) -> None:
        kwargs.setdefault("initial", {"facts": record.facts,
                                      "target_kind": "official" if record.official_id else "window"})
        super().__init__(*args, **kwargs)
        self.fields["rule_code"].label_from_instance = rule_label

    def case(self) -> dict:
        """The keyword arguments of violations.open_case_for_record."""
        data = dict(self.cleaned_data)
        data["rule_code"] = data["rule_code"].code if data["rule_code"] else ""
        return data
