"""Template filters for deadlines and audit codes, and what the navigation shows."""

from django import template

from webapp.access import can_manage_definitions as _can_manage_definitions
from webapp.access import can_monitor as _can_monitor
from webapp.access import can_see_ledger as _can_see_ledger
from webapp.access import handles_discipline as _handles_discipline
from webapp.due import Due, due_of
from webapp.labels import ACTION_LABELS, OUTCOME_LABELS
from workflows.discipline.catalogue import rule_label
from workflows.discipline.models import SanctionCase
from workflows.org.models import Official
from workflows.org.roles import ROLE_LABELS
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


@register.filter
def breach(case: SanctionCase) -> str:
    """The catalogue item a case cites (第五条第（十五）项 …), or 其他：<text>."""
    return rule_label(case.rule, case.other_text)


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
def handles_discipline(context) -> bool:
    return _handles_discipline(_official(context))


@register.simple_tag(takes_context=True)
def can_see_ledger(context) -> bool:
    return _can_see_ledger(context["request"].user, _official(context))


@register.simple_tag(takes_context=True)
def can_monitor(context) -> bool:
    return _can_monitor(context["request"].user, _official(context))
