"""抄送 and 催办 pages: a case page for anyone who may see the case (opening it reads its copies), copying a case,
the 抄送我的 list, and urging an overdue task."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from engine.errors import EngineError
from webapp.access import official_required
from webapp.copy_forms import CaseCopyForm
from webapp.paging import numbered_page
from webapp.views.cases import case_context
from workflows.runtime.copy_selectors import copies_to, may_see_case
from workflows.runtime.models import ProcessInstance
from workflows.runtime.selectors import instances
from workflows.runtime.services.copies import copy_case, mark_copies_read
from workflows.runtime.services.urging import urge_task, urgeable


def _instance_or_404(instance_id: int) -> ProcessInstance:
    instance = instances().filter(pk=instance_id).first()
    if instance is None:
        raise Http404
    return instance


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@require_GET
@official_required
def case_detail(request: HttpRequest, instance_id: int) -> HttpResponse:
    """The case as its task pages show it, for whoever may see it; opening it reads the official's copies of it."""
    instance = _instance_or_404(instance_id)
    if not may_see_case(instance, request.official):
        raise PermissionDenied
    mark_copies_read(instance, request.official)
    context = case_context(instance, request.official)
    context["urgeable"] = urgeable(context["tasks"], request.official)
    return render(request, "cases/detail.html", {**context, "copy_form": CaseCopyForm()})


@require_POST
@official_required
def copy(request: HttpRequest, instance_id: int) -> HttpResponse:
    instance = _instance_or_404(instance_id)
    if not may_see_case(instance, request.official):
        raise PermissionDenied
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
