"""Numbered pages for the short lists people page through by hand (the catalogue, the refusal register).

The long, growing lists (the inbox's done tab, the API's lists) page by cursor instead; these stay small enough
that a page number and a count are cheap. `partials/page_links.html` draws the links.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 20


def numbered_page(request: HttpRequest, rows: QuerySet, per_page: int = PAGE_SIZE) -> dict[str, Any]:
    """{"page": the requested page of `rows`, "query": the request's other parameters, for the page links}."""
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": Paginator(rows, per_page).get_page(request.GET.get("page")), "query": query.urlencode()}
