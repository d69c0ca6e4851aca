"""处分案件: the cases I may see, one case with its letters and, for the sanctioned official, the appeal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from engine.errors import EngineError
from webapp.access import official_required
from webapp.due import Due
from webapp.views.cases import case_context
from workflows.discipline.forms import AppealForm
from workflows.discipline.models import SanctionCase
from workflows.discipline.selectors import (
    case_visible_to,
    cases_visible_to,
    find_attachment,
    find_case,
    find_letter,
    letter_is_intact,
    open_step,
)
from workflows.discipline.services import FILE_APPEAL_STEP, file_appeal, waive_appeal
from workflows.org.selectors import working_calendar
from workflows.runtime.clock import today


def _visible_case(request: HttpRequest, case_id: int) -> SanctionCase:
    case = find_case(case_id)
    if case is None:
        raise Http404
    if not case_visible_to(case, request.official):
        raise PermissionDenied
    return case


def _download(file: FieldFile, filename: str, content_type: str | None = None) -> FileResponse:
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


def _case_page(request: HttpRequest, case: SanctionCase, appeal_form: AppealForm) -> HttpResponse:
    appeal_open = case.instance is not None and open_step(case.instance, FILE_APPEAL_STEP) is not None
    may_appeal = appeal_open and case.respondent_id == request.official.pk
    days_left = (working_calendar().working_days_between(today(), case.appeal_deadline)
                 if appeal_open and case.appeal_deadline else None)
    context = {
        **(case_context(case.instance) if case.instance else {}),
        "case": case,
        "letters": [(letter, letter_is_intact(letter)) for letter in case.letters.all()],
        "appeal": getattr(case, "appeal", None),
        "appeal_due": Due(days_left, False) if days_left is not None and days_left >= 0 else None,
        "may_appeal": may_appeal,
        "appeal_form": appeal_form if may_appeal or appeal_form.is_bound else None,
    }
    return render(request, "discipline/case_detail.html", context)


@require_GET
@official_required
def case_list(request: HttpRequest) -> HttpResponse:
    return render(request, "discipline/case_list.html", {"cases": cases_visible_to(request.official)})


@require_GET
@official_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_page(request, _visible_case(request, case_id), AppealForm())


@require_POST
@official_required
def appeal(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _visible_case(request, case_id)
    form = AppealForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            file_appeal(case, request.official, form.cleaned_data["text"], form.cleaned_data["attachments"])
        except EngineError as exc:  # late, not the sanctioned official, already filed or waived
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your appeal was filed; the deciding body answers within 10 working days."))
            return redirect("case_detail", case_id=case.pk)
    return _case_page(request, case, form)


@require_POST
@official_required
def waive(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _visible_case(request, case_id)
    try:
        waive_appeal(case, request.official)
    except EngineError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You accepted the decision; no appeal will be filed."))
    return redirect("case_detail", case_id=case.pk)


@require_GET
@official_required
def letter_download(request: HttpRequest, letter_id: int) -> FileResponse:
    """The stored PDF exactly as issued."""
    letter = find_letter(letter_id)
    if letter is None:
        raise Http404
    if not case_visible_to(letter.case, request.official):
        raise PermissionDenied
    return _download(letter.file, f"{letter.kind}-{letter.case.register_number}.pdf", "application/pdf")


@require_GET
@official_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = find_attachment(attachment_id)
    if attachment is None:
        raise Http404
    if not case_visible_to(attachment.appeal.case, request.official):
        raise PermissionDenied
    return _download(attachment.file, attachment.original_name or "attachment")
