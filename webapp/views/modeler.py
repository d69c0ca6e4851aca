"""流程建模: the in-browser modeler (bpmn-js + dmn-js, webapp/frontend/modeler.js) and the JSON it talks to.

Only definition managers (webapp.access.can_manage_definitions) reach any of it. The page opens a key's draft,
else its latest version, else files from bpmn/; it saves drafts, asks for validation and publishes through the
JSON endpoints below, which answer refusals as {"error": ...} with 400 / 403 / 409 and deploy problems as
{"problems": [{file, element_id, message}]} so the page can mark them on the diagram.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from engine.errors import DefinitionError
from webapp.access import can_manage_definitions, official_required
from workflows.runtime.draft_selectors import editor_start, modeler_vocabulary, shipped_files
from workflows.runtime.errors import Conflict, InvalidInput
from workflows.runtime.models import ProcessDefinition
from workflows.runtime.services.definitions import Problem, validate_sources
from workflows.runtime.services.drafts import clean_sources, publish, save_draft

KEY = re.compile(r"^[A-Za-z_][\w.-]{0,99}$")


def _require_manager(request: HttpRequest) -> None:
    if not can_manage_definitions(request.user, request.official):
        raise PermissionDenied


def _check_key(key: str) -> None:
    if not KEY.match(key):
        raise InvalidInput(f"流程标识“{key}”无效：须以字母开头，只含字母、数字、下划线、点和连字符", field="key")


def _error(message: str, status: int, field: str | None = None) -> JsonResponse:
    return JsonResponse({"error": message, "field": field}, status=status, json_dumps_params={"ensure_ascii": False})


def _problems(problems: list[Problem], status: int = 200, **extra: Any) -> JsonResponse:
    return JsonResponse({"problems": [asdict(p) for p in problems], **extra}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def _json_view(handler):
    """Manager check, JSON body, and every refusal answered as JSON (a person never meets a 500 page here)."""

    @require_POST
    @official_required
    def view(request: HttpRequest, key: str) -> JsonResponse:
        if not can_manage_definitions(request.user, request.official):
            return _error("只有中心办公室（流程定义管理员）可以编辑流程定义", 403)
        try:
            _check_key(key)
            try:
                body = json.loads(request.body.decode("utf-8") or "{}")
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise InvalidInput("请求内容不是有效的 JSON", field="sources") from exc
            if not isinstance(body, dict):
                raise InvalidInput("请求内容须为 JSON 对象", field="sources")
            return handler(request, key, body)
        except InvalidInput as exc:
            return _error(str(exc), 400, exc.field)
        except Conflict as exc:
            return _error(str(exc), 409)
        except DefinitionError as exc:
            return _problems([Problem(p.filename, p.element_id or "", p.reason) for p in exc.problems], 400,
                             error="流程定义有问题，未发布")

    return view


def _labels() -> dict[str, Any]:
    """The words modeler.js shows, translated here so the bundle carries no UI text of its own."""
    return {
        "saved": _("Draft saved."),
        "valid": _("No problems found: the definition can be published."),
        "problemsFound": _("{n} problems found; they are marked on the diagram."),
        "published": _("Published as version {n}; new cases use it."),
        "cannotOpen": _("cannot be opened:"),
        "panel": {
            "group": _("Govflow"),
            "none": _("(none)"),
            "role": _("Role (assignment)"),
            "scope": _("Scope"),
            "defaultScope": _("(the role's usual scope)"),
            "performerOf": _("Whoever did step"),
            "performerOfHelp": _("Instead of a role: the official who completed that earlier step takes this one."),
            "form": _("Form"),
            "defaultForm": _("(generic form)"),
            "due": _("Due in working days"),
            "timeoutDays": _("Timeout after working days"),
            "timeoutAction": _("On timeout"),
            "escalateRole": _("Escalate to role"),
            "escalateScope": _("Escalation scope"),
            "approvalMode": _("Multi-approver mode"),
            "passRatio": _("Pass ratio (会签)"),
            "resultVariable": _("Result variable"),
            "operator": _("Service operator"),
            "wholeDays": _("A whole number of working days, e.g. 3"),
            "ratio": _("A ratio such as 2/3 or 0.5"),
        },
    }


@require_GET
@official_required
def modeler_page(request: HttpRequest, key: str) -> HttpResponse:
    _require_manager(request)
    if not KEY.match(key):
        raise Http404
    start = editor_start(key, request.GET.getlist("file"))
    config = {
        "key": key,
        "origin": start.origin,
        "sources": start.sources,
        "checksum": start.checksum,
        "basedOn": start.based_on.version if start.based_on else None,
        "urls": {
            "vocabulary": reverse("modeler_vocabulary"),
            "save": reverse("modeler_save_draft", args=[key]),
            "validate": reverse("modeler_validate", args=[key]),
            "publish": reverse("modeler_publish", args=[key]),
        },
        "labels": _labels(),
    }
    return render(request, "definitions/modeler.html", {
        "key": key, "start": start, "config": config, "shipped_files": shipped_files(),
    })


@require_GET
@official_required
def open_key(request: HttpRequest) -> HttpResponse:
    """The definitions page's "open in the modeler" form: any key, deployed or new."""
    _require_manager(request)
    key = request.GET.get("key", "").strip()
    try:
        _check_key(key)
    except InvalidInput as exc:
        messages.error(request, str(exc))
        return redirect("definition_list")
    return redirect("modeler", key=key)


@require_GET
@official_required
def vocabulary(request: HttpRequest) -> JsonResponse:
    _require_manager(request)
    return JsonResponse(modeler_vocabulary(), json_dumps_params={"ensure_ascii": False})


def _based_on_version(key: str, body: dict) -> ProcessDefinition | None:
    version = body.get("basedOn")
    if version in (None, ""):
        return None
    if not isinstance(version, int):
        raise InvalidInput("basedOn 须为版本号", field="basedOn")
    return ProcessDefinition.objects.filter(key=key, version=version).first()


@_json_view
def save(request: HttpRequest, key: str, body: dict) -> JsonResponse:
    draft = save_draft(key, body.get("sources"), request.official, str(body.get("checksum") or ""),
                       _based_on_version(key, body))
    return JsonResponse({"checksum": draft.checksum, "saved_at": draft.saved_at.isoformat()})


@_json_view
def validate(request: HttpRequest, key: str, body: dict) -> JsonResponse:
    return _problems(validate_sources(key, clean_sources(body.get("sources"))))


@_json_view
def publish_view(request: HttpRequest, key: str, body: dict) -> JsonResponse:
    definition = publish(key, body.get("sources"), request.official, str(body.get("checksum") or ""))
    return JsonResponse({"version": definition.version, "url": reverse("definition_detail", args=[definition.pk]),
                         "problems": []})
