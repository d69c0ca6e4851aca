"""What an appeal may carry (第十一条 书面申辩 with its supporting material): documents and images only.

A file is judged by its content, not by its name (workflows.runtime.uploads.content_matches): an
.exe renamed .pdf, a zip renamed .docx or a .png that is really a script is refused, with the reason.

Allowed: PDF, JPEG, PNG, Word (.doc, .docx) and OFD (the national standard for e-documents, which
government offices issue). At most MAX_FILES files, MAX_FILE_BYTES each, MAX_TOTAL_BYTES together.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from workflows.runtime import uploads as runtime_uploads
from workflows.runtime.errors import InvalidInput
from workflows.runtime.uploads import Upload, content_matches
from workflows.runtime.validators import check_upload_name

MAX_FILES = 5
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 50 * 1024 * 1024

# extension → the kind its content must be: the appeal takes the runtime's kinds except spreadsheets
EXTENSIONS = {extension: kind for extension, kind in runtime_uploads.EXTENSIONS.items() if kind != "xlsx"}
CONTENT_TYPES = runtime_uploads.CONTENT_TYPES
ALLOWED_TEXT = "PDF、JPG、PNG、Word（.doc、.docx）、OFD"


class AttachmentRefused(InvalidInput):
    """An appeal attachment is not an allowed document or image, or too large, or one too many."""


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: str
    size: int


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def check_attachment(upload: Upload) -> CheckedFile:
    try:
        check_upload_name(upload.name or "")  # control characters or quotes in the name: refused before anything else
    except ValidationError as exc:
        raise AttachmentRefused(" ".join(exc.messages)) from exc
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    kind = EXTENSIONS.get(extension)
    if kind is None:
        raise AttachmentRefused(f"“{name}”的文件类型不在允许范围内：申辩材料只接受{ALLOWED_TEXT}文件")
    size = upload.size or 0
    if size > MAX_FILE_BYTES:
        raise AttachmentRefused(f"“{name}”超过{_megabytes(MAX_FILE_BYTES)}，请压缩或拆分后再上传")
    if size == 0:
        raise AttachmentRefused(f"“{name}”是空文件")
    if not content_matches(upload, kind):
        raise AttachmentRefused(f"“{name}”的内容不是{extension}文件（文件内容与扩展名不符），不予接收")
    return CheckedFile(name, kind, size)


def check_attachments(uploads: Sequence[Upload]) -> list[CheckedFile]:
    """Every file checked, in order; the first one refused stops the appeal with its reason."""
    if len(uploads) > MAX_FILES:
        raise AttachmentRefused(f"申辩材料最多{MAX_FILES}个文件，本次选择了{len(uploads)}个")
    checked = [check_attachment(upload) for upload in uploads]
    total = sum(c.size for c in checked)
    if total > MAX_TOTAL_BYTES:
        raise AttachmentRefused(f"申辩材料合计不能超过{_megabytes(MAX_TOTAL_BYTES)}")
    return checked
