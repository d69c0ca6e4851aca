"""办件查询, the public page (no login): the applicant types the case number from the receipt (or scans its QR code,
which fills it in) and the phone given at the window.

A miss, whether the number is unknown or the phone is wrong, gives the same page, byte for byte but for the CSRF
token: an empty form and one sentence, so the page never tells whether a number exists. Tries are limited per
client address (REMOTE_ADDR: behind a reverse proxy, the proxy must pass the client's address on) and per case
number (workflows.applications.lookup_throttle); over the limit the answer is 429 with a page in Chinese, and 503
when the cache holding the counts does not answer.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from webapp.due import Due
from workflows.applications.board_forms import LookupForm, RatingForm
from workflows.applications.intake import ApplicationRefused
from workflows.applications.lookup import find_case, normalise_number, public_case, record_look_up
from workflows.applications.lookup_throttle import (
    LIMIT,
    WINDOW_SECONDS,
    CountsUnavailable,
    first_look_up_today,
    try_allowed,
)
from workflows.applications.models import Application
from workflows.applications.ratings import can_be_rated, rate_case
from workflows.org.selectors import working_calendar
from workflows.runtime.clock import now

log = logging.getLogger(__name__)
LOOKED_UP = "looked_up_application"  # session key: the case this browser last found with its number and phone


@never_cache
@require_http_methods(["GET", "POST"])
def application_lookup(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = LookupForm(initial={"number": normalise_number(request.GET.get("number", ""))[:40]})
        return render(request, "applications/lookup.html", {"form": form})
    number = normalise_number(request.POST.get("number", ""))[:40]
    try:
        allowed = try_allowed(request.META.get("REMOTE_ADDR", ""), number)
    except CountsUnavailable:
        log.exception("look-up refused: the cache holding the try counts did not answer")
        return render(request, "applications/lookup_limited.html", {"unavailable": True}, status=503)
    if not allowed:
        log.warning("look-up limit reached (%d tries in %d s)", LIMIT, WINDOW_SECONDS)
        return render(request, "applications/lookup_limited.html", {"minutes": WINDOW_SECONDS // 60}, status=429)
    form = LookupForm(request.POST)
    if not form.is_valid():
        return render(request, "applications/lookup.html", {"form": form})
    case = find_case(form.cleaned_data["number"], form.cleaned_data["phone"])
    if case is None:
        request.session.pop(LOOKED_UP, None)  # a kiosk's next user never rates the previous one's case
        return render(request, "applications/lookup.html", {"form": LookupForm(), "not_found": True})
    record_look_up(case, first_look_up_today(case.pk))
    request.session[LOOKED_UP] = case.pk
    return _case_page(request, case)


def _case_page(request: HttpRequest, case: Application, rating_form: RatingForm | None = None,
               **extra) -> HttpResponse:
    shown = public_case(case, working_calendar(), now())
    due = Due(shown.time.days_left, shown.time.overdue)
    rating_form = rating_form or (RatingForm() if can_be_rated(case) else None)
    return render(request, "applications/lookup.html", {"form": LookupForm(), "case": shown, "due_label": due.label,
                                                         "rating_form": rating_form, **extra})


@never_cache
@require_POST
def application_rate(request: HttpRequest) -> HttpResponse:
    """好差评 from the look-up page: for the case this browser last found with its number and phone (kept in the
    session, so the phone is never sent back in the page); without such a look-up, back to the empty look-up."""
    case = Application.objects.filter(pk=request.session.get(LOOKED_UP)).select_related("instance").first()
    if case is None:
        return redirect("application_lookup")
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, form)
    try:
        rate_case(case, form.cleaned_data["score"], form.cleaned_data["comment"])
    except ApplicationRefused as refused:
        form.add_error(None, str(refused))
        return _case_page(request, case, form)
    case.refresh_from_db()
    return _case_page(request, case, rated=True)
