"""抄送 and 催办 pages: copying a case (whoever may see it), the 抄送我的 list, and urging an overdue task; the case
page itself (webapp.views.cases) reads the copies when it is opened."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from engine.errors import EngineError
from webapp.access import official_required
from webapp.copy_forms import CaseCopyForm
from webapp.paging import numbered_page
from webapp.views.cases import visible_case
from workflows.runtime.copy_selectors import copies_to
from workflows.runtime.services.copies import copy_case
from workflows.runtime.services.urging import urge_task


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@require_POST
@official_required
def copy(request: HttpRequest, instance_id: int) -> HttpResponse:
    instance = visible_case(request, instance_id)
    form = CaseCopyForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request, f"/cases/{instance.pk}/")
    try:
        copies = copy_case(instance, request.official, **form.payload())
    except EngineError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Copied to %(n)d official(s).") % {"n": len(copies)})
    return _back(request, f"/cases/{instance.pk}/")


@require_POST
@official_required
def urge(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        task = urge_task(task_id, request.official)
    except EngineError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The holders of “%(title)s” were urged.") % {"title": task.title})
    return _back(request, "inbox")


@require_GET
@official_required
def copied_to_me(request: HttpRequest) -> HttpResponse:
    """抄送我的: the official's copies, newest first, paged (the same few queries for any page)."""
    unread_only = request.GET.get("unread") == "1"
    return render(request, "cases/copies.html", {**numbered_page(request, copies_to(request.official,
                                                                                    unread_only=unread_only)),
                                                 "unread_only": unread_only})
