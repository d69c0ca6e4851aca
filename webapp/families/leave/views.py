"""请假: file a request, list my requests, follow one request."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from webapp.access import official_required
from webapp.views.cases import case_context
from workflows.leave.forms import LeaveRequestForm
from workflows.leave.limits import LEAVE_TYPE_LIMITS
from workflows.leave.selectors import find_leave_request, leave_requests_of
from workflows.leave.services import SICK_LEAVE_BACKFILL_DAYS, LeaveRefused, submit_leave
from workflows.runtime.errors import InvalidInput
from workflows.runtime.selectors import instance_visible_to


@require_http_methods(["GET", "POST"])
@official_required
def leave_new(request: HttpRequest) -> HttpResponse:
    form = LeaveRequestForm(request.POST or None, applicant=request.official)
    if request.method == "POST" and form.is_valid():
        try:
            leave = submit_leave(request.official, form.application())
        except LeaveRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        except InvalidInput as exc:  # e.g. the leave process is not deployed
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your leave request %(number)s was filed.") % {"number": leave.case_number})
            return redirect("leave_detail", leave_id=leave.pk)
    return render(request, "leave/new.html", {"form": form, "leave_type_limits": LEAVE_TYPE_LIMITS.values(),
                                              "sick_leave_backfill_days": SICK_LEAVE_BACKFILL_DAYS})


@require_GET
@official_required
def leave_list(request: HttpRequest) -> HttpResponse:
    return render(request, "leave/list.html", {"leave_requests": leave_requests_of(request.official)})


@require_GET
@official_required
def leave_detail(request: HttpRequest, leave_id: int) -> HttpResponse:
    leave = find_leave_request(leave_id)
    if leave is None:
        raise Http404
    visible = leave.applicant_id == request.official.pk or (
        leave.instance is not None and instance_visible_to(leave.instance, request.official)
    )
    if not visible:
        raise PermissionDenied
    context = case_context(leave.instance, request.official) if leave.instance else {}
    return render(request, "leave/detail.html", {**context, "leave": leave})
