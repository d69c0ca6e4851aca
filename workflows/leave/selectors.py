"""Reads of leave requests and absence records."""

from __future__ import annotations

from django.db.models import QuerySet

from workflows.leave.models import LeaveRequest
from workflows.org.models import Official
from workflows.runtime.models import ProcessInstance


def leave_requests_of(official: Official) -> QuerySet[LeaveRequest]:
    return LeaveRequest.objects.filter(applicant=official).select_related("substitute").order_by("-created_at")


def substitute_choices(official: Official) -> QuerySet[Official]:
    """Who can stand in: active officials of the same department, the applicant excluded."""
    return Official.objects.filter(active=True, department_id=official.department_id).exclude(pk=official.pk)


def find_leave_request(leave_request_id: int) -> LeaveRequest | None:
    related = ("applicant", "proposed_substitute", "substitute", "instance__definition")
    return LeaveRequest.objects.select_related(*related).filter(pk=leave_request_id).first()


def leave_request_of_instance(instance: ProcessInstance) -> LeaveRequest | None:
    """The leave request a process instance decides on, if it is a leave process."""
    return LeaveRequest.objects.select_related("proposed_substitute", "substitute").filter(instance=instance).first()
