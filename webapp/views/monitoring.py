"""Monitoring: overdue tasks (e.g. appeal decisions escalated to the director) and instances in error."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from engine.errors import EngineError
from webapp.access import can_monitor, official_required
from workflows.runtime.selectors import errored_instances, open_task_counts, overdue_tasks, process_names
from workflows.runtime.services.instances import retry_instance


def _check(request: HttpRequest) -> None:
    if not can_monitor(request.user, request.official):
        raise PermissionDenied


@require_GET
@official_required
def monitoring(request: HttpRequest) -> HttpResponse:
    _check(request)
    names = process_names()
    return render(request, "monitoring.html", {
        "overdue": overdue_tasks()[:200],
        "errored": errored_instances().order_by("-started_at")[:200],
        "counts": [{**row, "process": names.get(row["process_key"], row["process_key"])}
                   for row in open_task_counts()],
    })


@require_POST
@official_required
def retry(request: HttpRequest, instance_id: int) -> HttpResponse:
    _check(request)
    try:
        retry_instance(instance_id, request.official)
        messages.success(request, _("The instance runs again."))
    except EngineError as exc:
        messages.error(request, str(exc))
    return redirect("monitoring")
