"""The notification centre: my notifications, unread first, paged; mark one or all read."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from webapp.access import official_required
from webapp.paging import numbered_page
from workflows.runtime.errors import InvalidInput
from workflows.runtime.notification_selectors import notifications_of
from workflows.runtime.services.notifications import mark_all_read, mark_read


@require_GET
@official_required
def notification_list(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications.html", numbered_page(request, notifications_of(request.official)))


@require_POST
@official_required
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one read, then back to the page it was marked on (the inbox unless `next` says where)."""
    try:
        mark_read(notification_id, request.official)
    except InvalidInput as exc:  # not mine, or gone
        raise Http404 from exc
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("inbox")


@require_POST
@official_required
def notifications_all_read(request: HttpRequest) -> HttpResponse:
    count = mark_all_read(request.official)
    messages.success(request, _("%(n)d notification(s) marked as read.") % {"n": count})
    return redirect("notifications")
