"""Forms of the definitions pages: making a version the active one, and uploading .bpmn / .dmn files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

REASON_MAX = 500


class ActivateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX,
                             widget=forms.TextInput(attrs={"placeholder": _("Why new cases should use this version")}))
    confirm = forms.BooleanField(label=_("New cases will start on this version; running cases keep theirs."))


class _MultipleFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadFilesField(forms.FileField):
    """Several files in one field (Django's FileField takes one)."""

    widget = _MultipleFiles

    def clean(self, data: Any, initial: Any = None) -> list:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            raise forms.ValidationError(_("Choose a .bpmn file (and its .dmn files, if any)."))
        return [super(UploadFilesField, self).clean(f, initial) for f in files]


class UploadForm(forms.Form):
    key = forms.SlugField(label=_("Process key"), max_length=100,
                          help_text=_("The key new cases are started with, e.g. leave_approval."))
    files = UploadFilesField(label=_("Files"), widget=_MultipleFiles(attrs={"accept": ".bpmn,.dmn"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].required = True
