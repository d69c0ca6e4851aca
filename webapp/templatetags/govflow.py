"""Template filters for deadlines and audit codes, and what the navigation shows."""

from django import template

from webapp.access import can_manage_definitions as _can_manage_definitions
from webapp.due import Due, due_of
from webapp.labels import ACTION_LABELS, OUTCOME_LABELS
from workflows.org.selectors import official_of
from workflows.runtime.models import HumanTask

register = template.Library()


@register.filter
def due(task: HumanTask) -> Due:
    return due_of(task)


@register.filter
def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


@register.filter
def outcome_label(outcome: str) -> str:
    return OUTCOME_LABELS.get(outcome, outcome)


@register.simple_tag(takes_context=True)
def can_manage_definitions(context) -> bool:
    request = context["request"]
    official = getattr(request, "official", None) or official_of(request.user)
    return _can_manage_definitions(request.user, official)
