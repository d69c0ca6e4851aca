"""Deploying a definition: validate everything first, then store an immutable new version."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

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
from workflows.runtime.registry import registered_form_keys, service_handlers
from workflows.runtime.services.start_schedules import schedule_starts
from workflows.runtime.waiting import record_message_starts


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
    )


@dataclass(frozen=True)
class Problem:
    """One reason a definition cannot be deployed: the file, the element (\"\" for the file as a whole), why."""

    file: str
    element_id: str
    message: str


def validate_sources(key: str, sources: Mapping[str, str]) -> list[Problem]:
    """Every problem deploying `sources` as `key` would meet ([] when none), without storing anything.

    The same check as deploy_definition's, so the modeler can mark the problems on the diagram before publishing.
    """
    try:
        load_bundle(dict(sources), key, vocabulary=deploy_vocabulary())
    except DefinitionError as error:
        return [Problem(p.filename, p.element_id or "", p.reason) for p in error.problems]
    return []


def deploy_definition(
    key: str, sources: Mapping[str, str | bytes], deployed_by: Official | None = None
) -> ProcessDefinition:
    """Validate `sources` (BPMN + DMN) and store them as the next version of `key`.

    Deploying sources identical to the latest version returns that version unchanged.
    Raises engine.errors.DefinitionError listing every problem (file, element and reason), among them
    form keys, service operators and roles this installation does not know.
    """
    texts = {name: (s.decode("utf-8") if isinstance(s, bytes) else s) for name, s in sources.items()}
    if not any(name.endswith(".bpmn") for name in texts):
        raise InvalidInput("需要一个 .bpmn 文件")
    bundle = load_bundle(texts, key, vocabulary=deploy_vocabulary())
    checksum = _checksum(texts)
    with transaction.atomic():
        latest = ProcessDefinition.objects.select_for_update().filter(key=key).order_by("-version").first()
        if latest is not None and latest.checksum == checksum:
            return latest
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
        schedule_starts(definition, bundle)
    return definition


def deploy_from_files(key: str, paths: list[Path], deployed_by: Official | None = None) -> ProcessDefinition:
    return deploy_definition(key, {p.name: p.read_text(encoding="utf-8") for p in paths}, deployed_by)


def latest_definition(key: str) -> ProcessDefinition:
    definition = ProcessDefinition.objects.filter(key=key).order_by("-version").first()
    if definition is None:
        raise InvalidInput(f"流程“{key}”尚未部署")
    return definition
