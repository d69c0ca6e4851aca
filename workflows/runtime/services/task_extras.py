"""Around a task, beside the workflow: comments (备注), attachments (附件), bulk approval (批量同意), signatures.

Comments and files are rows and stored files, never part of the workflow state; who may add them is the one
may-act rule (`allowed_operations(...)["comment"]`). Every addition is audited, so the case timeline shows it.
Bulk approval completes each task through `complete_task`, one transaction per task, so a refusal of one task
(taken meanwhile, not allowed, not a bulk step) never holds back the others and is reported with its reason.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from engine.errors import EngineError
from workflows.org.models import Official
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.errors import InvalidInput
from workflows.runtime.models import HumanTask, TaskAttachment, TaskComment
from workflows.runtime.services.transitions import OperationRefused, allowed_operations, complete_task
from workflows.runtime.uploads import CONTENT_TYPES, EXTENSIONS, Upload, content_matches, sha256_of
from workflows.runtime.validators import check_upload_name

COMMENT_LONGEST = 2000
BULK_LIMIT = 100  # tasks per bulk approval: a page of the inbox, not the whole centre


def _may_comment(task_id: int, actor: Official, lock: bool = False) -> HumanTask:
    tasks = HumanTask.objects.select_related("instance")
    task = (tasks.select_for_update(of=("self",)) if lock else tasks).filter(pk=task_id).first()
    if task is None:
        raise InvalidInput(_("No such task."), field="task")
    verdict = allowed_operations(task, actor)["comment"]
    if not verdict:
        raise OperationRefused(actor.pk, verdict.reason)
    return task


def add_comment(task_id: int, actor: Official, text: str) -> TaskComment:
    """A remark on the task by whoever acts or acted on it; empty or too long is refused naming `text`."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Please write the comment."), field="text")
    if len(text) > COMMENT_LONGEST:
        raise InvalidInput(_("At most %(count)d characters.") % {"count": COMMENT_LONGEST}, field="text")
    with transaction.atomic():
        task = _may_comment(task_id, actor)
        comment = TaskComment.objects.create(task=task, author=actor, text=text, at=now())
        audit.record("task_commented", task=task, actor=actor, message=text, after={"comment_id": comment.pk})
    return comment


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def allowed_kinds_text() -> str:
    return "、".join(kind.upper() for kind in settings.GOVFLOW_TASK_ATTACHMENT_TYPES)


def check_task_file(upload: Upload | None, kinds: tuple[str, ...], largest: int, field: str) -> tuple[str, str]:
    """(original name, kind) of an upload that is of one of `kinds` by content and within `largest` bytes."""
    if upload is None:
        raise InvalidInput(_("Choose a file."), field=field)
    try:
        check_upload_name(upload.name or "")
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field=field) from exc
    name = os.path.basename(upload.name or "")
    if not name or len(name) > 200:
        raise InvalidInput(_("The file name must have 1 to 200 characters."), field=field)
    extension = os.path.splitext(name)[1].lower()
    kind = EXTENSIONS.get(extension)
    if kind not in kinds:
        raise InvalidInput(_("“%(name)s” is not an allowed kind of file (allowed: %(kinds)s).")
                           % {"name": name, "kinds": "、".join(k.upper() for k in kinds)}, field=field)
    size = upload.size or 0
    if size == 0:
        raise InvalidInput(_("“%(name)s” is empty.") % {"name": name}, field=field)
    if size > largest:
        raise InvalidInput(_("“%(name)s” is larger than %(limit)s.") % {"name": name, "limit": _megabytes(largest)},
                           field=field)
    if not content_matches(upload, kind):
        raise InvalidInput(_("The content of “%(name)s” is not a %(ext)s file.") % {"name": name, "ext": extension},
                           field=field)
    return name, kind


def add_attachment(task_id: int, actor: Official, upload: Upload | None) -> TaskAttachment:
    """A file on the task, checked (name, kind by content, size, count per task), stored under the case's folder."""
    name, kind = check_task_file(upload, tuple(settings.GOVFLOW_TASK_ATTACHMENT_TYPES),
                                 settings.GOVFLOW_TASK_ATTACHMENT_MAX_BYTES, "file")
    stored = None
    try:
        with transaction.atomic():
            task = _may_comment(task_id, actor, lock=True)  # the task row locked: one count at a time per task
            if task.attachments.count() >= settings.GOVFLOW_TASK_ATTACHMENT_MAX_COUNT:
                raise InvalidInput(_("A task takes at most %(count)d files.")
                                   % {"count": settings.GOVFLOW_TASK_ATTACHMENT_MAX_COUNT}, field="file")
            attachment = TaskAttachment(task=task, author=actor, original_name=name, size=upload.size,
                                        content_type=CONTENT_TYPES[kind], sha256=sha256_of(upload), at=now())
            attachment.file.save(name, upload, save=False)
            stored = attachment.file.name
            attachment.save()
            audit.record("task_attachment_added", task=task, actor=actor, message=name,
                         after={"attachment_id": attachment.pk, "name": name, "size": upload.size,
                                "sha256": attachment.sha256})
    except Exception:
        if stored:  # the row was rolled back: leave no file nobody can reach
            default_storage.delete(stored)
        raise
    return attachment


@dataclass(frozen=True)
class BulkOutcome:
    """What happened to one task of a bulk approval: done, or refused with the reason."""

    task_id: int
    title: str
    done: bool
    reason: str = ""


def bulk_approve(task_ids: list[int], actor: Official, opinion: str = "") -> list[BulkOutcome]:
    """批量同意: each task completed with decision approve (and the common opinion) through `complete_task`.

    Only steps whose definition allows it (`bulk_approve`) and that the actor may complete; each task in its own
    transaction, so one refusal (someone else was first, the rule forbids it) is reported and the rest go on.
    """
    opinion = (opinion or "").strip()
    if len(opinion) > COMMENT_LONGEST:
        raise InvalidInput(_("At most %(count)d characters.") % {"count": COMMENT_LONGEST}, field="opinion")
    ids = list(dict.fromkeys(task_ids))
    if not ids:
        raise InvalidInput(_("Choose at least one task."), field="task_ids")
    if len(ids) > BULK_LIMIT:
        raise InvalidInput(_("At most %(count)d tasks at once.") % {"count": BULK_LIMIT}, field="task_ids")
    tasks = HumanTask.objects.in_bulk(ids)
    outcomes = []
    for task_id in ids:
        task = tasks.get(task_id)
        if task is None:
            outcomes.append(BulkOutcome(task_id, "", False, _("No such task.")))
            continue
        if not task.bulk_approve or task.form != "approval":
            outcomes.append(BulkOutcome(task_id, task.title, False, _("This step cannot be approved in bulk.")))
            continue
        try:
            complete_task(task_id, actor, {"decision": "approve", "comment": opinion})
        except EngineError as exc:
            outcomes.append(BulkOutcome(task_id, task.title, False, str(exc)))
        else:
            outcomes.append(BulkOutcome(task_id, task.title, True))
    return outcomes


SIGNATURE_KINDS = ("png", "jpg")


def set_signature(official: Official, upload: Upload | None) -> Official:
    """我的签名: a PNG or JPEG, checked by content, stored as a new file named by its hash (never overwritten), so
    approvals completed with the earlier signature keep showing the earlier image."""
    name, kind = check_task_file(upload, SIGNATURE_KINDS, settings.GOVFLOW_SIGNATURE_MAX_BYTES, "signature")
    digest = sha256_of(upload)
    path = f"signatures/{official.pk}/{digest}.{kind}"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(upload.read()))
    before = official.signature_sha256
    official.signature_file = path
    official.signature_sha256 = digest
    official.save(update_fields=["signature_file", "signature_sha256"])
    audit.record("signature_changed", actor=official, message=name, before={"sha256": before} if before else None,
                 after={"sha256": digest})
    return official
