"""Drafts edited in the modeler page: save with optimistic locking, and publish a draft as a new version.

One draft per process key. The editor sends back the checksum of the draft it opened ("" when it started from a
deployed version or a file): a save or publish over a draft someone else saved since is refused with a Conflict,
so nobody's edit is overwritten unseen. Publishing validates like any deploy and removes the draft it published.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from workflows.org.models import Official
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.errors import Conflict, InvalidInput
from workflows.runtime.models import DefinitionDraft, ProcessDefinition
from workflows.runtime.services.definitions import _checksum, deploy_definition

MAX_SOURCE_CHARS = 2_000_000  # a diagram of several hundred elements is ~200 kB; anything near this is not one


def clean_sources(sources: Any) -> dict[str, str]:
    """`{filename: text}`: .bpmn files (a call activity's process comes in its own) and .dmn files, or InvalidInput
    naming the field `sources`."""
    if not isinstance(sources, Mapping) or not sources:
        raise InvalidInput("文件内容缺失：需要 {文件名: 内容}", field="sources")
    cleaned: dict[str, str] = {}
    for name, text in sources.items():
        if not isinstance(name, str) or not isinstance(text, str):
            raise InvalidInput("文件名和内容都须为文本", field="sources")
        if "/" in name or "\\" in name or not name.endswith((".bpmn", ".dmn")):
            raise InvalidInput(f"文件名“{name}”无效：只能是 .bpmn 或 .dmn 文件名，不含路径", field="sources")
        if len(text) > MAX_SOURCE_CHARS:
            raise InvalidInput(f"文件“{name}”过大", field="sources")
        cleaned[name] = text
    if not any(name.endswith(".bpmn") for name in cleaned):
        raise InvalidInput("至少需要一个 .bpmn 文件", field="sources")
    return cleaned


def _locked_draft(key: str) -> DefinitionDraft | None:
    """The draft of `key`, its row locked (only its row: PostgreSQL cannot lock the outer-joined official)."""
    return DefinitionDraft.objects.select_for_update(of=("self",)).select_related("saved_by").filter(key=key).first()


def _check_unchanged(draft: DefinitionDraft | None, expected_checksum: str) -> None:
    """Refuse when the stored draft is not the one the editor opened."""
    if (draft.checksum if draft is not None else "") == (expected_checksum or ""):
        return
    if draft is None:
        raise Conflict("您打开的草稿已被发布或删除，请重新打开编辑器后再修改")
    who = draft.saved_by.name if draft.saved_by else "其他人"
    when = timezone.localtime(draft.saved_at).strftime("%Y-%m-%d %H:%M")
    raise Conflict(f"{who} 于 {when} 保存了新的草稿，您的修改未保存；请重新打开编辑器后再修改")


def save_draft(
    key: str,
    sources: Any,
    saved_by: Official | None,
    expected_checksum: str = "",
    based_on: ProcessDefinition | None = None,
) -> DefinitionDraft:
    """Store `sources` as the draft of `key`, provided nobody saved another draft since the editor opened it."""
    texts = clean_sources(sources)
    checksum = _checksum(texts)
    try:
        with transaction.atomic():
            draft = _locked_draft(key)
            _check_unchanged(draft, expected_checksum)
            if draft is None:
                draft = DefinitionDraft(key=key, based_on=based_on)
            elif based_on is not None:
                draft.based_on = based_on
            draft.sources, draft.checksum, draft.saved_by, draft.saved_at = texts, checksum, saved_by, now()
            draft.save()
            audit.record("definition_draft_saved", actor=saved_by, message=f"{key} 草稿",
                         after={"files": sorted(texts), "checksum": checksum})
    except IntegrityError as exc:  # two first drafts of one key at once: the second loses
        raise Conflict("另一位工作人员刚刚保存了此流程的草稿，请重新打开编辑器后再修改") from exc
    return draft


def publish(key: str, sources: Any, published_by: Official | None, expected_checksum: str = "") -> ProcessDefinition:
    """Deploy `sources` as the next version of `key` and drop the draft they came from.

    Raises engine.errors.DefinitionError listing every problem when the sources cannot be deployed (nothing is
    stored then), Conflict when another draft was saved since the editor opened its own.
    """
    texts = clean_sources(sources)
    with transaction.atomic():
        draft = _locked_draft(key)
        _check_unchanged(draft, expected_checksum)
        definition = deploy_definition(key, texts, published_by)
        if draft is not None:
            draft.delete()
    return definition
