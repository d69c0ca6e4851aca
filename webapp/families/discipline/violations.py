"""工作记录移送: the violation records other families handed over, for the centre office and the efficiency group;
the centre office opens the case for a record the duty-rule table left to it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from engine.errors import EngineError
from webapp.access import official_required
from webapp.families.discipline.forms import RecordCaseForm, ViolationFilterForm
from webapp.paging import numbered_page
from workflows.discipline.access import handles_discipline
from workflows.discipline.selectors import find_violation_record, violation_records
from workflows.discipline.violations import open_case_for_record


def _is_centre_office(request: HttpRequest) -> bool:
    """The centre office decides the records left to it; the efficiency group sees the list."""
    return request.official.roles.filter(code="centre_office").exists()


@require_GET
@official_required
def violation_list(request: HttpRequest) -> HttpResponse:
    """Which record, which rule, the how-many-th time, and the case opened or 待中心办公室决定 (with why)."""
    if not handles_discipline(request.official):
        raise PermissionDenied
    form = ViolationFilterForm(request.GET)
    return render(request, "discipline/violation_list.html", {
        "form": form, "may_open_cases": _is_centre_office(request),
        **numbered_page(request, violation_records(pending=form.pending())),
    })


@require_http_methods(["GET", "POST"])
@official_required
def violation_open_case(request: HttpRequest, record_id: int) -> HttpResponse:
    if not _is_centre_office(request):
        raise PermissionDenied
    record = find_violation_record(record_id)
    if record is None:
        raise Http404
    if record.case_id is not None:
        messages.info(request, _("A case was already opened for this record: %(case)s.")
                      % {"case": record.case.register_number})
        return redirect("case_detail", record.case_id)
    form = RecordCaseForm(request.POST or None, record=record)
    if request.method == "POST" and form.is_valid():
        try:
            case = open_case_for_record(record, opened_by=request.official, **form.case())
        except EngineError as exc:  # a refusal of open_case (no catalogue item nor description, …) or a conflict
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Case %(case)s was opened for %(source)s.")
                             % {"case": case.register_number, "source": record.source})
            return redirect("case_detail", case.pk)
    return render(request, "discipline/violation_open_case.html", {"record": record, "form": form})
