"""What an appeal may carry (第十一条 书面申辩 with its supporting material): documents and images only.

A file is judged by its content, not by its name: the first bytes must be those of the kind its
extension claims (`filetype` reads the signatures), and the zip-based formats must have the part
that makes them what they claim (a .docx holds word/document.xml, an .ofd holds OFD.xml). So an
.exe renamed .pdf, a zip renamed .docx or a .png that is really a script is refused, with the reason.

Allowed: PDF, JPEG, PNG, Word (.doc, .docx) and OFD (the national standard for e-documents, which
government offices issue). At most MAX_FILES files, MAX_FILE_BYTES each, MAX_TOTAL_BYTES together.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Protocol

import filetype
from django.core.exceptions import ValidationError

from workflows.runtime.errors import InvalidInput
from workflows.runtime.validators import check_upload_name

MAX_FILES = 5
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 50 * 1024 * 1024

# extension → the kind its content must be
EXTENSIONS = {".pdf": "pdf", ".jpg": "jpg", ".jpeg": "jpg", ".png": "png", ".doc": "doc", ".docx": "docx",
              ".ofd": "ofd"}
CONTENT_TYPES = {
    "pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png", "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "ofd": "application/ofd",
}
_ZIP_PARTS = {"docx": "word/document.xml", "ofd": "OFD.xml"}
_HEAD_BYTES = 8192
ALLOWED_TEXT = "PDF、JPG、PNG、Word（.doc、.docx）、OFD"


class AttachmentRefused(InvalidInput):
    """An appeal attachment is not an allowed document or image, or too large, or one too many."""


class Upload(Protocol):
    name: str | None
    size: int | None

    def read(self, size: int = -1) -> bytes: ...

    def seek(self, offset: int, whence: int = 0) -> int: ...


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: str
    size: int


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def _zip_has(upload: IO[bytes], part: str) -> bool:
    """Reads the zip's directory only: nothing is unpacked."""
    try:
        with zipfile.ZipFile(upload) as archive:
            return part in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def content_matches(upload: Upload, claimed: str) -> bool:
    """Whether the content really is `claimed` (one of EXTENSIONS' kinds)."""
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(0)
    if claimed in _ZIP_PARTS:
        return head.startswith(b"PK\x03\x04") and _zip_has(upload, _ZIP_PARTS[claimed])
    guessed = filetype.guess(head)
    return guessed is not None and guessed.extension == claimed


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
