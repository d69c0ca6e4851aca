"""投诉: the centre office and the efficiency group register complaints and follow them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from engine.errors import EngineError
from webapp.access import official_required
from workflows.discipline.access import handles_discipline
from workflows.discipline.forms import ComplaintForm
from workflows.discipline.selectors import complaints
from workflows.discipline.services import file_complaint


def _require_discipline_office(request: HttpRequest) -> None:
    if not handles_discipline(request.official):
        raise PermissionDenied


@require_GET
@official_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    _require_discipline_office(request)
    return render(request, "discipline/complaint_list.html", {"complaints": complaints()})


@require_http_methods(["GET", "POST"])
@official_required
def complaint_new(request: HttpRequest) -> HttpResponse:
    _require_discipline_office(request)
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = file_complaint(**form.complaint(), received_by=request.official)
        except EngineError as exc:  # e.g. a window without a head to answer for it, or no process deployed
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Complaint %(number)s was registered; its investigation is in the centre "
                                        "office's inbox.") % {"number": complaint.number})
            return redirect("complaint_list")
    return render(request, "discipline/complaint_new.html", {"form": form})
