"""Reads for the modeler page: what it opens for a key, the files shipped in bpmn/, and the lists its panel offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from engine.assignment import DEFAULT_SCOPE, ROLES, SCOPES
from engine.signers import MODES
from engine.specs import DEFAULT_FORM, TIMEOUT_ACTIONS
from workflows.runtime.models import DefinitionDraft, ProcessDefinition
from workflows.runtime.registry import registered_form_keys, service_handlers
from workflows.runtime.services.definitions import active_definition, deploy_vocabulary


@dataclass(frozen=True)
class EditorStart:
    """What the editor opens: `origin` is "draft", "version", "files" or "" (nothing yet: pick files from bpmn/)."""

    origin: str
    sources: dict[str, str]
    checksum: str  # the draft's, for optimistic locking; "" when not opened from a draft
    based_on: ProcessDefinition | None
    draft: DefinitionDraft | None = None


def shipped_files() -> list[str]:
    """The .bpmn and .dmn files in the bpmn/ folder, which a new definition may start from."""
    folder = settings.GOVFLOW_BPMN_DIR
    return sorted(p.name for p in folder.iterdir() if p.suffix in (".bpmn", ".dmn") and p.is_file())


def editor_start(key: str, files: list[str] | tuple[str, ...] = ()) -> EditorStart:
    """The latest draft of `key`, else its active version (what new cases start on, also after a rollback), else the
    named files of bpmn/ (unknown names are ignored: the page only offers `shipped_files()`)."""
    latest = active_definition(key) if ProcessDefinition.objects.filter(key=key).exists() else None
    if files:
        known = set(shipped_files())
        folder = settings.GOVFLOW_BPMN_DIR
        sources = {name: (folder / name).read_text(encoding="utf-8") for name in files if name in known}
        if sources:
            return EditorStart("files", sources, _draft_checksum(key), latest)
    draft = DefinitionDraft.objects.select_related("based_on", "saved_by").filter(key=key).first()
    if draft is not None:
        return EditorStart("draft", dict(draft.sources), draft.checksum, draft.based_on, draft)
    if latest is not None:
        return EditorStart("version", dict(latest.sources), "", latest)
    return EditorStart("", {}, "", None)


def _draft_checksum(key: str) -> str:
    """Starting over from files replaces the current draft on save, as an edit of it would."""
    return DefinitionDraft.objects.filter(key=key).values_list("checksum", flat=True).first() or ""


def modeler_vocabulary() -> dict[str, Any]:
    """The choices the modeler's properties panel offers, each {value, label}: the same names a deploy accepts."""
    vocabulary = deploy_vocabulary()
    labels = vocabulary.role_labels or {}
    roles = [r for r in (*ROLES, "applicant") if r in (vocabulary.roles or ())]
    scope_labels = {
        "applicant.window": _("The applicant's window"),
        "applicant.department": _("The applicant's department"),
        "centre": _("The whole centre"),
        "applicant": _("The applicant"),
    }
    timeout_labels = {"remind": _("Remind the handler"), "approve": _("Approve automatically"),
                      "reject": _("Reject automatically"), "escalate": _("Escalate")}
    forms = sorted(registered_form_keys() | {DEFAULT_FORM})
    return {
        "roles": [{"value": r, "label": labels.get(r, r), "default_scope": DEFAULT_SCOPE[r]} for r in roles],
        "scopes": [{"value": s, "label": scope_labels.get(s, s)} for s in sorted(SCOPES)],
        "forms": [{"value": f, "label": f} for f in forms],
        "services": [{"value": s, "label": s} for s in sorted(service_handlers())],
        "approval_modes": [{"value": m, "label": label} for m, label in MODES.items()],
        "timeout_actions": [{"value": a, "label": timeout_labels[a]} for a in TIMEOUT_ACTIONS],
    }
