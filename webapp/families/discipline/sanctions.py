"""处分案件: the cases I may see, one case with its letters and, for the sanctioned official, the appeal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from engine.errors import EngineError
from webapp.access import official_required
from webapp.due import Due
from webapp.views.cases import case_context
from workflows.discipline.attachments import CONTENT_TYPES
from workflows.discipline.forms import AppealForm, WaiveAppealForm
from workflows.discipline.models import AppealDraft, SanctionCase
from workflows.discipline.selectors import (
    appeal_draft_of,
    case_visible_to,
    cases_visible_to,
    find_attachment,
    find_case,
    find_draft_file,
    find_letter,
    letter_is_intact,
    open_step,
)
from workflows.discipline.services import FILE_APPEAL_STEP, prepare_appeal, send_appeal, waive_appeal
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
        **(case_context(case.instance, request.official) if case.instance else {}),
        "case": case,
        "letters": [(letter, letter_is_intact(letter)) for letter in case.letters.all()],
        "appeal": getattr(case, "appeal", None),
        "appeal_due": Due(days_left, False) if days_left is not None and days_left >= 0 else None,
        "may_appeal": may_appeal,
        "draft": appeal_draft_of(case, request.official) if may_appeal else None,
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
    """Step one: check the appeal and keep it as a draft; the preview shows what will be sent."""
    case = _visible_case(request, case_id)
    form = AppealForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            prepare_appeal(case, request.official, form.cleaned_data["text"], form.cleaned_data["attachments"])
        except EngineError as exc:  # late, not the sanctioned official, already filed or waived, a refused file
            form.add_error(None, str(exc))
        else:
            return redirect("case_appeal_preview", case_id=case.pk)
    return _case_page(request, case, form)


def _own_draft(request: HttpRequest, case: SanctionCase) -> AppealDraft:
    draft = appeal_draft_of(case, request.official)
    if draft is None:
        raise Http404
    return draft


@require_GET
@official_required
def appeal_preview(request: HttpRequest, case_id: int) -> HttpResponse:
    """What the deciding body will receive: the text and every file, before anything is sent."""
    case = _visible_case(request, case_id)
    draft = _own_draft(request, case)
    return render(request, "discipline/appeal_preview.html", {"case": case, "draft": draft})


@require_POST
@official_required
def appeal_send(request: HttpRequest, case_id: int) -> HttpResponse:
    """Step two: send exactly the previewed draft."""
    case = _visible_case(request, case_id)
    draft = _own_draft(request, case)
    try:
        send_appeal(draft, request.official)
    except EngineError as exc:
        messages.error(request, str(exc))
        return redirect("case_detail", case_id=case.pk)
    messages.success(request, _("Your appeal was filed; the deciding body answers within 10 working days."))
    return redirect("case_detail", case_id=case.pk)


@require_GET
@official_required
def draft_file_download(request: HttpRequest, draft_file_id: int) -> FileResponse:
    """A file of one's own unsent appeal, to check it in the preview."""
    draft_file = find_draft_file(draft_file_id)
    if draft_file is None or draft_file.draft.appellant_id != request.official.pk:
        raise Http404
    return _download(draft_file.file, draft_file.original_name, CONTENT_TYPES.get(draft_file.kind))


@require_http_methods(["GET", "POST"])
@official_required
def waive(request: HttpRequest, case_id: int) -> HttpResponse:
    """放弃申辩 on its own page: the consequence is stated and must be ticked before anything happens."""
    case = _visible_case(request, case_id)
    if case.respondent_id != request.official.pk:  # only the sanctioned official has a right to give up
        raise PermissionDenied
    form = WaiveAppealForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            waive_appeal(case, request.official, confirmed=form.cleaned_data["confirm"])
        except EngineError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("You waived the appeal; the decision stands."))
        return redirect("case_detail", case_id=case.pk)
    return render(request, "discipline/waive_confirm.html", {"case": case, "form": form})


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
    return _download(attachment.file, attachment.original_name or "attachment", CONTENT_TYPES.get(attachment.kind))
