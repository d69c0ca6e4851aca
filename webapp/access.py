"""Who may use which page: every page needs an official behind the login."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from workflows.org.models import Official
from workflows.org.selectors import CENTRE_LEADER_ROLES, CENTRE_OFFICE, is_centre_office, official_of
from workflows.runtime.models import ProcessInstance
from workflows.runtime.selectors import instances, instances_involving


def can_manage_definitions(user, official: Official | None) -> bool:
    """Deploying and browsing process definitions is the centre office's (and administrators') job."""
    return bool(user.is_staff or is_centre_office(official))


def visible_instances(user, official: Official) -> QuerySet[ProcessInstance]:
    """The one rule for who sees which case: the centre office and administrators every case, anyone else the
    cases they started, applied for or have (had) a task on. A case outside it is not found (404) on every page
    and in the API; the lists, the case page, the timeline and the 审批单 all ask here."""
    if can_manage_definitions(user, official):
        return instances()
    return instances_involving(official)


MONITORING_ROLES = (CENTRE_OFFICE, *CENTRE_LEADER_ROLES, "efficiency_group")


def can_monitor(user, official: Official | None) -> bool:
    """Overdue work and stuck instances are the centre leadership's and office's to watch."""
    return bool(user.is_staff or (official is not None and official.roles.filter(code__in=MONITORING_ROLES).exists()))


def official_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required, and the account must be an official; sets `request.official`."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        official = official_of(request.user)
        if official is None:
            raise PermissionDenied
        request.official = official
        return view(request, *args, **kwargs)

    return wrapped
