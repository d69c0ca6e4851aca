"""工作记录移送: the violation records other families handed over, for the centre office and the efficiency group."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from webapp.access import official_required
from webapp.families.discipline.forms import ViolationFilterForm
from webapp.paging import numbered_page
from workflows.discipline.access import handles_discipline
from workflows.discipline.selectors import violation_records


@require_GET
@official_required
def violation_list(request: HttpRequest) -> HttpResponse:
    """Which record, which rule, the how-many-th time, and the case opened or 待中心办公室决定 (with why)."""
    if not handles_discipline(request.official):
        raise PermissionDenied
    form = ViolationFilterForm(request.GET)
    return render(request, "discipline/violation_list.html",
                  {"form": form, **numbered_page(request, violation_records(pending=form.pending()))})
