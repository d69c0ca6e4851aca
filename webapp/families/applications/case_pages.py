"""The officials' pages on applications: the receipt (受理回执) with its QR code, the board of open cases by
department, and a department's own list of what waits on it. Who sees which case is
workflows.applications.access.visible_applications; a case outside it is not found (404), never forbidden."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from webapp.access import official_required
from webapp.due import Due
from webapp.families.applications.qr import lookup_url, qr_svg
from webapp.paging import PAGE_SIZE, numbered_page
from workflows.applications.access import sees_every_department, visible_applications
from workflows.applications.board import (
    board_rows,
    case_time,
    department_counts,
    open_cases,
    review_time,
    waiting_on_department,
    with_pause_reason,
)
from workflows.applications.board_forms import BoardFilterForm
from workflows.applications.models import ClockEntry
from workflows.org.selectors import working_calendar
from workflows.runtime.clock import now


@require_GET
@official_required
def application_receipt(request: HttpRequest, number: str) -> HttpResponse:
    """受理回执: what the window hands the applicant (printable), with the look-up's address and its QR code."""
    visible = visible_applications(request.user, request.official)
    case = get_object_or_404(with_pause_reason(visible).select_related("item", "department", "received_by__window"),
                             number=number)
    at = now()
    accepted = case.clock_entries.filter(kind=ClockEntry.ACCEPTED).values_list("days", flat=True).first()
    address = lookup_url(request, case.number)
    return render(request, "applications/receipt.html", {
        "case": case, "centre_name": settings.GOVFLOW_CENTRE_NAME,
        "time": case_time(case, working_calendar(), at),
        "promised_days": accepted if accepted is not None else case.item.promised_days,
        "materials": case.materials.select_related("material").order_by("material__position"),
        "lookup_address": address,
        "qr": mark_safe(qr_svg(address)),  # segno's own SVG of our URL: nothing a user typed reaches it
    })


@require_GET
@official_required
def application_board(request: HttpRequest) -> HttpResponse:
    """办件看板: the open cases the reader may see, late first, by department, one page at a time."""
    visible = visible_applications(request.user, request.official)
    form = BoardFilterForm(request.GET, visible)
    at = now()
    paging = numbered_page(request, open_cases(visible, at=at, **form.filters()))
    rows = board_rows(paging["page"].object_list, working_calendar(), at)
    return render(request, "applications/board.html", {
        "form": form, **paging, "rows": [(row, Due(row.time.days_left, row.time.overdue)) for row in rows],
        "departments": department_counts(visible, at),
        "sees_all": sees_every_department(request.user, request.official),
    })


@require_GET
@official_required
def department_applications(request: HttpRequest) -> HttpResponse:
    """部门待办件: what waits on my department, as lead department (tab `lead`) or as co-department (tab `co`)."""
    department = request.official.department
    if department is None:
        return render(request, "applications/department_list.html", {"department": None})
    at = now()
    calendar = working_calendar()
    led, reviews = waiting_on_department(department.pk, at)
    tab = "co" if request.GET.get("tab") == "co" else "lead"
    if tab == "lead":
        paging = numbered_page(request, led)
        rows = [(case, case_time(case, calendar, at), None) for case in paging["page"].object_list]
    else:
        paging = {"page": Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page")), "query": "tab=co"}
        rows = [(review.application, review_time(review, calendar, at), review)
                for review in paging["page"].object_list]
    return render(request, "applications/department_list.html", {
        "department": department, "tab": tab, "lead_count": led.count(), "co_count": reviews.count(), **paging,
        "rows": [(case, time, Due(time.days_left, time.overdue), review) for case, time, review in rows],
    })
