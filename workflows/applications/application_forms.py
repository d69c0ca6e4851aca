"""The application process's task forms (by form key in family.py) and the window's intake form.

A form checks what its step's service task will do with the answer before the task completes: a pause the clock
would refuse, an extension after the due day, a material that is not missing. So the service task never meets input
the rules refuse, and the official sees the reason on the field instead of an instance in its error state.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from engine.time_limits import SPECIAL_PROCEDURE, SUPPLEMENT
from workflows.applications import clock
from workflows.applications.models import Application, ClockEntry, ServiceItem
from workflows.runtime.clock import now, today
from workflows.runtime.forms import TaskForm
from workflows.runtime.models import HumanTask

_DECISIONS = [(Application.APPROVED, _("Approve (the matter is granted)")),
              (Application.NOT_APPROVED, _("Do not approve"))]


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _yes_no(label: Any, yes: Any, no: Any) -> forms.NullBooleanField:
    return forms.NullBooleanField(label=label, widget=forms.RadioSelect(choices=[("true", yes), ("false", no)]))


class ApplicationTaskForm(TaskForm):
    """A step of the application process; knows its application (None for a form not built for a task)."""

    comment = None
    application: Application | None = None

    @classmethod
    def for_task(cls, task: HumanTask, data: Any = None) -> TaskForm:
        form = cls(data)
        form.application = Application.objects.select_related("item").filter(instance_id=task.instance_id).first()
        return form

    def _chosen(self, name: str) -> bool:
        """A yes/no radio (the page's "true"/"false", the API's JSON booleans) never left open."""
        value = self.cleaned_data.get(name)
        if value is None:
            self.add_error(name, _("Choose one."))
            return False
        return value


class MaterialsArrivedForm(ApplicationTaskForm):
    """materials_arrived: which of the still missing materials the applicant brought."""

    material_ids = forms.TypedMultipleChoiceField(label=_("Materials that arrived"), coerce=int,
                                                  widget=forms.CheckboxSelectMultiple)

    @classmethod
    def for_task(cls, task: HumanTask, data: Any = None) -> TaskForm:
        form = super().for_task(task, data)
        missing = form.application.materials.filter(received_at__isnull=True).select_related("material") \
            if form.application else []
        form.fields["material_ids"].choices = [(row.material_id, row.material.name) for row in missing]
        return form

    def payload(self) -> dict[str, Any]:
        return {"material_ids": self.cleaned_data["material_ids"]}


class DecisionForm(ApplicationTaskForm):
    """decide_on_the_spot (即办件): the decision with its opinion."""

    decision = forms.ChoiceField(label=_("Decision"), choices=_DECISIONS, widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("Opinion"), max_length=2000, widget=_text())

    def payload(self) -> dict[str, Any]:
        return {"decision": self.cleaned_data["decision"], "opinion": self.cleaned_data["opinion"].strip()}


class HandlingForm(ApplicationTaskForm):
    """handle_application: decide, ask for 补正, start a 特别程序 or ask a centre leader for an extension."""

    DECIDE, SUPPLEMENT, SPECIAL, EXTENSION = "decide", "supplement", "special_procedure", "extension"
    action = forms.ChoiceField(label=_("What is done"), widget=forms.RadioSelect, choices=[
        (DECIDE, _("Decide")), (SUPPLEMENT, _("Ask for supplementary materials (the clock stops)")),
        (SPECIAL, _("Start a special procedure: hearing, testing, expert review (the clock stops)")),
        (EXTENSION, _("Ask a centre leader for an extension"))])
    decision = forms.ChoiceField(label=_("Decision"), choices=_DECISIONS, widget=forms.RadioSelect, required=False)
    opinion = forms.CharField(label=_("Opinion"), max_length=2000, widget=_text(), required=False)
    requested = forms.CharField(label=_("Materials to supplement"), max_length=2000, widget=_text(2), required=False)
    procedure_reason = forms.CharField(label=_("Special procedure and its reason"), max_length=200, required=False)
    planned_end = forms.DateField(label=_("Planned end of the special procedure"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    extension_days = forms.IntegerField(label=_("Extension (working days)"), min_value=1, max_value=60,
                                        required=False)
    extension_reason = forms.CharField(label=_("Reason for the extension"), max_length=2000, widget=_text(2),
                                       required=False)

    _NEEDS = {DECIDE: ("decision", "opinion"), SUPPLEMENT: ("requested",),
              SPECIAL: ("procedure_reason", "planned_end"), EXTENSION: ("extension_days", "extension_reason")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        action = cleaned.get("action")
        for name in self._NEEDS.get(action, ()):
            if cleaned.get(name) in (None, ""):
                self.add_error(name, _("This field is required for the chosen action."))
        if self.errors or self.application is None:
            return cleaned
        if action == self.SPECIAL and cleaned["planned_end"] < today():
            self.add_error("planned_end", _("The planned end cannot be in the past."))
        elif action in (self.SUPPLEMENT, self.SPECIAL):
            kind = SUPPLEMENT if action == self.SUPPLEMENT else SPECIAL_PROCEDURE
            self._clock_accepts(ClockEntry(kind=ClockEntry.PAUSE_STARTED, at=now(), reason=kind,
                                           note=cleaned.get("procedure_reason") or cleaned.get("requested", ""),
                                           planned_end=cleaned.get("planned_end")), "action")
        elif action == self.EXTENSION and clock.view(self.application).overdue:
            self.add_error("extension_days", _("The time limit has already run out: it can no longer be extended."))
        return cleaned

    def _clock_accepts(self, entry: ClockEntry, field: str) -> None:
        try:
            clock.check(self.application, entry)
        except clock.ClockRefused as exc:
            self.add_error(field, str(exc))

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        answer = {"action": data["action"]}
        for name in self._NEEDS[data["action"]]:
            value = data[name]
            answer[name] = value.isoformat() if isinstance(value, date) else (
                value.strip() if isinstance(value, str) else value)
        return answer


class YesNoOpinionForm(ApplicationTaskForm):
    """A centre leader's answer: approve or not, with an opinion (approve_special_case, approve_extension)."""

    approve = _yes_no(_("Decision"), _("Approve"), _("Do not approve"))
    opinion = forms.CharField(label=_("Opinion"), max_length=2000, widget=_text())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._chosen("approve")
        return cleaned

    def payload(self) -> dict[str, Any]:
        return {"approve": self.cleaned_data["approve"], "opinion": self.cleaned_data["opinion"].strip()}


class ExtensionApprovalForm(YesNoOpinionForm):
    """approve_extension: an approval is refused here when the due day has passed (限时办结制 五 2)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("approve") is True and self.application is not None and clock.view(self.application).overdue:
            self.add_error("approve", _("The time limit has already run out: it can no longer be extended."))
        return cleaned


class HigherAuthorityAnswerForm(ApplicationTaskForm):
    """record_higher_answer: what the higher authority answered, entered by the window."""

    approved = _yes_no(_("The higher authority's answer"), _("Approved"), _("Not approved"))
    note = forms.CharField(label=_("Content of the answer"), max_length=2000, widget=_text())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._chosen("approved")
        return cleaned

    def payload(self) -> dict[str, Any]:
        return {"approved": self.cleaned_data["approved"], "note": self.cleaned_data["note"].strip()}


class NoteForm(ApplicationTaskForm):
    """supplement_arrived, special_procedure_end: a note of what arrived or how the procedure ended."""

    note = forms.CharField(label=_("Note"), max_length=2000, widget=_text())

    def payload(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"].strip()}


class ResultIssuedForm(ApplicationTaskForm):
    """issue_result: the result handed over at the comprehensive window."""

    handed_over = forms.BooleanField(label=_("The result was handed to the applicant"))

    def payload(self) -> dict[str, Any]:
        return {"handed_over": True}


class RectificationForm(ApplicationTaskForm):
    """rectify_bad_rating: the department's rectification and reply to the applicant."""

    reply = forms.CharField(label=_("Reply to the applicant"), max_length=2000, widget=_text())

    def payload(self) -> dict[str, Any]:
        return {"reply": self.cleaned_data["reply"].strip()}


class IntakeForm(forms.Form):
    """The window's intake screen: the item (its materials as checkboxes), applicant, phone and matter.
    intake._check holds the rules; this form only shapes the input and shows the service's refusal on its field."""

    item = forms.ModelChoiceField(label=_("Service item"), queryset=ServiceItem.objects.order_by("code"))
    applicant = forms.CharField(label=_("Applicant or company"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    matter = forms.CharField(label=_("Matter applied for"), required=False, widget=_text(2))
    materials = forms.TypedMultipleChoiceField(label=_("Materials brought"), coerce=int, required=False,
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, item: ServiceItem | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if item is not None:
            self.fields["item"].initial = item.pk
            self.fields["item"].widget = forms.HiddenInput()  # chosen above the form, with its materials below
            self.fields["materials"].choices = [
                (m.pk, f"{m.name}（主件）" if m.is_main else m.name) for m in item.materials.all()]

    def add_refusal(self, field: str | None, message: str) -> None:
        self.add_error(field if field in self.fields and field != "item" else None, message)
