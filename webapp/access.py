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
from workflows.runtime.selectors import cases_visible_to, instances


def can_manage_definitions(user, official: Official | None) -> bool:
    """Deploying and browsing process definitions is the centre office's (and administrators') job."""
    return bool(user.is_staff or is_centre_office(official))


def visible_instances(user, official: Official) -> QuerySet[ProcessInstance]:
    """Who sees which case (workflows.runtime.selectors.cases_visible_to), plus administrators, who see every case.
    A case outside it is not found (404) on every page and in the API."""
    if user.is_staff:
        return instances()
    return cases_visible_to(official)


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
