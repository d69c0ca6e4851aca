"""Discipline forms: the task forms of complaint.bpmn and sanction.bpmn (shapes in docs/discipline-contract.md),
complaint intake and the written appeal.

The `appeal` task has no task form: an appeal carries files and its own record, so it is filed
through services.file_appeal from the case page, never completed as a plain task.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from engine.clock import CENTRE_TZ
from workflows.discipline.catalogue import rule_label
from workflows.discipline.duty_rules import DUTY_RULES, FINDINGS, findings_of
from workflows.discipline.models import MEASURE_CHOICES, TARGET_KIND_CHOICES, Appeal, Complaint, ViolationRule
from workflows.discipline.rules import OFFICIAL, WINDOW
from workflows.discipline.selectors import case_of_instance, complaint_of_instance
from workflows.org.models import Official, Window
from workflows.runtime.clock import today
from workflows.runtime.forms import TaskForm
from workflows.runtime.models import HumanTask
from workflows.runtime.validators import check_upload_name, within_service_years

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def _text(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _yes_no(label: str) -> forms.NullBooleanField:
    choices = [("true", _("Yes")), ("false", _("No"))]
    return forms.NullBooleanField(label=label, widget=forms.RadioSelect(choices=choices))


class InvestigationForm(TaskForm):
    """调查核实: the finding feeds the duty-rule table; the investigator's own proposal stands where it has no row."""

    founded = _yes_no(_("Is the complaint founded?"))
    findings = forms.CharField(label=_("Findings"), max_length=4000, widget=_text())
    duty_rule = forms.ChoiceField(label=_("Duty rule breached"), required=False,
                                  choices=[("", _("Other (none of the six)")), *((r, r) for r in DUTY_RULES)])
    finding = forms.ChoiceField(label=_("What was found"), required=False,
                                choices=[("", "—"), *FINDINGS.items()])
    occurrence = forms.IntegerField(label=_("Occurrence"), min_value=1, initial=1,
                                    help_text=_("1 the first time this target is found doing this"))
    rule_code = forms.ModelChoiceField(label=_("Catalogue item"), queryset=ViolationRule.objects.all(),
                                       to_field_name="code", required=False)
    proposed_measure = forms.ChoiceField(label=_("Proposed measure"), required=False,
                                         choices=[("", _("None")), *MEASURE_CHOICES])
    target_kind = forms.ChoiceField(label=_("Measure for"), choices=TARGET_KIND_CHOICES)
    field_order = ["founded", "findings", "duty_rule", "finding", "occurrence", "rule_code", "proposed_measure",
                   "target_kind", "comment"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule_code"].label_from_instance = rule_label

    @classmethod
    def for_task(cls, task: HumanTask, data: Any = None) -> TaskForm:
        complaint = complaint_of_instance(task.instance)
        return cls(data, initial={"target_kind": complaint.target_kind if complaint else OFFICIAL})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("founded") is None:
            self.add_error("founded", _("Please answer yes or no."))
        elif cleaned["founded"]:
            duty_rule, finding = cleaned.get("duty_rule", ""), cleaned.get("finding", "")
            if duty_rule and not finding:
                self.add_error("finding", _("Choose what was found under this duty rule."))
            elif finding and finding not in findings_of(duty_rule):
                self.add_error("finding", _("This finding does not belong to the chosen duty rule."))
        return cleaned

    def payload(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["rule_code"] = data["rule_code"].code if data["rule_code"] else ""
        return data


class ComplaintReplyForm(TaskForm):
    reply = forms.CharField(label=_("Reply to the complainant"), max_length=4000, widget=_text())
    field_order = ["reply", "comment"]


class SanctionDecisionForm(TaskForm):
    """作出处理决定: the deciding body confirms or changes the proposed measure, or dismisses the case."""

    SANCTION = "sanction"
    DISMISS = "dismiss"

    decision = forms.ChoiceField(label=_("Decision on the case"), widget=forms.RadioSelect,
                                 choices=[(SANCTION, _("Sanction")), (DISMISS, _("Dismiss"))])
    measure = forms.ChoiceField(label=_("Measure"), choices=MEASURE_CHOICES, required=False)
    facts = forms.CharField(label=_("Facts"), max_length=4000, widget=_text())
    reason = forms.CharField(label=_("Reason for the decision"), max_length=4000, required=False, widget=_text(3))
    field_order = ["decision", "measure", "facts", "reason", "comment"]

    @classmethod
    def for_task(cls, task: HumanTask, data: Any = None) -> TaskForm:
        case = case_of_instance(task.instance)
        return cls(data, initial={"measure": case.measure, "facts": case.facts} if case else {})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("decision") == self.SANCTION and not cleaned.get("measure"):
            self.add_error("measure", _("Choose the measure."))
        if cleaned.get("decision") == self.DISMISS and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Please give the reason for dismissing."))
        return cleaned


class CaseDatedForm(TaskForm):
    """Dates a case step records: not in the future, and not before the letter was issued."""

    issued_on: date | None = None

    @classmethod
    def for_task(cls, task: HumanTask, data: Any = None) -> TaskForm:
        form = cls(data)
        case = case_of_instance(task.instance)
        if case is not None and case.issued_at is not None:
            form.issued_on = case.issued_at.astimezone(CENTRE_TZ).date()
        return form

    def _case_day(self, field: str) -> date:
        day = self.cleaned_data[field]
        within_service_years(day)
        if day > today():
            raise forms.ValidationError(_("The date cannot be in the future."))
        if self.issued_on is not None and day < self.issued_on:
            raise forms.ValidationError(_("The letter was issued on %(date)s; the date cannot be earlier.")
                                        % {"date": self.issued_on.isoformat()})
        return day


class TalkForm(CaseDatedForm):
    talked_on = forms.DateField(label=_("Talk held on"), widget=_DATE)
    record = forms.CharField(label=_("Record of the talk"), max_length=4000, widget=_text())
    field_order = ["talked_on", "record", "comment"]

    def clean_talked_on(self) -> date:
        return self._case_day("talked_on")


class DeliveryForm(CaseDatedForm):
    """送达回执: the five working days to appeal run from this date."""

    delivered_on = forms.DateField(label=_("Letter delivered on"), widget=_DATE)
    field_order = ["delivered_on", "comment"]

    def clean_delivered_on(self) -> date:
        return self._case_day("delivered_on")


class NotificationFilingForm(CaseDatedForm):
    department_notified_on = forms.DateField(label=_("Department notified on"), widget=_DATE)
    filed_with_county_on = forms.DateField(label=_("Filed with the county efficiency office on"), widget=_DATE)
    field_order = ["department_notified_on", "filed_with_county_on", "comment"]

    def clean_department_notified_on(self) -> date:
        return self._case_day("department_notified_on")

    def clean_filed_with_county_on(self) -> date:
        return self._case_day("filed_with_county_on")


class AppealDecisionForm(TaskForm):
    decision = forms.ChoiceField(label=_("Decision on the appeal"), widget=forms.RadioSelect,
                                 choices=[(Appeal.UPHOLD, _("Uphold the sanction")), (Appeal.REVOKE, _("Revoke it"))])
    reasons = forms.CharField(label=_("Reasons"), max_length=4000, widget=_text())
    field_order = ["decision", "reasons", "comment"]


class ComplaintForm(forms.Form):
    """投诉受理: who complains about which window or official, and what about."""

    source = forms.ChoiceField(label=_("Source"), choices=Complaint.SOURCES)
    complainant_name = forms.CharField(label=_("Complainant"), max_length=50, required=False)
    complainant_contact = forms.CharField(label=_("Contact"), max_length=100, required=False)
    target_kind = forms.ChoiceField(label=_("Complaint about"), choices=TARGET_KIND_CHOICES, initial=OFFICIAL)
    target_official = forms.ModelChoiceField(
        label=_("Official"), required=False,
        queryset=Official.objects.filter(active=True, window__isnull=False).select_related("window__department"),
    )
    target_window = forms.ModelChoiceField(label=_("Window"), required=False,
                                           queryset=Window.objects.select_related("department"))
    summary = forms.CharField(label=_("Complaint"), max_length=4000, widget=_text(5))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_official"].label_from_instance = lambda o: f"{o.name}（{o.window}）"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("target_kind")
        if kind == OFFICIAL and not cleaned.get("target_official"):
            self.add_error("target_official", _("Choose the official."))
        if kind == WINDOW and not cleaned.get("target_window"):
            self.add_error("target_window", _("Choose the window."))
        return cleaned

    def complaint(self) -> dict[str, Any]:
        """Keyword arguments for services.file_complaint: only the target the kind names."""
        data = dict(self.cleaned_data)
        if data["target_kind"] == OFFICIAL:
            data["target_window"] = None
        else:
            data["target_official"] = None
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        for upload in cleaned:
            check_upload_name(upload.name)
            if upload.size > MAX_ATTACHMENT_BYTES:
                raise forms.ValidationError(_("%(name)s is larger than 20 MB.") % {"name": upload.name})
        return cleaned


class AppealForm(forms.Form):
    """书面申辩 (第十一条): the reasons, with any supporting files."""

    text = forms.CharField(label=_("Reasons for the appeal"), max_length=8000, widget=_text(6))
    attachments = MultipleFileField(label=_("Attachments"), required=False)
