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
from workflows.discipline.attachments import MAX_FILE_BYTES, MAX_FILES, AttachmentRefused, check_attachments
from workflows.discipline.catalogue import rule_label
from workflows.discipline.duty_rules import DUTY_RULES, FINDINGS, findings_of
from workflows.discipline.intake import phone_problem, target_problem
from workflows.discipline.models import MEASURE_CHOICES, TARGET_KIND_CHOICES, Appeal, Complaint, ViolationRule
from workflows.discipline.privacy import masked
from workflows.discipline.rules import OFFICIAL, WINDOW
from workflows.discipline.selectors import case_of_instance, complaint_of_instance, finding_occurrence
from workflows.org.models import Official, Window
from workflows.runtime.clock import today
from workflows.runtime.forms import TaskForm
from workflows.runtime.models import HumanTask
from workflows.runtime.validators import within_service_years

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _text(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _yes_no(label: str) -> forms.NullBooleanField:
    choices = [("true", _("Yes")), ("false", _("No"))]
    return forms.NullBooleanField(label=label, widget=forms.RadioSelect(choices=choices))


class MasksComplainant(TaskForm):
    """A step of a complaint, or of a case opened from one. What it records (process data, the audit trail and
    the comment shown in the history) can be read by the accused, so the complainant's name and contact are
    masked in every text answer (privacy.py); the complaint itself keeps them for the office."""

    complaint: Complaint | None = None

    def payload(self) -> dict[str, Any]:
        data = super().payload()
        if self.complaint is None:
            return data
        return {key: masked(self.complaint, value) if isinstance(value, str) else value for key, value in data.items()}


class ComplaintTaskForm(MasksComplainant):
    """A step of the complaint process."""

    @classmethod
    def for_task(cls, task: HumanTask, data: Any = None) -> TaskForm:
        complaint = complaint_of_instance(task.instance)
        form = cls(data, initial=cls.initial_for(complaint))
        form.complaint = complaint
        return form

    @classmethod
    def initial_for(cls, complaint: Complaint | None) -> dict[str, Any]:
        return {}


class InvestigationForm(ComplaintTaskForm):
    """调查核实: the finding feeds the duty-rule table; the investigator's own proposal stands where it has no row."""

    founded = _yes_no(_("Is the complaint founded?"))
    findings = forms.CharField(label=_("Findings"), max_length=4000, widget=_text())
    duty_rule = forms.ChoiceField(label=_("Duty rule breached"), required=False,
                                  choices=[("", _("Other (none of these rules)")), *((r, r) for r in DUTY_RULES)])
    finding = forms.ChoiceField(label=_("What was found"), required=False,
                                choices=[("", "—"), *FINDINGS.items()])
    rule_code = forms.ModelChoiceField(label=_("Catalogue item"), queryset=ViolationRule.objects.all(),
                                       to_field_name="code", required=False)
    proposed_measure = forms.ChoiceField(label=_("Proposed measure"), required=False,
                                         choices=[("", _("None")), *MEASURE_CHOICES])
    target_kind = forms.ChoiceField(label=_("Measure for"), choices=TARGET_KIND_CHOICES)
    field_order = ["founded", "findings", "duty_rule", "finding", "rule_code", "proposed_measure",
                   "target_kind", "comment"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule_code"].label_from_instance = rule_label

    @classmethod
    def initial_for(cls, complaint: Complaint | None) -> dict[str, Any]:
        return {"target_kind": complaint.target_kind if complaint else OFFICIAL}

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
        """The answers, with 第几次查实 counted from the record (selectors.finding_occurrence), not typed."""
        data = super().payload()
        data["rule_code"] = data["rule_code"].code if data["rule_code"] else ""
        founded_finding = data["founded"] and self.complaint is not None
        data["occurrence"] = (finding_occurrence(self.complaint, data.get("duty_rule", ""), data.get("finding", ""))
                              if founded_finding else 1)
        return data


class ComplaintReplyForm(ComplaintTaskForm):
    reply = forms.CharField(label=_("Reply to the complainant"), max_length=4000, widget=_text())
    field_order = ["reply", "comment"]


class SanctionDecisionForm(MasksComplainant):
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
        form = cls(data, initial={"measure": case.measure, "facts": case.facts} if case else {})
        form.complaint = case.origin_complaint if case else None
        return form

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("decision") == self.SANCTION and not cleaned.get("measure"):
            self.add_error("measure", _("Choose the measure."))
        if cleaned.get("decision") == self.DISMISS and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Please give the reason for dismissing."))
        return cleaned


class CaseDatedForm(MasksComplainant):
    """Dates a case step records: not in the future, and not before the letter was issued."""

    issued_on: date | None = None

    @classmethod
    def for_task(cls, task: HumanTask, data: Any = None) -> TaskForm:
        form = cls(data)
        case = case_of_instance(task.instance)
        if case is not None and case.issued_at is not None:
            form.issued_on = case.issued_at.astimezone(CENTRE_TZ).date()
        form.complaint = case.origin_complaint if case else None
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


class AppealDecisionForm(MasksComplainant):
    decision = forms.ChoiceField(label=_("Decision on the appeal"), widget=forms.RadioSelect,
                                 choices=[(Appeal.UPHOLD, _("Uphold the sanction")), (Appeal.REVOKE, _("Revoke it"))])
    reasons = forms.CharField(label=_("Reasons"), max_length=4000, widget=_text())
    field_order = ["decision", "reasons", "comment"]

    @classmethod
    def for_task(cls, task: HumanTask, data: Any = None) -> TaskForm:
        form = cls(data)
        case = case_of_instance(task.instance)
        form.complaint = case.origin_complaint if case else None
        return form


class ComplaintForm(forms.Form):
    """投诉受理: who complains about which window or official, and what about."""

    source = forms.ChoiceField(label=_("Source"), choices=Complaint.SOURCES)
    complainant_name = forms.CharField(label=_("Complainant"), max_length=50, required=False)
    complainant_contact = forms.CharField(label=_("Contact"), max_length=100, required=False,
                                          help_text=_("A mobile number, or a landline with its area code"))
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

    def clean_complainant_contact(self) -> str:
        problem = phone_problem(self.cleaned_data["complainant_contact"])
        if problem is not None:
            raise forms.ValidationError(problem)
        return self.cleaned_data["complainant_contact"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("target_kind")
        if kind == OFFICIAL and not cleaned.get("target_official"):
            self.add_error("target_official", _("Choose the official."))
        if kind == WINDOW and not cleaned.get("target_window"):
            self.add_error("target_window", _("Choose the window."))
        contradiction = target_problem(kind, cleaned.get("target_official"), cleaned.get("target_window"))
        if contradiction is not None:
            self.add_error(*contradiction)
        return cleaned

    def complaint(self) -> dict[str, Any]:
        """Keyword arguments for services.file_complaint (which checks the same rules again)."""
        return dict(self.cleaned_data)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        """Each file a document or image by its content, within the size and count limits (attachments.py)."""
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        try:
            check_attachments(cleaned)
        except AttachmentRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
        return cleaned


class AppealForm(forms.Form):
    """书面申辩 (第十一条): the reasons, with any supporting files; the next page previews them before sending."""

    text = forms.CharField(label=_("Reasons for the appeal"), max_length=8000, widget=_text(6))
    attachments = MultipleFileField(
        label=_("Attachments"), required=False,
        help_text=_("PDF, JPG, PNG, Word (.doc, .docx) or OFD; at most %(count)d files, %(size)d MB each.")
        % {"count": MAX_FILES, "size": MAX_FILE_BYTES // (1024 * 1024)},
    )


class WaiveAppealForm(forms.Form):
    """放弃申辩 needs the official to say, in so many words, that they know what it means."""

    confirm = forms.BooleanField(
        label=_("I understand that the decision then stands unchanged and that I can no longer appeal."),
        error_messages={"required": _("Tick the box to confirm that you waive the appeal.")},
    )
