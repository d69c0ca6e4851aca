"""台帐: the year's sanctions per official and per window, what they mean for the yearly rating, CSV exports."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from webapp.access import official_required
from webapp.families.discipline.forms import LedgerFilterForm
from workflows.discipline.access import can_see_ledger
from workflows.discipline.selectors import (
    ledger_csv,
    ledger_entries,
    official_ledger,
    official_ledger_csv,
    window_ledger,
)


def _filters(request: HttpRequest) -> tuple[LedgerFilterForm, int, dict[str, int | None]]:
    if not can_see_ledger(request.user, request.official):
        raise PermissionDenied
    form = LedgerFilterForm.for_query(request.GET)
    year, filters = form.filters()
    return form, year, filters


def _csv(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@official_required
def ledger(request: HttpRequest) -> HttpResponse:
    form, year, filters = _filters(request)
    context = {
        "form": form,
        "year": year,
        "officials": official_ledger(year, **filters),
        "windows": window_ledger(year, department_id=filters["department_id"], window_id=form.window_id()),
        "entries": ledger_entries(year, **filters),
        "query": request.GET.urlencode(),
    }
    return render(request, "discipline/ledger.html", context)


@require_GET
@official_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    """One line per issued case, revoked ones marked."""
    _, year, filters = _filters(request)
    return _csv(ledger_csv(year, **filters), f"ledger-{year}.csv")


@require_GET
@official_required
def official_ledger_export(request: HttpRequest) -> HttpResponse:
    """One line per official: counts and the yearly rating they allow."""
    _, year, filters = _filters(request)
    return _csv(official_ledger_csv(year, **filters), f"ledger-officials-{year}.csv")
