"""Template tags of the discipline pages: a complaint as the person looking at the page may see it."""

from __future__ import annotations

from typing import Any

from django import template

from workflows.discipline.models import Complaint
from workflows.discipline.privacy import ComplaintView, complaint_as_seen_by
from workflows.org.selectors import official_of

register = template.Library()


@register.simple_tag(takes_context=True)
def complaint_for_reader(context: dict[str, Any], complaint: Complaint) -> ComplaintView:
    """The complainant's name and contact only for the centre office and the efficiency group (privacy.py)."""
    request = context.get("request")
    official = getattr(request, "official", None) if request is not None else None
    if official is None and request is not None and request.user.is_authenticated:
        official = official_of(request.user)
    return complaint_as_seen_by(complaint, official)
