"""流程定义: the deployed versions and their diagrams, for the centre office: which version is active, rolling
back to an older one, comparing two versions, and uploading new .bpmn / .dmn files."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from engine.errors import DefinitionError
from webapp.access import can_manage_definitions, official_required
from webapp.definition_forms import ActivateForm, UploadForm
from workflows.runtime.definition_diff import element_changes, file_diffs
from workflows.runtime.errors import InvalidInput
from workflows.runtime.selectors import active_definition_ids, definitions, find_definition
from workflows.runtime.services.definitions import (
    activate_version,
    active_definition,
    deploy_definition,
    max_source_bytes,
)


def _require_manager(request: HttpRequest) -> None:
    if not can_manage_definitions(request.user, request.official):
        raise PermissionDenied


@require_GET
@official_required
def definition_list(request: HttpRequest) -> HttpResponse:
    """Per key: its active version first, then every version, newest first."""
    _require_manager(request)
    active = active_definition_ids()
    rows = definitions().select_related("deployed_by").order_by("key", "-version")
    keys = []
    for key, versions in groupby(rows, key=lambda d: d.key):
        versions = list(versions)
        current = next((d for d in versions if d.pk == active.get(key)), versions[0])
        keys.append({"key": key, "active": current, "versions": versions})
    return render(request, "definitions/list.html", {"keys": keys})


def _managed_definition(request: HttpRequest, definition_id: int):
    """The version, for a definition manager only (403 otherwise); 404 when there is none."""
    _require_manager(request)
    definition = find_definition(definition_id)
    if definition is None:
        raise Http404
    return definition


@require_GET
@official_required
def definition_detail(request: HttpRequest, definition_id: int) -> HttpResponse:
    definition = _managed_definition(request, definition_id)
    return _detail(request, definition, ActivateForm())


def _detail(request: HttpRequest, definition, form: ActivateForm, status: int = 200) -> HttpResponse:
    sources = sorted(definition.sources.items())
    others = definitions().filter(key=definition.key).exclude(pk=definition.pk).order_by("-version")
    is_active = active_definition(definition.key).pk == definition.pk
    return render(request, "definitions/detail.html", {
        "definition": definition, "sources": sources, "diagram": {"definition_id": definition.pk},
        "is_active": is_active, "form": form, "others": others}, status=status)


@require_POST
@official_required
def definition_activate(request: HttpRequest, definition_id: int) -> HttpResponse:
    """设为当前版本: new cases start on this version (a rollback, or forward again), with a reason."""
    definition = _managed_definition(request, definition_id)
    form = ActivateForm(request.POST)
    if not form.is_valid():
        return _detail(request, definition, form, status=400)
    try:
        activate_version(definition.pk, request.official, form.cleaned_data["reason"])
    except InvalidInput as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        return _detail(request, definition, form, status=400)
    messages.success(request, _("New cases of %(key)s now start on version %(version)s.")
                     % {"key": definition.key, "version": definition.version})
    return redirect("definition_detail", definition.pk)


@require_GET
@official_required
def definition_compare(request: HttpRequest) -> HttpResponse:
    """Two versions side by side (`?a=<id>&b=<id>`): both diagrams with changed elements marked, and the XML diff."""
    _require_manager(request)
    try:
        older, newer = (find_definition(int(request.GET.get(name, ""))) for name in ("a", "b"))
    except ValueError as exc:
        raise Http404 from exc
    if older is None or newer is None:
        raise Http404
    if (older.key, older.version) > (newer.key, newer.version):
        older, newer = newer, older
    changes = element_changes(older.sources, newer.sources)
    label = "{} v{}".format
    return render(request, "definitions/compare.html", {
        "older": older, "newer": newer, "changes": changes,
        "older_diagram": {"definition_id": older.pk, "removed": changes.removed, "changed": changes.changed},
        "newer_diagram": {"definition_id": newer.pk, "added": changes.added, "changed": changes.changed},
        "files": file_diffs(older.sources, newer.sources, label(older.key, older.version),
                            label(newer.key, newer.version)),
    })


@require_http_methods(["GET", "POST"])
@official_required
def definition_upload(request: HttpRequest) -> HttpResponse:
    """Upload a .bpmn (and its .dmn files) for a key: checked, then deployed as the new active version; otherwise
    every problem listed by file and element, nothing stored."""
    _require_manager(request)
    form = UploadForm(request.POST or None, request.FILES or None, initial={"key": request.GET.get("key", "")})
    problems: list = []
    if request.method == "POST" and form.is_valid():
        try:
            sources = _read_uploads(form.cleaned_data["files"])
            definition = deploy_definition(form.cleaned_data["key"], sources, deployed_by=request.official)
        except InvalidInput as exc:
            form.add_error("files", str(exc))
        except DefinitionError as exc:
            problems = exc.problems
        else:
            messages.success(request, _("Version %(version)s of %(key)s is now active.")
                             % {"key": definition.key, "version": definition.version})
            return redirect("definition_detail", definition.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "definitions/upload.html", {"form": form, "problems": problems,
                                                       "limit": max_source_bytes()}, status=status)


def _read_uploads(files: list) -> dict[str, bytes]:
    """The uploaded files' bytes by name; one over the size limit is refused before it is read whole."""
    limit = max_source_bytes()
    sources: dict[str, bytes] = {}
    for upload in files:
        if upload.size > limit:
            raise InvalidInput(_("File “%(name)s” is too large (%(size)s bytes); the limit is %(limit)s bytes.")
                               % {"name": upload.name, "size": upload.size, "limit": limit}, field="sources")
        if upload.name in sources:
            raise InvalidInput(_("File “%(name)s” was chosen twice.") % {"name": upload.name}, field="sources")
        sources[upload.name] = upload.read()
    return sources
