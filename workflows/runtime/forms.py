"""Task forms shared by all processes: what an official fills in to complete a human task.

Each form turns its cleaned data into the JSON-safe dict the engine stores (`payload`), so the
task page and the REST API submit exactly the same thing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.runtime.models import HumanTask


class TaskForm(forms.Form):
    """Base class: built for a task, gives the engine a plain dict."""

    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    @classmethod
    def for_task(cls, task: HumanTask, data: Any = None) -> TaskForm:
        return cls(data)

    def payload(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    def entered(self) -> list[tuple[str, str]]:
        """(label, what the official entered, as words) for every filled-in field: shown back to an official
        whose submission lost the race, so nothing typed is lost."""
        shown = []
        for field in self.visible_fields():
            value = self.data.get(field.html_name, "")
            if value in ("", None):
                continue
            choices = dict(getattr(field.field, "choices", []) or [])
            shown.append((str(field.label), str(choices.get(value, value))))
        return shown


class AcknowledgeForm(TaskForm):
    """Read and acknowledge: a comment only (also the fallback for unknown form keys)."""


class ApprovalForm(TaskForm):
    """同意 / 不同意 with an opinion (意见); the step's `opinion_required` says when the opinion must be given."""

    APPROVE = "approve"
    REJECT = "reject"

    decision = forms.ChoiceField(
        label=_("Decision"), choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))], widget=forms.RadioSelect
    )
    field_order = ["decision", "comment"]
    opinion_required = "on_reject"  # the task row's value, set by `for_task`

    @classmethod
    def for_task(cls, task: HumanTask, data: Any = None) -> TaskForm:
        form = cls(data)
        form.opinion_required = task.opinion_required or "on_reject"
        if form.opinion_required == "always":
            form.fields["comment"].required = True
            form.fields["comment"].error_messages["required"] = _("Please give your opinion.")
        return form

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.opinion_required == "never":
            return cleaned
        if cleaned.get("decision") == self.REJECT and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Please give the reason for rejecting."))
        return cleaned
