"""Catalogue reads: the searchable list the centre office pages through and the API serves."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from workflows.applications.models import Application, Rating, ServiceItem
from workflows.runtime.models import ProcessInstance


def matching(search: str) -> Q:
    """Items whose name or code contains `search`."""
    return Q(name__icontains=search.strip()) | Q(code__icontains=search.strip())


def involving(department_id: int) -> Q:
    """Items a department leads or joins as a co-department."""
    joint = ServiceItem.objects.filter(co_departments=department_id).values("pk")
    return Q(department_id=department_id) | Q(pk__in=joint)


def service_items(*, search: str = "", department_id: int | None = None, kind: str = "") -> QuerySet[ServiceItem]:
    """Items by code, with what their pages and API show, filtered as asked."""
    items = ServiceItem.objects.select_related("department").prefetch_related(
        "materials", "co_departments", "deciding_roles", "refusing_roles")
    if search.strip():
        items = items.filter(matching(search))
    if department_id is not None:
        items = items.filter(involving(department_id))
    if kind:
        items = items.filter(kind=kind)
    return items.order_by("code")


def application_of_instance(instance: ProcessInstance) -> Application | None:
    """The application an `application` instance runs: the instance's business record."""
    return (Application.objects.select_related("item", "department", "received_by", "refusal")
            .filter(instance=instance).first())


def rating_of(application: Application) -> Rating | None:
    return Rating.objects.filter(application=application).first()
