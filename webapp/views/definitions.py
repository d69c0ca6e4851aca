"""流程定义: the deployed versions and their diagrams, for the centre office."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from webapp.access import can_manage_definitions, official_required
from workflows.runtime.selectors import definitions, find_definition


def _require_manager(request: HttpRequest) -> None:
    if not can_manage_definitions(request.user, request.official):
        raise PermissionDenied


@require_GET
@official_required
def definition_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    return render(request, "definitions/list.html", {"definitions": definitions().select_related("deployed_by")})


@require_GET
@official_required
def definition_detail(request: HttpRequest, definition_id: int) -> HttpResponse:
    _require_manager(request)
    definition = find_definition(definition_id)
    if definition is None:
        raise Http404
    sources = sorted(definition.sources.items())
    return render(request, "definitions/detail.html", {"definition": definition, "sources": sources,
                                                       "diagram": {"definition_id": definition.pk}})
