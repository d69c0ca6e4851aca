"""我发起的: the cases I started or that are about me as applicant, with their current step, its holder and status.

A page costs the same few queries whatever its size: the cases by cursor (newest first, indexes
`instance_started_by` and `instance_applicant`), then the open steps of the page's cases with their holders in two
queries (selectors.open_steps). The Excel export reads the same query, bounded (workflows/runtime/list_export.py).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from webapp.access import official_required
from webapp.api.pagination import InstanceCursorPagination
from webapp.forms import TABS, StartedFilterForm
from webapp.views.inbox import XLSX
from workflows.runtime.list_export import cases_xlsx, holder_names
from workflows.runtime.selectors import filter_instances, open_steps, started_instances
from workflows.runtime.services.transitions import withdraw_verdicts

PAGE_SIZE = 20


@require_GET
@official_required
def started_list(request: HttpRequest) -> HttpResponse:
    form = StartedFilterForm(request.GET)
    cases = filter_instances(started_instances(request.official), **form.filters())
    cursor = InstanceCursorPagination()
    cursor.page_size = PAGE_SIZE
    try:
        page = cursor.paginate_queryset(cases, Request(request))
    except NotFound:  # a cursor edited by hand: the first page
        request.GET = request.GET.copy()
        request.GET.pop("cursor", None)
        page = cursor.paginate_queryset(cases, Request(request))
    steps = open_steps([case.pk for case in page])
    withdraw = withdraw_verdicts(list(page), request.official)
    rows = [{"case": case, "steps": [{"task": step, "holders": holder_names(step)} for step in steps[case.pk]],
             "may_withdraw": withdraw[case.pk].allowed} for case in page]
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "started.html", {
        "form": form, "rows": rows, "previous_url": cursor.get_previous_link(), "next_url": cursor.get_next_link(),
        "export_query": query.urlencode(), "tabs": [(key, label, "") for key, label in TABS],
    })


@require_GET
@official_required
def started_xlsx(request: HttpRequest) -> HttpResponse:
    """我发起的 as Excel with the page's filters, at most EXPORT_LIMIT rows."""
    cases = filter_instances(started_instances(request.official), **StartedFilterForm(request.GET).filters())
    response = HttpResponse(cases_xlsx("我发起的", cases), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="started.xlsx"'
    return response
