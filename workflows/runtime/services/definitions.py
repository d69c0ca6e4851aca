"""Deploying a definition: validate everything first, then store an immutable new version and make it active.

Versions: each key has one active version (version_models.ActiveVersion), the one new instances start on;
running instances finish on the version they started with. Deploying makes the new version active; rolling
back makes an older one active again (activate_version), audited as `definition_activated` with its reason.
Deploying sources identical to an existing version stores nothing new: that version is made active again
(audited the same way) — the administrator uploaded the old files precisely to go back to them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from engine.assignment import DEFAULT_SCOPE
from engine.errors import DefinitionError
from engine.specs import Vocabulary, load_bundle
from workflows.org.models import Official, Role
from workflows.org.roles import ROLE_LABELS
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.errors import InvalidInput
from workflows.runtime.models import ProcessDefinition
from workflows.runtime.registry import families, registered_form_keys, service_handlers
from workflows.runtime.services.start_schedules import schedule_starts
from workflows.runtime.version_models import ActiveVersion
from workflows.runtime.waiting import record_message_starts

SOURCE_SUFFIXES = (".bpmn", ".dmn")


@dataclass(frozen=True)
class Problem:
    """One reason a definition cannot be published: the file, the element (id, "" when none) and why, in Chinese.

    The modeler marks each on its element, so every check names the element where there is one."""

    file: str
    element_id: str
    message: str


class RefusedFile(InvalidInput):
    """A file refused before any parser sees it (type, size, encoding); `filename` names it ("" for the set)."""

    def __init__(self, message: str, filename: str = "") -> None:
        self.filename = filename
        super().__init__(message, field="sources")


def max_source_bytes() -> int:
    return int(settings.GOVFLOW_DEFINITION_MAX_BYTES)


def source_texts(sources: Mapping[str, str | bytes]) -> dict[str, str]:
    """The sources as text, refusing what no parser should see: a name that is no .bpmn / .dmn file, a file over the
    size limit (settings.GOVFLOW_DEFINITION_MAX_BYTES), bytes that are not UTF-8, and a definition without a .bpmn.

    Raises RefusedFile (an InvalidInput of field "sources") naming the file."""
    limit = max_source_bytes()
    texts: dict[str, str] = {}
    for name, source in sources.items():
        if not isinstance(name, str) or Path(name).name != name or not name.lower().endswith(SOURCE_SUFFIXES):
            raise RefusedFile(f"文件“{name}”的类型不受支持：只能上传 .bpmn 或 .dmn 文件", str(name))
        raw = source.encode("utf-8") if isinstance(source, str) else bytes(source)
        if len(raw) > limit:
            raise RefusedFile(f"文件“{name}”过大（{len(raw)} 字节），上限为 {limit} 字节", name)
        try:
            texts[name] = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RefusedFile(f"文件“{name}”须为 UTF-8 编码（偏移量 {exc.start} 处有无效字节）", name) from exc
    if not any(name.lower().endswith(".bpmn") for name in texts):
        raise RefusedFile("需要一个 .bpmn 文件")
    return texts


def validate_sources(key: str, sources: Mapping[str, str | bytes]) -> list[Problem]:
    """Every problem publishing `sources` as `key` would meet, [] when it would deploy.

    The same checks as deploy_definition (engine.specs.load_bundle with this installation's vocabulary), reported as
    data instead of raised, for the modeler to mark on the diagram; refused input (type, size, encoding) is a
    problem of its file."""
    try:
        texts = source_texts(sources)
        load_bundle(texts, key, vocabulary=deploy_vocabulary())
    except RefusedFile as exc:
        return [Problem(exc.filename, "", str(exc))]
    except DefinitionError as exc:
        return [Problem(p.filename, p.element_id or "", p.reason) for p in exc.problems]
    return []


def _checksum(sources: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(sources):
        digest.update(name.encode("utf-8") + b"\0" + sources[name].encode("utf-8") + b"\0")
    return digest.hexdigest()


def deploy_vocabulary() -> Vocabulary:
    """What a definition may name: registered forms and services, and the org chart's roles.

    Roles are those of the roles table that assignment can resolve, plus `applicant` (the person a case
    is about, not a post in the table).
    """
    roles = set(Role.objects.values_list("code", flat=True)) | {"applicant"}
    return Vocabulary(
        forms=registered_form_keys(),
        services=frozenset(service_handlers()),
        roles=frozenset(roles & set(DEFAULT_SCOPE)),
        role_labels=ROLE_LABELS,
        start_variables={key: frozenset(names) for family in families()
                         for key, names in family.start_variables.items()},
    )


def deploy_definition(
    key: str, sources: Mapping[str, str | bytes], deployed_by: Official | None = None, *, reactivate: bool = True
) -> ProcessDefinition:
    """Validate `sources` (BPMN + DMN), store them as the next version of `key` and make it the active one.

    Deploying sources identical to an existing version stores nothing: that version is returned, made active
    again if it was not (with `reactivate=False` the active version stays as it is). Raises InvalidInput for
    refused files (source_texts) and engine.errors.DefinitionError listing every problem (file, element and
    reason), among them form keys, service operators and roles this installation does not know.
    """
    texts = source_texts(sources)
    bundle = load_bundle(texts, key, vocabulary=deploy_vocabulary())
    checksum = _checksum(texts)
    with transaction.atomic():
        ProcessDefinition.objects.select_for_update().filter(key=key).order_by("-version").first()  # one deploy at once
        same = ProcessDefinition.objects.filter(key=key, checksum=checksum).order_by("-version").first()
        if same is not None:
            if reactivate and (_active_row(key) is None or _active_row(key).definition_id != same.pk):
                _activate(same, deployed_by, f"重新部署与第 {same.version} 版相同的内容")
            return same
        version = (ProcessDefinition.objects.filter(key=key).aggregate(v=Max("version"))["v"] or 0) + 1
        definition = ProcessDefinition.objects.create(
            key=key,
            version=version,
            name=bundle.spec.description or key,
            sources=texts,
            checksum=checksum,
            deployed_at=now(),
            deployed_by=deployed_by,
        )
        record_message_starts(definition, bundle)
        audit.record("definition_deployed", actor=deployed_by, message=f"{key} v{version}",
                     after={"files": sorted(texts), "checksum": checksum})
        previous = _active_row(key)
        _make_active(definition, deployed_by)
        audit.record("definition_activated", actor=deployed_by, message=f"{key} v{version}",
                     before={"version": previous.definition.version if previous else None},
                     after={"version": version, "reason": "发布新版本"})
        schedule_starts(definition, bundle)
    return definition


def deploy_from_files(key: str, paths: list[Path], deployed_by: Official | None = None) -> ProcessDefinition:
    """Deploy shipped files (a family's bpmn/ at seed or start-up): new content becomes a new active version, but
    content identical to an existing version never takes the active version back from what an administrator
    published or rolled back to since (`make run` seeds again on every start)."""
    return deploy_definition(key, {p.name: p.read_text(encoding="utf-8") for p in paths}, deployed_by,
                             reactivate=False)


def _active_row(key: str) -> ActiveVersion | None:
    return ActiveVersion.objects.select_related("definition").filter(key=key).first()


def _make_active(definition: ProcessDefinition, actor: Official | None) -> None:
    ActiveVersion.objects.update_or_create(
        key=definition.key, defaults={"definition": definition, "activated_by": actor, "activated_at": now()})


def active_definition(key: str) -> ProcessDefinition:
    """The version of `key` new instances start on: the active one (the latest deployed unless rolled back).

    A key deployed before versions were activated (no row) starts on its latest version."""
    row = _active_row(key)
    if row is not None:
        return row.definition
    definition = ProcessDefinition.objects.filter(key=key).order_by("-version").first()
    if definition is None:
        raise InvalidInput(f"流程“{key}”尚未部署", field="key")
    return definition


def activate_version(definition_id: int, actor: Official | None, reason: str) -> ProcessDefinition:
    """Make a stored version the one new instances start on (a rollback, or forward again), with a reason.

    Running instances keep their version. The version's timer start schedules take over from the previous
    active version's, counted from now. Refused (InvalidInput) for an unknown version or an empty reason."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写切换版本的原因", field="reason")
    with transaction.atomic():
        definition = ProcessDefinition.objects.select_for_update().filter(pk=definition_id).first()
        if definition is None:
            raise InvalidInput(f"流程定义版本 {definition_id} 不存在", field="version")
        _activate(definition, actor, reason)
    return definition


def _activate(definition: ProcessDefinition, actor: Official | None, reason: str) -> None:
    from workflows.runtime.engine_env import bundle_for  # engine_env reads the registry, loaded after this module

    row = _active_row(definition.key)
    previous = row.definition.version if row is not None else None
    _make_active(definition, actor)
    audit.record("definition_activated", actor=actor, message=f"{definition.key} v{definition.version}",
                 before={"version": previous}, after={"version": definition.version, "reason": reason})
    if previous != definition.version:
        schedule_starts(definition, bundle_for(definition), since=now())
