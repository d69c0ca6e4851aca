"""Template filters for deadlines and audit codes, and what the navigation shows (from the family registry)."""

from django import template

from webapp.access import can_manage_definitions as _can_manage_definitions
from webapp.access import can_monitor as _can_monitor
from webapp.due import Due, due_of
from workflows.org.models import Official
from workflows.org.roles import ROLE_LABELS
from workflows.org.selectors import official_of, working_calendar
from workflows.runtime import registry
from workflows.runtime.models import HumanTask
from workflows.runtime.notification_selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def due(context, task: HumanTask) -> Due:
    """`{% due task as d %}`: the calendar is read once per request, not once per row of a list."""
    request = context["request"]
    calendar = getattr(request, "govflow_calendar", None)
    if calendar is None:
        calendar = request.govflow_calendar = working_calendar()
    return due_of(task, calendar)


@register.filter
def action_label(action: str) -> str:
    return registry.labels("action").get(action, action)


@register.filter
def outcome_label(outcome: str) -> str:
    return registry.labels("outcome").get(outcome, outcome)


@register.filter
def role_label(code: str) -> str:
    return ROLE_LABELS.get(code, code)


def _official(context) -> Official | None:
    request = context["request"]
    return getattr(request, "official", None) or official_of(request.user)


@register.simple_tag(takes_context=True)
def can_manage_definitions(context) -> bool:
    return _can_manage_definitions(context["request"].user, _official(context))


@register.simple_tag(takes_context=True)
def can_monitor(context) -> bool:
    return _can_monitor(context["request"].user, _official(context))


@register.simple_tag(takes_context=True)
def family_navigation(context) -> list[dict]:
    """The registered families' links this user may see, with the current page's marked active."""
    request = context["request"]
    official = _official(context)
    current = getattr(request.resolver_match, "url_name", None)
    return [{"label": entry.label, "url_name": entry.url_name, "active": entry.is_active(current)}
            for entry in registry.navigation() if entry.shown_to(request.user, official)]


@register.simple_tag
def public_links() -> list[dict]:
    """The registered families' pages for people without a login (the login page and the form-expired page)."""
    return [{"label": entry.label, "url_name": entry.url_name} for entry in registry.public_links()]


UNREAD_CAP = 100  # the header shows "99+" beyond: counting further scans rows nobody reads


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> str:
    """The header's unread count: one capped COUNT on the index `notification_unread`, kept on the request so a
    page that draws it twice still asks once. "" when there is nothing unread (or no official)."""
    request = context["request"]
    if not hasattr(request, "_govflow_unread"):
        official = _official(context)
        count = unread_count(official, UNREAD_CAP) if official is not None else 0
        request._govflow_unread = "" if not count else (f"{UNREAD_CAP - 1}+" if count >= UNREAD_CAP else str(count))
    return request._govflow_unread
