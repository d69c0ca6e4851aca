"""Reads of leave requests and absence records."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import QuerySet

from workflows.leave.models import LeaveRequest
from workflows.leave.rules import DEPARTMENT_POOL, substitute_pool
from workflows.org.models import Official
from workflows.runtime.models import ProcessDefinition, ProcessInstance

LEAVE_PROCESS = "leave_approval"
_DMN_ID = re.compile(r"<(?:\w+:)?definitions\b[^>]*?\sid=\"([^\"]+)\"")


def leave_requests_of(official: Official) -> QuerySet[LeaveRequest]:
    return LeaveRequest.objects.filter(applicant=official).select_related("substitute").order_by("-created_at")


def leave_rule_set() -> str | None:
    """The id of the routing decision (leave_route_*.dmn) in the deployed leave process, if any."""
    definition = ProcessDefinition.objects.filter(key=LEAVE_PROCESS).order_by("-version").first()
    if definition is None:
        return None
    for name, source in definition.sources.items():
        if name.endswith(".dmn"):
            found = _DMN_ID.search(source)
            return found.group(1) if found else None
    return None


def substitute_choices(official: Official, exclude_ids: Iterable[int] = ()) -> QuerySet[Official]:
    """Who can stand in: active officials of the applicant's window, or of the department when the rule set says so
    (rules.SUBSTITUTE_POOLS); never the applicant, never anyone in `exclude_ids` (the request's approvers)."""
    officials = Official.objects.filter(active=True).exclude(pk=official.pk).exclude(pk__in=list(exclude_ids))
    if substitute_pool(leave_rule_set()) == DEPARTMENT_POOL:
        return officials.filter(department_id=official.department_id).order_by("pk")
    return officials.filter(window_id=official.window_id, window__isnull=False).order_by("pk")


def find_leave_request(leave_request_id: int) -> LeaveRequest | None:
    related = ("applicant", "proposed_substitute", "substitute", "instance__definition")
    return LeaveRequest.objects.select_related(*related).filter(pk=leave_request_id).first()


def leave_request_of_instance(instance: ProcessInstance) -> LeaveRequest | None:
    """The leave request a process instance decides on, if it is a leave process."""
    return LeaveRequest.objects.select_related("proposed_substitute", "substitute").filter(instance=instance).first()
